"""Claims must execute: each test the critic proposes runs with pytest in the adversary's
sandbox, a copy of head (and of base, for a claimed regression) outside the repository.
Only a test that fails for a reason in the code under test counts as a failure: a test
that cannot even import, names something that does not exist, or errors in a fixture is a
broken test, not a counterexample."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from comprehend.adversary.sandbox import RunResult, Sandbox, default_python
from comprehend.git import Repository

# A failure whose message starts with one of these is the test's own fault.
BROKEN_TEST = ("NameError", "ImportError", "ModuleNotFoundError", "SyntaxError",
               "IndentationError", "fixture ", "AttributeError: module ")


@dataclass(frozen=True)
class TestOutcome:
    status: str  # failed | passed | broken | timeout
    seconds: float
    detail: str  # the failure's first line, or why it did not count
    command: str  # what a person runs in a checkout of the revision to see it


def run_claim_tests(repo: Repository, rev: str | None, tests: list[str],
                    timeout: float, cancel: threading.Event | None = None) -> list[TestOutcome]:
    """Each test module against `rev` (None: the working tree): all in one pytest process
    (one start-up instead of one per claim); if that times out, each alone. Setting
    `cancel` kills the running tests at once (InterruptedError; the sandbox is removed)."""
    files = {f"test_comprehend_claim_{i}.py": source for i, source in enumerate(tests)}
    return _in_sandbox(repo, rev, files, timeout, cancel)


def _in_sandbox(repo: Repository, rev: str | None, files: dict[str, str],
                timeout: float, cancel: threading.Event | None = None) -> list[TestOutcome]:
    """The one place the critic touches the sandbox: a copy of `rev` with the files written
    at its root, run by pytest with a JUnit report (the repository's conftest and addopts
    apply, its cache plugin does not)."""
    with Sandbox(repo, rev) as sandbox:
        stop_watching = _kill_on(cancel, sandbox)
        try:
            return _run_files(sandbox, files, timeout)
        finally:
            stop_watching()
            if cancel is not None and cancel.is_set():
                raise InterruptedError("cancelled")


def _run_files(sandbox: Sandbox, files: dict[str, str], timeout: float) -> list[TestOutcome]:
    """Write the proposed tests into a copy of the revision and run them."""
    copy = sandbox.build()
    for name, source in files.items():
        (copy / name).write_text(source, encoding="utf-8")

    def pytest(names: list[str], label: str, seconds: float) -> tuple[RunResult, str | None]:
        report = sandbox.data / f"{label}.xml"
        argv = [default_python(), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                "--continue-on-collection-errors", f"--junitxml={report}",
                "--rootdir", str(copy), *names]
        return sandbox.run(argv, copy, sandbox.env(copy), seconds), _read(report)

    result, junit = pytest(list(files), "all", timeout * len(files))
    if not result.timed_out:
        return [_outcome(name, result.seconds, _problems(junit, name)) for name in files]
    out = []
    for name in files:
        alone, junit = pytest([name], name, timeout)
        out.append(_outcome(name, alone.seconds, None if alone.timed_out
                            else _problems(junit, name)))
    return out


def _kill_on(cancel: threading.Event | None, sandbox: Sandbox) -> Callable[[], None]:
    """Watch `cancel` from a thread: once set, kill the sandbox's processes (the caller's
    thread is blocked waiting for them). Returns the function that stops watching."""
    if cancel is None:
        return lambda: None
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if cancel.wait(0.1):
                sandbox.kill_processes()
                return

    thread = threading.Thread(target=watch, name="critic-cancel", daemon=True)
    thread.start()

    def stop() -> None:
        done.set()
        thread.join()

    return stop


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _outcome(name: str, seconds: float,
             problems: tuple[int, list[str], list[str]] | None) -> TestOutcome:
    command = f"python -m pytest {name}"
    if problems is None:
        return TestOutcome("timeout", seconds, "timed out", command)
    cases, failures, errors = problems
    if errors or not cases:
        return TestOutcome("broken", seconds, (errors or ["no test ran"])[0], command)
    if not failures:
        return TestOutcome("passed", seconds, "", command)
    broken = [f for f in failures if f.startswith(BROKEN_TEST)]
    if broken:
        return TestOutcome("broken", seconds, broken[0], command)
    return TestOutcome("failed", seconds, failures[0], command)


def _problems(junit: str | None, name: str) -> tuple[int, list[str], list[str]]:
    """Test cases of one module in the JUnit report, its failures and its errors."""
    if not junit:
        return 0, [], ["pytest wrote no report"]
    try:
        root = ET.fromstring(junit)
    except ET.ParseError:
        return 0, [], ["pytest's report did not parse"]
    module = name.removesuffix(".py")
    cases = [c for c in root.iter("testcase")
             if c.get("classname", "").split(".")[0] == module
             or (not c.get("classname") and c.get("name") == module)]
    failures = [_first(e) for c in cases for e in c.iter("failure")]
    errors = [_first(e) for c in cases for e in c.iter("error")]
    skipped = [c for c in cases if c.find("skipped") is not None]
    if skipped and not failures and not errors and len(skipped) == len(cases):
        errors = ["skipped"]
    return len(cases), failures, errors


def _first(element: ET.Element) -> str:
    message = element.get("message") or (element.text or "").strip()
    return message.strip().splitlines()[0][:300] if message.strip() else element.tag
