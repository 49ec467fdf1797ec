"""JS/TS packages as mutation suites: the project's own test command (package.json
`scripts.test`), run in the sandbox.

With node:test (`node --test ...`, no shell syntax around it) the baseline runs with
NODE_V8_COVERAGE, which gives each test file's process its own block coverage; a mutant
then runs `node --test` on the test files that run its line. Any other runner (Jest,
Vitest, Mocha, a TypeScript build step) runs whole for each mutant, after a forced-fail run
per file shows its tests load that file at all. node_modules is not copied: the package's
own folder is linked into the copy (read-only under namespaces), and a runner it lacks is
the fail-closed error naming what to install."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from comprehend.adversary.jstests import is_js_test
from comprehend.adversary.mutation.command import last_error
from comprehend.adversary.mutation.outcomes import Status
from comprehend.adversary.mutation.suites import BaselineFacts, LineCoverage, in_folder
from comprehend.adversary.sandbox import Sandbox, TestsCannotRun

_SHELL = re.compile(r"[&|;<>$`()*?]")
_ASSIGNMENT = re.compile(r"^\w+=")
_NOT_OK = re.compile(r"^\s*not ok \d+ - (.+?)\s*$", re.MULTILINE)
FORCED_FAILURE = "throw new Error('comprehend: forced failure of the sanity run');\n"


def js_package_root(copy: Path, folder: str) -> tuple[str, str] | None:
    """(folder of the nearest package.json with scripts.test, that script), or None."""
    path = PurePosixPath(folder)
    for candidate in (path, *path.parents):
        text = "" if str(candidate) == "." else str(candidate)
        manifest = copy / text / "package.json"
        if not manifest.is_file():
            continue
        try:
            script = json.loads(manifest.read_text(encoding="utf-8")).get("scripts", {}).get("test")
        except (OSError, ValueError, AttributeError):
            script = None
        if isinstance(script, str) and script.strip() and "no test specified" not in script:
            return text, script.strip()
    return None


class JsSuite:
    language = "javascript"

    def __init__(self, repo_root: Path, folder: str, script: str, files: list[str]) -> None:
        self.repo_root, self.folder, self.script, self.files = repo_root, folder, script, files
        words = shlex.split(script) if not _SHELL.search(script) else []
        # node:test run directly: its flags are kept, its file arguments replaced per mutant
        self.node_test = bool(words) and words[0] == "node" and "--test" in words
        self.flags = [w for w in words[1:] if w.startswith("-")] if self.node_test else []
        self.loaded_files: set[str] | None = None  # files some test process loaded

    def describe(self) -> str:
        where = f"{self.folder}/package.json" if self.folder else "package.json"
        return f"JS/TS package {self.folder or '.'}: scripts.test of {where} (`{self.script}`)"

    def _folders(self) -> list[str]:
        """The package's folder and those above it in the repository, nearest first: where
        npm looks for node_modules (a workspace hoists them to the top)."""
        path = PurePosixPath(self.folder)
        return [("" if str(p) == "." else str(p)) for p in (path, *path.parents)]

    def prepare(self, copy: Path) -> None:
        """Link the installed node_modules into the copy (never copied: large, and the
        sandbox leaves them out), then check the runner is there."""
        for folder in self._folders():
            source = self.repo_root / folder / "node_modules"
            target = copy / folder / "node_modules"
            if source.is_dir() and not (target.exists() or target.is_symlink()):
                os.symlink(source, target)
        runner = self._runner()
        if runner is None:
            return
        path = os.pathsep.join([*self._bins(copy), os.environ.get("PATH", "")])
        if shutil.which(runner, path=path) is None:
            where = f"in {self.folder}/" if self.folder else "at the repository's top"
            raise TestsCannotRun(f"`{runner}`, the runner of scripts.test (`{self.script}`), is not "
                                 f"installed: run `npm ci` (or `npm install`) {where} so "
                                 "node_modules has it, or run with --no-exec")

    def _runner(self) -> str | None:
        words = [w for w in shlex.split(self.script.split("&&")[-1]) if not _ASSIGNMENT.match(w)] \
            if self.script else []
        return words[0] if words else None

    def _bins(self, copy: Path) -> list[str]:
        return [str(copy / folder / "node_modules" / ".bin") for folder in self._folders()]

    def environment(self, box: Sandbox, copy: Path) -> dict[str, str]:
        env = box.env(copy, {"CI": "true", "NODE_ENV": "test", "NO_COLOR": "1"})
        env["PATH"] = os.pathsep.join([*self._bins(copy), env["PATH"]])
        return env

    def baseline(self, box: Sandbox, timeout: float) -> BaselineFacts:
        copy = box.copies[0]
        env = self.environment(box, copy)
        coverage_dir = box.data / f"v8-{self.folder.replace('/', '_') or 'top'}"
        if self.node_test:
            env["NODE_V8_COVERAGE"] = str(coverage_dir)
        result = box.run(["sh", "-c", self.script], copy / self.folder, env, timeout)
        if result.timed_out or result.limit:
            raise TestsCannotRun(f"the baseline run of `{self.shown(())}` hit "
                                 f"{result.limit or 'its timeout'}; raise [adversary] "
                                 "baseline_timeout or the limits, or find the test that hangs")
        if result.exit_code != 0:
            raise TestsCannotRun(f"`{self.shown(())}` fails at the head before any mutant: "
                                 f"{last_error(result.output)}; make the tests pass, or run with "
                                 "--no-exec")
        if not self.node_test:
            return BaselineFacts((), result.seconds)
        coverage = self._coverage(copy, coverage_dir)
        self.loaded_files = {f for lines in coverage.values() for f in lines}
        return BaselineFacts(tuple(sorted(coverage)), result.seconds, coverage)

    def _coverage(self, copy: Path, folder: Path) -> LineCoverage:
        """Test file (relative to the package folder) -> changed file -> lines it ran."""
        wanted = {str((copy / f).resolve()): f for f in self.files}
        texts: dict[str, str] = {}
        coverage: LineCoverage = {}
        for report in sorted(folder.glob("coverage-*.json")) if folder.is_dir() else []:
            try:
                scripts = json.loads(report.read_text(encoding="utf-8")).get("result", [])
            except (OSError, ValueError):
                continue
            paths = {_path(s.get("url", "")): s for s in scripts}
            tests = [p for p in paths if p and _under(p, copy / self.folder)
                     and is_js_test(os.path.relpath(p, copy))]
            if len(tests) != 1:
                continue  # the runner's own process, or one that loaded several test files
            test = os.path.relpath(tests[0], copy / self.folder)
            ran: dict[str, frozenset[int]] = {}
            for path, script in paths.items():
                if path in wanted:
                    text = texts.setdefault(path, Path(path).read_text(encoding="utf-8"))
                    ran[wanted[path]] = _lines_run(text, script.get("functions", []))
            coverage[test] = ran
        return coverage

    def loads(self, file: str) -> bool | None:
        """Whether some test process loaded `file` (None: not known without a sanity run)."""
        return None if self.loaded_files is None else file in self.loaded_files

    def not_loaded(self) -> str:
        if self.loaded_files is not None:
            return "no test process loads it (node:test coverage)"
        return "the tests pass even when it throws on load (forced-fail sanity run)"

    def run(self, box: Sandbox, copy: Path, tests: tuple[str, ...], timeout: float) \
            -> tuple[Status, str | None]:
        env = self.environment(box, copy)
        argv = ["node", *self.flags, *tests] if self.node_test and tests else ["sh", "-c", self.script]
        result = box.run(argv, copy / self.folder, env, timeout)
        if result.timed_out:
            return "timeout", None
        if result.exit_code == 0:
            return "survived", None
        failed = _NOT_OK.search(result.output)
        return "killed", failed.group(1) if failed else None

    def shown(self, tests: tuple[str, ...]) -> str:
        if self.node_test and tests:
            return in_folder(self.folder, ["node", *self.flags, *tests])
        return in_folder(self.folder, ["npm", "test"])


def _path(url: str) -> str | None:
    parsed = urlparse(url)
    return str(Path(unquote(parsed.path)).resolve()) if parsed.scheme == "file" else None


def _under(path: str, folder: Path) -> bool:
    return Path(path).is_relative_to(folder.resolve()) and "node_modules" not in Path(path).parts


def _lines_run(text: str, functions: list[dict]) -> frozenset[int]:
    """Lines whose first character the innermost V8 block range counted at least once.
    V8 offsets count UTF-16 units; for the ASCII most source is, they are characters."""
    ranges = sorted(((r["startOffset"], r["endOffset"], r["count"]) for fn in functions
                     for r in fn.get("ranges", [])), key=lambda r: (r[0], -r[1]))
    out: set[int] = set()
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        stripped = len(line) - len(line.lstrip())
        at = offset + stripped
        offset += len(line)
        if stripped == len(line):
            continue
        holding = [r for r in ranges if r[0] <= at < r[1]]
        if holding and min(holding, key=lambda r: r[1] - r[0])[2] > 0:
            out.add(number)
    return frozenset(out)
