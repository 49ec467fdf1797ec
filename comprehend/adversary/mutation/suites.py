"""What the Go and JS/TS runners share: the suite a changed file's mutants run against, the
line coverage of each test, and how a mutant's tests are chosen from it.

A suite is one place a test command runs: a Go package (`go test ./pkg`) or a JS/TS package
(the folder of its package.json). Its baseline run must pass before any mutant, and maps
each test (a Go test function, a node:test file) to the lines it runs, so a mutant runs
only the tests that run its line, as the pytest path does."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from comprehend.adversary.mutation.mutate import Mutant
from comprehend.adversary.mutation.outcomes import Status
from comprehend.adversary.sandbox import Sandbox

# test -> file (repository-relative) -> lines it ran
LineCoverage = dict[str, dict[str, frozenset[int]]]


@dataclass
class BaselineFacts:
    tests: tuple[str, ...]  # every passing test, fastest first
    seconds: float  # the baseline run, start-up included
    coverage: LineCoverage | None = None  # None: not measured (each mutant runs every test)
    notes: list[str] = field(default_factory=list)


class Suite(Protocol):
    language: str
    folder: str  # repository-relative folder the command runs in ("" for the top)
    files: list[str]  # the changed source files whose mutants it judges

    def prepare(self, copy: Path) -> None: ...

    def environment(self, box: Sandbox, copy: Path) -> dict[str, str]: ...

    def loads(self, file: str) -> bool | None: ...

    def not_loaded(self) -> str: ...

    def baseline(self, box: Sandbox, timeout: float) -> BaselineFacts: ...

    def run(self, box: Sandbox, copy: Path, tests: tuple[str, ...], timeout: float) \
        -> tuple[Status, str | None]: ...

    def shown(self, tests: tuple[str, ...]) -> str: ...

    def describe(self) -> str: ...


def choose_tests(facts: BaselineFacts, m: Mutant) -> tuple[tuple[str, ...], str]:
    """The tests to run against `m`, fastest first, and how they were chosen (the pytest
    path's order of preference: the line, its function, then everything)."""
    if facts.coverage is None:
        return facts.tests, "every passing test (no per-test coverage)"
    covering = {t for t in facts.tests if m.line in facts.coverage.get(t, {}).get(m.file, ())}
    if covering:
        return _ordered(facts, covering), "tests that run this line"
    if m.function_lines is not None:
        low, high = m.function_lines
        in_function = {t for t in facts.tests
                       if any(low <= n <= high for n in facts.coverage.get(t, {}).get(m.file, ()))}
        if in_function:
            return _ordered(facts, in_function), "no test runs this line; tests that run its function"
    return facts.tests, "no test runs this line or its function; every passing test"


def _ordered(facts: BaselineFacts, chosen: set[str]) -> tuple[str, ...]:
    return tuple(t for t in facts.tests if t in chosen)


def in_folder(folder: str, command: list[str]) -> str:
    """A command to paste at the repository's top: `cd folder && ...` when it runs below."""
    text = shlex.join(command)
    return f"cd {shlex.quote(folder)} && {text}" if folder else text
