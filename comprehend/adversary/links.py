"""Which code the change touched and which tests test it: the code graph's `tests` edges
when the graph is available, and, for Python, the names of changed functions that a test
calls (a fallback that needs no graph)."""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field
from typing import Any

from comprehend.adversary.changes import Sources, SuiteLayout, is_python
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.pytests import PyTestFunction, last_name, parse, walk_own


@dataclass(frozen=True)
class ChangedCode:
    # name -> "path: qualname" of functions and classes whose body the change touched, and
    # of functions in the changed files that call them ("path: f, which calls path: g")
    names: dict[str, str]
    # "path: qualname" of the code the change touched itself
    changed: tuple[str, ...]
    # test locations the graph says test the changed code: (path, start_line, end_line)
    graph_tests: tuple[tuple[str, int, int], ...]
    # graph node ids of changed code, for evidence
    graph_symbols: tuple[str, ...]
    # functions and classes the change renamed (old name -> new name, matched by body) and
    # removed (name -> "path: qualname"): a test that follows a rename changed mechanically,
    # a test deleted with the code it tested is no hidden failure
    renames: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)

    def link(self, path: str, fn: PyTestFunction) -> str | None:
        """Why this test tests changed code, or None when nothing says it does."""
        for test_path, start, end in self.graph_tests:
            if test_path == path and start <= fn.def_line <= end:
                return "the code graph links this test to the changed code (tests and calls edges)"
        for node in walk_own(fn.node):
            if isinstance(node, ast.Call):
                name = last_name(node.func)
                if name in self.names:
                    return f"the test calls {self.names[name]}, which the change modified"
                # a function handed over to be called: assertRaises(E, f, x), map(f, xs)
                for arg in node.args:
                    if isinstance(arg, ast.Name | ast.Attribute) and last_name(arg) in self.names:
                        return (f"the test calls {self.names[last_name(arg)]} through "
                                f"{last_name(node.func)}(), which the change modified")
        return None


def changed_code(change: Change, sources: Sources, layout: SuiteLayout, graph: Any | None) -> ChangedCode:
    names: dict[str, str] = {}
    code_files = [f for f in change.files
                  if not f.binary and not layout.is_test_file(f.path) and is_python(f.path)]
    for f in code_files:
        names.update(_touched_defs(f, sources.new_text(f), f.added_lines))
        names.update(_touched_defs(f, sources.old_text(f), f.removed_lines))
    changed = tuple(sorted(set(names.values())))
    _add_callers(names, code_files, sources)
    symbols: list[str] = []
    tests: list[tuple[str, int, int]] = []
    if graph is not None:
        symbols = _graph_symbols(change, layout, graph)
        for node_id in sorted(graph.tests_of(symbols)) if symbols else ():
            nodes = graph.nodes if isinstance(getattr(graph, "nodes", None), dict) else graph.g.nodes
            attrs = nodes.get(node_id, {})
            if attrs.get("path") and attrs.get("start_line"):
                tests.append((attrs["path"], int(attrs["start_line"]),
                              int(attrs.get("end_line") or attrs["start_line"])))
    renames: dict[str, str] = {}
    removed: dict[str, str] = {}
    for f in code_files:
        old_defs = _defs(sources.old_text(f))
        new_defs = {} if f.status == "deleted" else _defs(sources.new_text(f))
        gone = {n: _source(node) for n, node in old_defs.items() if n not in new_defs}
        fresh = {n: _source(node) for n, node in new_defs.items() if n not in old_defs}
        for old, new in similar_pairs(gone, fresh):
            renames[old] = new
        removed.update({n: f"{f.path}: {n}" for n in gone if n not in renames})
    return ChangedCode(names=names, changed=changed, graph_tests=tuple(tests),
                       graph_symbols=tuple(symbols), renames=renames, removed=removed)


def _defs(text: str | None) -> dict[str, ast.AST]:
    """Function and class names of a module (methods too) -> their nodes."""
    tree = parse(text)
    if tree is None:
        return {}
    return {node.name: node for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}


def _source(node: ast.AST) -> str:
    """A definition's body as normalized source, for comparing it with another."""
    return "\n".join(ast.unparse(s) for s in getattr(node, "body", []))[:MAX_CHARS]


RENAME_SIMILARITY = 0.6  # difflib ratio of two bodies above which one is the other renamed
MAX_CHARS = 3000  # of a body compared: renames show in the first lines; the ratio is quadratic
CONTAINED = 0.9  # share of an old body found, in order, in a longer new one: extended, not new
MAX_PAIRS = 2500  # old x new bodies compared: beyond it a change is a rewrite, not renames


def similar_pairs(old: dict[str, str], new: dict[str, str],
                  threshold: float = RENAME_SIMILARITY) -> list[tuple[str, str]]:
    """Pairs (old key, new key) whose texts are alike, best first, each key used once: what
    was renamed (and perhaps edited) rather than removed and added."""
    scored = []
    if len(old) * len(new) > MAX_PAIRS:
        return []
    for o, old_body in old.items():
        old_body = old_body[:MAX_CHARS]
        for n, whole_new in new.items():
            new_body = whole_new[:MAX_CHARS]
            m = difflib.SequenceMatcher(None, old_body, new_body, autojunk=False)
            quick = m.quick_ratio()
            if m.real_quick_ratio() >= threshold and quick >= threshold:
                ratio = m.ratio()
                if ratio >= threshold:
                    scored.append((ratio, o, n))
                    continue
            # the old body kept (nearly) whole inside a much longer new one: renamed and
            # extended; ranked after every pair alike as a whole
            longer = whole_new[:MAX_CHARS * 4]  # checks added in the middle push old ones down
            if old_body and len(longer) > len(old_body):
                m = difflib.SequenceMatcher(None, old_body, longer, autojunk=False)
                bound = m.quick_ratio() * (len(old_body) + len(longer)) / 2 / len(old_body)
                kept = sum(b.size for b in m.get_matching_blocks()) / len(old_body) if (
                    bound >= CONTAINED) else 0.0
                if kept >= CONTAINED:
                    scored.append((threshold * kept - 1, o, n))
    pairs, used_old, used_new = [], set(), set()
    for _ratio, o, n in sorted(scored, key=lambda t: -t[0]):
        if o not in used_old and n not in used_new:
            used_old.add(o)
            used_new.add(n)
            pairs.append((o, n))
    return pairs


def _touched_defs(f: ChangedFile, text: str | None, lines: frozenset[int]) -> dict[str, str]:
    tree = parse(text)
    if tree is None or not lines:
        return {}
    found = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                end = node.end_lineno or node.lineno
                if any(node.lineno <= n <= end for n in lines):
                    found[node.name] = f"{f.path}: {prefix}{node.name}"
                    visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return found


def _add_callers(names: dict[str, str], files: list[ChangedFile], sources: Sources) -> None:
    """Functions in the changed files that call changed code, until nothing new is found:
    a test of total() tests the discount() that total() calls. (The graph sees callers in
    every file; this fallback sees the changed files.)"""
    defs = []
    for f in files:
        tree = parse(sources.new_text(f))
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                called = {last_name(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}
                defs.append((node.name, f.path, called))
    grew = True
    while grew:
        grew = False
        for name, path, called in defs:
            if name not in names and called & names.keys():
                via = sorted(called & names.keys())[0]
                names[name] = f"{path}: {name}, which calls {names[via]}"
                grew = True


def _graph_symbols(change: Change, layout: SuiteLayout, graph: Any) -> list[str]:
    """Graph nodes of non-test code at the lines the change added, or next to lines it
    removed (the head graph has no node for a removed line, only for where it was)."""
    found: dict[str, None] = {}
    for f in change.files:
        if f.binary or f.status == "deleted" or layout.is_test_file(f.path):
            continue
        lines = set(f.added_lines)
        for hunk in f.hunks:
            if hunk.removed and not hunk.added:
                lines.add(max(hunk.new_start, 1))
        for line in sorted(lines):
            for node_id in graph.symbols_at(f.path, line):
                found[node_id] = None
    return list(found)
