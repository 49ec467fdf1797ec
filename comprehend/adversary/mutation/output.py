"""Lines that only print, in code whose tests read what it prints.

`click.echo(...)` or `print(...)` is arid in a library: what it prints is not what its tests
are for. In a command-line program tested through click's or typer's CliRunner, pytest's
capsys/capfd or a subprocess's captured stdout, the output is the behaviour, and an untested
message is a gap like any other. So such lines are mutated when the repository has tests
that capture output at all (before the baseline, `OutputCapture.any`), and their mutants are
kept only where a test that runs the line captures output (after the baseline, `judge`).
Capture is read from the tests' source: the test function, the helpers of its module it
calls and the fixtures it asks for (its module's or a conftest.py's)."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from comprehend.adversary.mutation.arid import AridRules
from comprehend.adversary.mutation.mutate import FileMutants, Mutant
from comprehend.adversary.mutation.select import CoverageMap

CAPTURE_FIXTURES = frozenset({"capsys", "capfd", "capsysbinary", "capfdbinary"})
# What a test that captures printed output has in its source.
_CAPTURES = re.compile(
    r"\bCliRunner\b|\.invoke\(|\bcaps(?:ys|fd)\b|\.readouterr\(|\bcapture_output\s*=\s*True"
    r"|\bstd(?:out|err)\s*=\s*(?:subprocess\.)?PIPE\b|\bredirect_std(?:out|err)\b|\bcheck_output\("
    r"|\bsys\.std(?:out|err)\b")
# Attributes that hold what a run printed, when an assertion reads them (`result.output`).
_OUTPUT_ATTRIBUTES = frozenset({"output", "stdout", "stderr"})
_ASSERTED_OUTPUT = re.compile(r"^\s*(?:assert\b|self\.assert\w*\().*\.(?:output|stdout|stderr)\b", re.M)
_SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox"})


class OutputCapture:
    """Which tests of the repository at `root` capture what the code prints."""

    def __init__(self, root: Path, rules: AridRules) -> None:
        self.root, self.rules = root, rules
        self._modules: dict[str, _TestModule | None] = {}
        self._any: bool | None = None

    def any(self) -> bool:
        """Whether any test file captures output: if none does, printing lines stay arid."""
        if self._any is None:
            self._any = bool(self.rules.output_calls) and any(
                _captures_text(_read(self.root / rel) or "") for rel in self._test_files())
        return self._any

    def captures(self, nodeid: str) -> bool:
        path, _, rest = nodeid.partition("::")
        if not rest:
            return False
        module = self._module(path)
        parts = tuple(p.split("[", 1)[0] for p in rest.split("::"))
        return module is not None and module.captures(parts, self._fixture)

    def _fixture(self, test_file: str, name: str) -> bool:
        """A fixture `name` that captures, defined in the test's module or a conftest.py
        in its folder or above."""
        folder = Path(test_file).parent
        candidates = [test_file]
        while True:
            candidates.append((folder / "conftest.py").as_posix())
            if folder == folder.parent or str(folder) in ("", "."):
                break
            folder = folder.parent
        for rel in candidates:
            module = self._module(rel.removeprefix("./"))
            if module is not None and name in module.fixtures:
                return module.fixtures[name]
        return False

    def _module(self, rel: str) -> _TestModule | None:
        if rel not in self._modules:
            text = _read(self.root / rel)
            self._modules[rel] = _TestModule.parse(rel, text) if text is not None else None
        return self._modules[rel]

    def _test_files(self) -> Iterable[str]:
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
            for name in files:
                if name.endswith(".py"):
                    rel = (Path(folder) / name).relative_to(self.root).as_posix()
                    if self.rules.is_test_file(rel):
                        yield rel


@dataclass(frozen=True)
class _TestModule:
    path: str
    # (class..., function) -> (whether its own source captures, parameter names, names it calls)
    functions: dict[tuple[str, ...], tuple[bool, tuple[str, ...], frozenset[str]]]
    fixtures: dict[str, bool]  # fixture name -> whether it (or a helper it calls) captures

    @staticmethod
    def parse(path: str, text: str) -> _TestModule | None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
        functions: dict[tuple[str, ...], tuple[bool, tuple[str, ...], frozenset[str]]] = {}
        fixture_names: list[tuple[str, ...]] = []

        def visit(node: ast.AST, outer: tuple[str, ...]) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ClassDef):
                    visit(child, (*outer, child.name))
                elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    source = ast.get_source_segment(text, child) or ""
                    params = tuple(a.arg for a in (*child.args.posonlyargs, *child.args.args,
                                                   *child.args.kwonlyargs))
                    called = frozenset(_called_names(child))
                    direct = bool(_CAPTURES.search(source)) or _asserts_output(child)
                    functions[(*outer, child.name)] = (direct, params, called)
                    if any("fixture" in ast.unparse(d) for d in child.decorator_list):
                        fixture_names.append((*outer, child.name))

        visit(tree, ())
        module = _TestModule(path, functions, {})
        for key in fixture_names:  # filled once here; read-only afterwards
            module.fixtures[key[-1]] = module._own(key, set())
        return module

    def captures(self, parts: tuple[str, ...], fixture) -> bool:
        """Whether the test `parts` (classes then function) captures output."""
        entry = self.functions.get(parts)
        if entry is None:
            return False
        _, params, _ = entry
        return (self._own(parts, set()) or bool(CAPTURE_FIXTURES & set(params))
                or any(fixture(self.path, p) for p in params if p not in ("self", "cls")))

    def _own(self, key: tuple[str, ...], seen: set[tuple[str, ...]]) -> bool:
        """The function's own source, or a helper of the module (or a method of its class)
        that it calls, transitively."""
        if key in seen or key not in self.functions:
            return False
        seen.add(key)
        direct, params, called = self.functions[key]
        if direct or CAPTURE_FIXTURES & set(params):
            return True
        return any(self._own(k, seen) for name in called for k in ((name,), (*key[:-1], name)))


def _captures_text(text: str) -> bool:
    return bool(_CAPTURES.search(text) or _ASSERTED_OUTPUT.search(text))


def _asserts_output(fn: ast.AST) -> bool:
    """An `assert` (or a unittest `self.assert...` call) that reads `.output`, `.stdout` or
    `.stderr`: alone, such a name may be anything; asserted, it is what a run printed."""
    for node in ast.walk(fn):
        checks = isinstance(node, ast.Assert) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("assert"))
        if checks and any(isinstance(n, ast.Attribute) and n.attr in _OUTPUT_ATTRIBUTES
                          for n in ast.walk(node)):
            return True
    return False


def _called_names(fn: ast.AST) -> Iterable[str]:
    """Names a function calls as `helper(...)` or `self.helper(...)`."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                yield node.func.id
            elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id in ("self", "cls"):
                yield node.func.attr


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def judge(plans: dict[str, FileMutants], mutants: list[Mutant], cmap: CoverageMap | None,
          capture: OutputCapture) -> tuple[list[Mutant], str | None]:
    """The mutants to run: all but those on printing lines that no output-capturing test
    runs; and a note saying how many printing lines were left alone, if any."""
    kept: list[Mutant] = []
    verdicts: dict[tuple[str, int], bool] = {}
    unrun: set[tuple[str, int]] = set()  # printing lines no passing test runs
    for m in mutants:
        plan = plans.get(m.file)
        if plan is None or m.line not in plan.printing:
            kept.append(m)
            continue
        key = (m.file, m.line)
        if key not in verdicts:
            runs = cmap.lines.get(m.file, {}).get(m.line, frozenset()) & cmap.passing if cmap else frozenset()
            verdicts[key] = any(capture.captures(t) for t in sorted(runs))
            if cmap is not None and not runs:
                unrun.add(key)
        if verdicts[key]:
            kept.append(m)
    left = sum(1 for ok in verdicts.values() if not ok)
    if not left:
        return kept, None
    if len(unrun) == left:  # say what is true of them: none runs, not "none that runs captures"
        return kept, f"mutation: {left} changed lines that only print were left alone: no passing test runs them"
    if cmap is None:  # which tests run a line is unknown: say so, not that none captures
        return kept, (f"mutation: {left} changed lines that only print were left alone: which tests "
                      "run them was not measured (no per-line coverage), so none is known to "
                      "capture output")
    return kept, (f"mutation: {left} changed lines that only print were left alone: no test that "
                  "runs them captures output (CliRunner, capsys, capfd, a subprocess's stdout)")
