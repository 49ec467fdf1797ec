"""A survivor's evidence in one line: the one to three tests closest to the mutated line,
and one command that applies the mutant, re-runs them, and takes the mutant back out.

Every test that ran against a survivor passed, so any of them re-runs the evidence; a
reviewer wants the few that say most: tests of the same module or function first, then
the most focused (fewest measured lines run), then by name, so the choice is stable. The full list stays a
count (`tests_run`); a command naming hundreds of test ids helps nobody."""

from __future__ import annotations

import re
import shlex
from collections import Counter
from pathlib import PurePosixPath

from comprehend.adversary.mutation.command import TestCommand
from comprehend.adversary.mutation.mutate import Mutant
from comprehend.adversary.mutation.select import CoverageMap

# The file a person saves the mutant's diff as; the command applies it and reverts it.
PATCH = "mutant.patch"
MOST_TESTS = 3
# Above this the command names fewer tests (never fewer than one).
COMMAND_LIMIT = 300


def lines_run(cmap: CoverageMap | None) -> Counter[str]:
    """How many measured lines each test runs: fewer is a more focused test."""
    counts: Counter[str] = Counter()
    if cmap is None:
        return counts
    for per_line in cmap.lines.values():
        for tests in per_line.values():
            counts.update(tests)
    return counts


def closest_tests(m: Mutant, tests: tuple[str, ...], focus: Counter[str],
                  most: int = MOST_TESTS) -> tuple[str, ...]:
    """Up to `most` of `tests`, closest to the mutant first."""
    module = _stem(m.file)
    function = m.scopes[-1][0].rsplit(".", 1)[-1].lower() if m.scopes else ""

    def key(nodeid: str) -> tuple[int, int, str]:
        path, _, name = nodeid.partition("::")
        same_module = _stem(path) == module or module in PurePosixPath(path).parts
        same_function = len(function.strip("_")) >= 3 and function.strip("_") in name.lower()
        return (2 - same_module - same_function, focus.get(nodeid, 0), nodeid)

    return tuple(sorted(tests, key=key)[:most])


def rerun_line(command: TestCommand, tests: tuple[str, ...],
               extra: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """`git apply mutant.patch && <the tests>; git apply -R mutant.patch`, and the tests it
    names: under COMMAND_LIMIT characters when the test ids allow it (fewer tests rather
    than a longer line)."""
    picked = tests if command.pytest else ()
    while True:
        line = with_mutant(tests_command(command, picked, extra))
        if len(line) <= COMMAND_LIMIT or len(picked) <= 1:
            return line, picked
        picked = picked[:-1]


def with_mutant(command: str) -> str:
    """`command` run with the saved mutant applied, which is taken out again afterwards
    (from the root: a command that changes folder runs in a subshell)."""
    if " && " in command or ";" in command:
        command = f"({command})"
    return f"git apply {PATCH} && {command}; git apply -R {PATCH}"


def tests_command(command: TestCommand, tests: tuple[str, ...], extra: tuple[str, ...]) -> str:
    if command.pytest and tests:
        return shlex.join([*command.argv, "-x", *tests])
    return shlex.join([*command.argv, *extra])


def _stem(path: str) -> str:
    """`shop/price.py`, `tests/test_price.py` and `price_test.py` all give `price`."""
    name = PurePosixPath(path.split("::", 1)[0]).stem.lower()
    return re.sub(r"^tests?_|_tests?$", "", name)
