"""Which of the diff's new tests also pass on the base: `tests-add-nothing` may only speak of
those. A new test that fails on the base (or cannot even import there) checks something the
change brought, whatever mutants it killed.

The check runs in one more copy of the sandbox: the head's files with every non-test file
the change touched put back as it was at the base (files the change added are removed,
files it deleted come back), so the tests are the head's and the code is the base's. It
runs only the new tests, once, and reads their outcomes from pytest's JUnit XML report."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from comprehend import git
from comprehend.adversary.diff import Change
from comprehend.adversary.sandbox import Sandbox
from comprehend.git import Repository


@dataclass(frozen=True)
class BaseRun:
    passed: tuple[str, ...]  # new tests that pass with the base's code: they add nothing
    failed: tuple[str, ...]  # new tests that fail, error or are not collected there
    judged: bool  # False: the run could not say (it timed out), so nothing is reported
    note: str | None = None


def base_copy(sandbox: Sandbox, repo: Repository, change: Change,
              is_test_file: Callable[[str], bool]) -> Path:
    """A copy of the sandbox's first copy with the change's code (not its tests) at base."""
    copy = sandbox.root / "base"
    if copy.exists():
        return copy
    shutil.copytree(sandbox.copies[0], copy, symlinks=True)
    code = [f for f in change.files if not is_test_file(f.path) and not is_test_file(
        f.old_path or f.path)]
    wanted = {f"{change.base}:{f.old_path}": f.old_path for f in code
              if f.old_path and "\n" not in f.old_path}
    blobs = git.read_blobs(repo, list(wanted))
    for f in code:
        if f.status != "deleted":
            (copy / f.path).unlink(missing_ok=True)
    for spec, path in wanted.items():
        if spec in blobs:
            target = copy / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blobs[spec])
    return copy


def run_on_base(sandbox: Sandbox, repo: Repository, change: Change, command: list[str],
                tests: list[str], is_test_file: Callable[[str], bool],
                timeout: float) -> BaseRun:
    """Run `tests` (pytest node ids) against the base's code with the head's tests."""
    copy = base_copy(sandbox, repo, change, is_test_file)
    report = sandbox.data / "on-base.xml"
    report.unlink(missing_ok=True)
    result = sandbox.run([*command, "-p", "no:cacheprovider", f"--junitxml={report}", *tests],
                         copy, sandbox.env(copy), timeout)
    if result.timed_out:
        return BaseRun((), (), judged=False,
                       note=f"tests-add-nothing: the new tests timed out on the base "
                            f"({timeout:.0f} s), so whether they test the change was not judged")
    passing = _passing(report)
    passed = tuple(t for t in tests if _junit_key(t) in passing)
    failed = tuple(t for t in tests if t not in passed)
    return BaseRun(passed, failed, judged=True)


def _passing(report: Path) -> set[tuple[str, str]]:
    """(classname, name) of the test cases a JUnit XML report says passed."""
    try:
        root = ET.parse(report).getroot()
    except (OSError, ET.ParseError):
        return set()  # nothing ran (a collection error): no new test passed
    return {(case.get("classname", ""), case.get("name", "")) for case in root.iter("testcase")
            if not any(child.tag in ("failure", "error", "skipped") for child in case)}


def _junit_key(nodeid: str) -> tuple[str, str]:
    """pytest's JUnit names of a node id: tests/test_a.py::TestB::test_c[1] is
    ("tests.test_a.TestB", "test_c[1]")."""
    file, *parts = nodeid.split("::")
    module = file[:-3] if file.endswith(".py") else file
    return ".".join([module.replace("/", "."), *parts[:-1]]), parts[-1] if parts else ""
