"""Go packages as mutation suites: `go test` on the changed package only, offline.

The baseline is `go test -json` on the package (it must pass); per-test line coverage comes
from one test binary built with `-cover` and run once per test function. A mutant then runs
`go test -failfast -run '^(TestA|TestB)$' ./pkg`: the re-run command the finding shows.
Go never reaches the network: GOPROXY=off, GOTOOLCHAIN=local, GOFLAGS=-mod=vendor only when
the module vendors; the module cache is the user's own (read-only under namespaces), the
build cache and GOPATH live in the sandbox. A mutant that does not build (the types refuse
the edit) gets no verdict, and the run says how many did not."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

from comprehend.adversary.mutation.outcomes import Status
from comprehend.adversary.mutation.suites import BaselineFacts, LineCoverage, in_folder
from comprehend.adversary.sandbox import RunResult, Sandbox, TestsCannotRun

MAX_COVERAGE_TESTS = 200  # more test functions than this: every mutant runs every test
_FAILED = re.compile(r"^\s*--- FAIL: (\S+)", re.MULTILINE)
_PROFILE = re.compile(r"^(.+):(\d+)\.\d+,(\d+)\.\d+ \d+ (\d+)$")
COMPILER = "the Go compiler (the mutant does not build)"


def go_module_root(copy: Path, folder: str) -> str | None:
    """The repository-relative folder of the go.mod above `folder`, or None."""
    path = PurePosixPath(folder)
    for candidate in (path, *path.parents):
        text = "" if str(candidate) == "." else str(candidate)
        if (copy / text / "go.mod").is_file():
            return text
    return None


class GoSuite:
    language = "go"

    def __init__(self, module: str, package: str, files: list[str]) -> None:
        self.folder = module  # where go runs: the module's root
        self.package = package  # repository-relative folder of the package
        rel = PurePosixPath(package).relative_to(module) if module else PurePosixPath(package)
        self.target = "." if str(rel) == "." else f"./{rel}"
        self.files = files
        self.modcache = _module_cache()
        self.compiled = 0  # mutants the compiler rejected
        self.built: set[str] | None = None  # the package's files go builds here (go list)

    def prepare(self, copy: Path) -> None:
        """Nothing to add: a Go package needs only its module (and its vendor/, if any)."""

    def loads(self, file: str) -> bool | None:
        """Whether go test builds `file` on this platform (build constraints, _windows.go)."""
        return True if self.built is None else PurePosixPath(file).name in self.built

    def not_loaded(self) -> str:
        return "go does not build it here (its build constraints exclude this platform)"

    def describe(self) -> str:
        return f"Go package {self.target} (module {self.folder or '.'}): go test"

    def environment(self, box: Sandbox, copy: Path) -> dict[str, str]:
        env = box.env(copy)
        flags = env.get("GOFLAGS", "").split()  # only when [adversary] pass_env lets it through
        if (copy / self.folder / "vendor").is_dir() and not any(f.startswith("-mod=") for f in flags):
            flags.append("-mod=vendor")
        env.update({"GOCACHE": str(box.root / "go-build"), "GOPATH": str(box.root / "go-path"),
                    "GOPROXY": "off", "GOSUMDB": "off", "GOTOOLCHAIN": "local",
                    "GOTELEMETRY": "off", "GOFLAGS": " ".join(flags)})
        if self.modcache:
            env["GOMODCACHE"] = self.modcache
        return env

    def baseline(self, box: Sandbox, timeout: float) -> BaselineFacts:
        copy = box.copies[0]
        env = self.environment(box, copy)
        argv = ["go", "test", "-count=1", "-json", self.target]
        result = box.run(argv, copy / self.folder, env, timeout, tail=None)
        if result.timed_out or result.limit:
            raise TestsCannotRun(f"the baseline run of `{self.shown(())}` hit "
                                 f"{result.limit or 'its timeout'}; raise [adversary] "
                                 "baseline_timeout or the limits, or find the test that hangs")
        events = _events(result.output)
        if result.exit_code != 0:
            raise TestsCannotRun(f"`{self.shown(())}` fails at the head before any mutant: "
                                 f"{_why(events, result)}; make the tests pass, or run with --no-exec")
        listed = box.run(["go", "list", "-f", "{{range .GoFiles}}{{println .}}{{end}}"
                          "{{range .CgoFiles}}{{println .}}{{end}}", self.target],
                         copy / self.folder, env, timeout)
        if listed.exit_code == 0:
            self.built = {line.strip() for line in listed.output.splitlines() if line.strip()}
        elapsed = {e["Test"]: e.get("Elapsed", 0.0) for e in events
                   if e.get("Action") == "pass" and "/" not in e.get("Test", "/")}
        tests = tuple(sorted(elapsed, key=lambda t: (elapsed[t], t)))
        facts = BaselineFacts(tests, result.seconds)
        if tests and len(tests) <= MAX_COVERAGE_TESTS:
            facts.coverage = self._coverage(box, env, tests, timeout)
            if facts.coverage is None:
                facts.notes.append(f"mutation: {self.target}: the -cover build failed, so each "
                                   "mutant ran every test of the package")
        return facts

    def _coverage(self, box: Sandbox, env: dict[str, str], tests: tuple[str, ...],
                  timeout: float) -> LineCoverage | None:
        copy = box.copies[0]
        binary = box.data / f"go-{self.package.replace('/', '_') or 'top'}.test"
        built = box.run(["go", "test", "-c", "-cover", "-covermode=set", "-o", str(binary),
                         self.target], copy / self.folder, env, timeout)
        if built.exit_code != 0 or not binary.is_file():
            return None
        by_name = {PurePosixPath(f).name: f for f in self.files}
        coverage: LineCoverage = {}
        for test in tests:
            profile = box.data / f"cover-{test}.out"
            run = box.run([str(binary), "-test.count=1", f"-test.run=^{re.escape(test)}$",
                           f"-test.coverprofile={profile}"], copy / self.package, env, timeout)
            if run.exit_code != 0 or not profile.is_file():
                return None
            coverage[test] = _profile_lines(profile.read_text(encoding="utf-8"), by_name)
        return coverage

    def run(self, box: Sandbox, copy: Path, tests: tuple[str, ...], timeout: float) \
            -> tuple[Status, str | None]:
        argv = ["go", "test", "-count=1", "-failfast", *_run_flag(tests), self.target]
        result = box.run(argv, copy / self.folder, self.environment(box, copy), timeout)
        if result.timed_out:
            return "timeout", None
        if result.exit_code == 0:
            return "survived", None
        failed = _FAILED.search(result.output)
        if failed:
            return "killed", failed.group(1)
        if "[build failed]" in result.output or "[setup failed]" in result.output:
            self.compiled += 1
            return "killed", COMPILER
        return "killed", None

    def shown(self, tests: tuple[str, ...]) -> str:
        return in_folder(self.folder, ["go", "test", self.target, *_run_flag(tests)])


def _run_flag(tests: tuple[str, ...]) -> list[str]:
    if not tests:
        return []
    names = "|".join(re.escape(t) for t in tests)
    return ["-run", f"^{names}$" if len(tests) == 1 else f"^({names})$"]


def _events(output: str) -> list[dict]:
    events = []
    for line in output.splitlines():
        if line.startswith("{"):
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
    return events


def _why(events: list[dict], result: RunResult) -> str:
    failed = [e["Test"] for e in events if e.get("Action") == "fail" and e.get("Test")]
    if failed:
        return f"{', '.join(sorted(set(failed))[:3])} fail{'s' if len(failed) == 1 else ''}"
    text = " ".join(e.get("Output", "") for e in events) or result.output
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("{")]
    return (lines[0][:200] if lines else f"exit {result.exit_code}")


def _profile_lines(text: str, by_name: dict[str, str]) -> dict[str, frozenset[int]]:
    """The lines of the suite's files that a cover profile shows ran (count > 0)."""
    lines: dict[str, set[int]] = {}
    for row in text.splitlines()[1:]:
        match = _PROFILE.match(row)
        if match is None or match.group(4) == "0":
            continue
        path = by_name.get(PurePosixPath(match.group(1)).name)
        if path is not None:
            lines.setdefault(path, set()).update(range(int(match.group(2)), int(match.group(3)) + 1))
    return {path: frozenset(found) for path, found in lines.items()}


def _module_cache() -> str | None:
    """The user's module cache, so a module with dependencies builds offline."""
    go = shutil.which("go")
    if go is None:
        return None
    try:
        # from / with GOTOOLCHAIN=local: a go.mod asking for a newer Go must not make this
        # download a toolchain
        out = subprocess.run([go, "env", "GOMODCACHE"], capture_output=True, text=True, cwd="/",
                             timeout=30, env={**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": ""})
    except (OSError, subprocess.SubprocessError):
        return None
    path = out.stdout.strip()
    return path if out.returncode == 0 and path and Path(path).is_dir() else None
