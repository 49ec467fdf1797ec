"""Which tests to run against a mutant, in which order.

The baseline run records, with coverage.py dynamic contexts (one context per test), which
tests execute each line of the files being mutated, and how long each test takes. A mutant
on a line runs the tests that execute that line: the tests the diff itself adds or changes
first, then the others, fastest first within each group, stopping at the first failure."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from comprehend.adversary.diff import Change
from comprehend.adversary.mutation.arid import AridRules


@dataclass(frozen=True)
class BaselineTest:
    nodeid: str
    outcome: str  # passed, failed, skipped
    seconds: float


@dataclass(frozen=True)
class CoverageMap:
    tests: dict[str, BaselineTest]
    # file -> line -> the tests that ran it (only tests, not import time)
    lines: dict[str, dict[int, frozenset[str]]]
    # file -> lines that ran outside any test (imports during collection)
    import_lines: dict[str, frozenset[int]]
    coverage_error: str | None  # why there is no per-line map, if there is none
    # Files whose changed functions were not loaded when tests were collected (a test
    # imports them later): their lines have no record, whoever runs them.
    unmeasured: frozenset[str] = frozenset()

    @property
    def passing(self) -> frozenset[str]:
        return frozenset(n for n, t in self.tests.items() if t.outcome == "passed")

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(sorted(n for n, t in self.tests.items() if t.outcome == "failed"))

    def seconds(self, nodeids: tuple[str, ...] | list[str]) -> float:
        return sum(self.tests[n].seconds for n in nodeids if n in self.tests)

    def file_tests(self, path: str) -> frozenset[str]:
        """Tests that execute any line of `path`."""
        return frozenset(t for tests in self.lines.get(path, {}).values() for t in tests)


def read_probe_output(path: Path) -> CoverageMap | None:
    """The baseline's record, or None when the probe wrote none (not a pytest run)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    tests = {n: BaselineTest(n, outcome, float(seconds)) for n, (outcome, seconds) in data["tests"].items()}
    lines = {f: {int(n): frozenset(ts) for n, ts in per_line.items()}
             for f, per_line in data.get("lines", {}).items()}
    import_lines = {f: frozenset(ns) for f, ns in data.get("import_lines", {}).items()}
    return CoverageMap(tests, lines, import_lines, data.get("coverage_error"),
                       frozenset(data.get("unmeasured", [])))


def merge_maps(maps: list[CoverageMap]) -> CoverageMap:
    """One map from the records of a baseline split across processes."""
    tests: dict[str, BaselineTest] = {}
    lines: dict[str, dict[int, frozenset[str]]] = {}
    import_lines: dict[str, frozenset[int]] = {}
    for m in maps:
        tests.update(m.tests)
        for f, per_line in m.lines.items():
            merged = lines.setdefault(f, {})
            for n, ts in per_line.items():
                merged[n] = merged.get(n, frozenset()) | ts
        for f, ns in m.import_lines.items():
            import_lines[f] = import_lines.get(f, frozenset()) | ns
    error = next((m.coverage_error for m in maps if m.coverage_error), None)
    return CoverageMap(tests, lines, import_lines, error, frozenset().union(*(m.unmeasured for m in maps)))


@dataclass(frozen=True)
class ChangedTest:
    file: str
    path: tuple[str, ...]  # enclosing classes then the function name
    first_line: int
    last_line: int


def diff_tests(change: Change, root: Path, rules: AridRules) -> tuple[ChangedTest, ...]:
    """The test functions the diff adds or changes: in test files, a `test*` function with
    an added line inside it (every test of a new test file)."""
    found: list[ChangedTest] = []
    for f in change.files:
        if f.status == "deleted" or f.binary or not f.path.endswith(".py") or not rules.is_test_file(f.path):
            continue
        added = f.added_lines
        try:
            tree = ast.parse((root / f.path).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for fn, path in _test_functions(tree, ()):
            first = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
            last = fn.end_lineno or fn.lineno
            if any(first <= n <= last for n in added):
                found.append(ChangedTest(f.path, path, first, last))
    return tuple(found)


def _test_functions(node: ast.AST, outer: tuple[str, ...]):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            yield from _test_functions(child, (*outer, child.name))
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name.startswith("test"):
            yield child, (*outer, child.name)


def matches(nodeid: str, functions: tuple[ChangedTest, ...]) -> bool:
    """Whether a pytest node id is one of `functions` (any of its parametrizations)."""
    file, _, rest = nodeid.partition("::")
    parts = tuple(p.split("[", 1)[0] for p in rest.split("::")) if rest else ()
    return any(fn.file == file and parts[-len(fn.path):] == fn.path for fn in functions if parts)


def order_tests(nodeids: frozenset[str] | set[str], cmap: CoverageMap,
                first: frozenset[str]) -> tuple[str, ...]:
    """The diff's own tests (`first`) before the others, fastest first in each group."""
    def key(n: str) -> tuple[int, float, str]:
        return (0 if n in first else 1, cmap.tests[n].seconds if n in cmap.tests else 0.0, n)

    return tuple(sorted(nodeids, key=key))


def select_tests(cmap: CoverageMap, path: str, line: int, function_lines: tuple[int, int] | None,
                 first: frozenset[str]) -> tuple[tuple[str, ...], str]:
    """The ordered tests for a mutant on `path`:`line`, and how they were chosen.
    `function_lines` spans the function the line is in (None: it runs at import time). A
    line no test runs is judged by the tests that run its function; an import-time line by
    every test that runs the file, since a changed constant or default acts through the
    functions that use it."""
    passing = cmap.passing
    per_line = cmap.lines.get(path, {})
    if function_lines is not None:
        covering = per_line.get(line, frozenset()) & passing
        if covering:
            return order_tests(covering, cmap, first), "tests that run this line"
        low, high = function_lines
        in_function = frozenset(t for n, tests in per_line.items() if low <= n <= high for t in tests) & passing
        if in_function:
            return order_tests(in_function, cmap, first), "no test runs this line; tests that run its function"
    import_time = function_lines is None
    in_file = cmap.file_tests(path) & passing
    if in_file:
        how = "tests that import this module" if import_time else "no test runs this line; tests that run this file"
        return order_tests(in_file, cmap, first), how
    if path in cmap.unmeasured:
        return order_tests(passing, cmap, first), "imported only inside tests, so not measured; every passing test"
    if cmap.coverage_error:  # nothing measured this file: no record is no evidence
        return order_tests(passing, cmap, first), f"not measured ({unmeasured_because(cmap)}); every passing test"
    # Only the changed lines of a function are probed, and only in the pytest process (code a
    # test runs in a subprocess is not seen): the claim says no more than that.
    what = "this file" if import_time else "the changed code of this file"
    return order_tests(passing, cmap, first), f"no test runs {what} in the pytest process; every passing test"


def unmeasured_because(cmap: CoverageMap) -> str:
    """Why lines went unmeasured, with what to do when coverage.py is missing."""
    why = cmap.coverage_error or ""
    if "No module named 'coverage'" in why:
        return f"{why}: install coverage in the project's test environment"
    return why
