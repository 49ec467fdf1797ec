"""Running one function call (or one evidence snippet) of the repository, safely enough to
ask a person what it does.

Each run is a fresh process of the repository's Python (`interpreter`) started on the quiz
copy of head's files (QuizContext.checkout), never on the user's work tree, with:
- a hard wall-clock timeout on the process (its whole process group is killed) and a
  shorter alarm on the call itself: a call slower than `call_seconds` is refused;
- resource limits set by the harness before any repository code runs (CPU seconds, address
  space, file size, no core files);
- a scrubbed environment (PATH, locale, a fresh temporary HOME and TMPDIR, PYTHONPATH at
  the copy; none of the caller's variables, so no tokens or keys), bytecode writing off;
- no network where `unshare -rn` works (a user and network namespace without interfaces),
  and everywhere an audit hook that refuses socket use, file writes and new processes;
- a snapshot of the copy's files (size, mtime) before and after: any change is refused.
A call is run twice with different hash seeds and refused unless both runs agree.

Refusals raise CallRefused with a short reason a kind passes on as Refused.reason."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HARNESS = Path(__file__).with_name("harness.py")
MARKER = "\x00comprehend-quiz-result\x00"
CALL_SECONDS = 1.0  # a call slower than this is not a quiz question
PROCESS_SECONDS = 30.0  # imports included; the process is killed after this
PYTEST_SECONDS = 30.0


class CallRefused(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Call:
    """One call of a module-level function with literal arguments (their source text)."""

    module: str  # dotted import name, e.g. calc.ops
    function: str  # name in the module
    args: tuple[str, ...] = ()  # each a Python literal, e.g. "[1, 2]"
    kwargs: tuple[tuple[str, str], ...] = ()
    consume: bool = False  # a generator function: the call is list(f(...))

    def text(self) -> str:
        parts = [*self.args, *(f"{k}={v}" for k, v in self.kwargs)]
        call = f"{self.function}({', '.join(parts)})"
        return f"list({call})" if self.consume else call


@dataclass(frozen=True)
class Override:
    """A module run from other text than its file's (a mutant), under its real file name."""

    module: str
    source: str


@dataclass(frozen=True)
class CallResult:
    value: str | None  # repr of what the call returned (None when it raised)
    exception: str | None  # the exception type name when it raised
    exception_line: tuple[str, int] | None  # innermost frame of the repository in its traceback
    output: str  # what it printed
    events: tuple[tuple[str, int, Any], ...]  # (event, line, locals | {"origin": ...}) when traced
    seconds: float

    def shown(self) -> str:
        """The result as a quiz choice: the value's repr, or `raises X`."""
        return self.value if self.exception is None else f"raises {self.exception}"


@dataclass(frozen=True)
class SnippetResult:
    output: str
    exception: str | None


def module_name(path: str) -> str | None:
    """The import name of a repository file (a src/ layout strips src/)."""
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def interpreter(repo_root: Path) -> str:
    """The repository's Python: the active virtual environment's, else a .venv or venv folder
    at the repository root, else the Python running comprehend."""
    candidates = []
    if os.environ.get("VIRTUAL_ENV"):
        candidates.append(Path(os.environ["VIRTUAL_ENV"]))
    candidates += [repo_root / ".venv", repo_root / "venv"]
    for venv in candidates:
        for python in (venv / "bin" / "python", venv / "Scripts" / "python.exe"):
            if python.exists():
                return str(python)
    return sys.executable


@functools.cache
def network_namespace() -> tuple[str, ...]:
    """The prefix that starts a process without network, or () where namespaces are off."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    try:
        done = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return (unshare, "-rn") if done.returncode == 0 else ()


class Runner:
    """Runs calls and snippets in `copy` (a checkout of head) with `python`."""

    def __init__(self, copy: Path, python: str, *, call_seconds: float = CALL_SECONDS) -> None:
        self.copy = copy
        self.python = python
        self.call_seconds = call_seconds

    @classmethod
    def for_context(cls, ctx: Any) -> Runner:
        return cls(ctx.checkout(), interpreter(ctx.repo.root))

    def call(self, call: Call, *, override: Override | None = None, trace: bool = False,
             twice: bool = True) -> CallResult:
        job: dict[str, Any] = {"call": {"module": call.module, "function": call.function,
                                        "args": "(" + "".join(a + ", " for a in call.args) + ")",
                                        "kwargs": "{" + ", ".join(f"{k!r}: {v}" for k, v in call.kwargs) + "}",
                                        "consume": call.consume},
                               "trace": trace}
        if override is not None:
            job["override"] = {"module": override.module, "source": override.source}
        first = self._checked(job, "0")
        if twice and _comparable(self._checked(job, "1")) != _comparable(first):
            raise CallRefused("non-deterministic", "two runs of the same call differ")
        if "setup_error" in first:
            raise CallRefused("import fails", first["setup_error"])
        if first.get("overflow"):
            raise CallRefused("trace too long")
        if "exception" not in first and not first.get("simple"):
            raise CallRefused("complex return value", first.get("value", ""))
        line = first.get("exception_line")
        return CallResult(
            value=first.get("value") if "exception" not in first else None,
            exception=first.get("exception"),
            exception_line=(line[0], int(line[1])) if line else None,
            output=first.get("output", ""),
            events=tuple((e, n, data) for e, n, data in first.get("events", ())),
            seconds=float(first.get("seconds", 0.0)),
        )

    def snippet(self, code: str, *, override: Override | None = None, audit: bool = True,
                seconds: float | None = None, twice: bool = False) -> SnippetResult:
        """Run evidence code as `python -c` would from the copy's root; its printed output."""
        job: dict[str, Any] = {"code": code, "audit": audit,
                               "call_seconds": seconds or self.call_seconds}
        job["cpu_seconds"] = int(job["call_seconds"]) + 20
        if override is not None:
            job["override"] = {"module": override.module, "source": override.source}
        timeout = max(PROCESS_SECONDS, job["call_seconds"] + 10)
        first = self._checked(job, "0", timeout=timeout)
        if twice and _comparable(self._checked(job, "1", timeout=timeout)) != _comparable(first):
            raise CallRefused("non-deterministic", "two runs of the evidence differ")
        if "setup_error" in first:
            raise CallRefused("import fails", first["setup_error"])
        return SnippetResult(first.get("output", ""), first.get("exception"))

    # One process ----------------------------------------------------------------------------

    def _checked(self, job: dict[str, Any], seed: str, *, timeout: float = PROCESS_SECONDS) -> dict[str, Any]:
        job = {"call_seconds": self.call_seconds, **job}
        before = tree_state(self.copy)
        result = self._run(job, seed, timeout)
        if tree_state(self.copy) != before:
            raise CallRefused("side effects on files", "the run changed files of the checkout")
        flags = result.get("flags", [])
        if "network" in flags:
            raise CallRefused("network")
        if "file write" in flags:
            raise CallRefused("side effects on files")
        if "process" in flags:
            raise CallRefused("starts processes")
        if result.get("slow"):
            raise CallRefused("timeout", f"slower than {job['call_seconds']} s")
        return result

    def _run(self, job: dict[str, Any], seed: str, timeout: float) -> dict[str, Any]:
        home = Path(tempfile.mkdtemp(prefix="comprehend-quiz-home-"))
        try:
            argv = [*network_namespace(), self.python, "-c", HARNESS.read_text(encoding="utf-8")]
            proc = subprocess.Popen(argv, cwd=self.copy, env=self._env(home, seed),
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                out, _ = proc.communicate(json.dumps(job).encode(), timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(proc)
                proc.communicate()
                raise CallRefused("timeout", f"the process ran past {timeout:g} s") from None
            finally:
                _kill(proc)  # anything it left running in its group
        finally:
            shutil.rmtree(home, ignore_errors=True)
        text = out.decode("utf-8", "replace")
        if MARKER not in text:
            raise CallRefused("crashed", text.strip()[-300:])
        return json.loads(text.split(MARKER, 1)[1].splitlines()[0])

    def _env(self, home: Path, seed: str) -> dict[str, str]:
        paths = [str(self.copy)] + ([str(self.copy / "src")] if (self.copy / "src").is_dir() else [])
        return {
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": str(home), "TMPDIR": str(home), "TMP": str(home), "TEMP": str(home),
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
            "PYTHONHASHSEED": seed, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8",
            "PYTHONPATH": os.pathsep.join(paths), "NO_COLOR": "1",
        }


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and modification time."""
    state: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            state[path] = (st.st_size, st.st_mtime_ns)
    return state


def _comparable(result: dict[str, Any]) -> tuple:
    return tuple(json.dumps(result.get(key), sort_keys=True)
                 for key in ("value", "exception", "exception_line", "output", "events", "slow"))


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
