"""Expectation tables in Python tests: `pytest.mark.parametrize` rows and the tables a test
loops over (with `self.subTest` or plain), compared row by row between base and head.

Rows are matched by their input cells, so `(9, "nine")` -> `(9, "9")` is the row for 9 whose
expected value was rewritten; a new row, or a row with new inputs, is not. Which cells are
expected values: columns named like one (expected, want, result, ...), else the columns the
test's assertions use as the expected side, else the last column (less sure).

`table_rewrites` is the one hook rewrites.py calls: it also runs snapshots.py (snapshot and
golden files) and deletions.py (`deleted-test` is low when the code went too)."""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass

from comprehend.adversary.changes import Sources, is_python
from comprehend.adversary.deletions import soften_deleted
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.links import ChangedCode
from comprehend.adversary.pytests import (
    PyTestFunction,
    SmellPolicy,
    assertions,
    find_tests,
    last_name,
    parse,
    source_lines,
    walk_own,
)
from comprehend.adversary.rules import rule_finding
from comprehend.adversary.snapshots import pytest_command, snapshot_rewrites

_EXPECTED_NAME = re.compile(
    r"^(expected|expect|expectation|want|wanted|result|results|output|out|exp|answer|"
    r"golden|correct|should|must)(_|$)|_(expected|want|wanted|result|output|out|exp)$",
    re.IGNORECASE)
_VALUE_KINDS = frozenset({"eq", "is", "approx", "raises", "ne", "in", "ordering"})


@dataclass(frozen=True)
class Row:
    key: str  # the input cells, as normalized source: what matches a row across versions
    expected: str  # the expected cells, as normalized source
    line: int
    end_line: int
    text: str  # the whole row, normalized
    pytest_id: str | None = None  # the parametrize id pytest gives it, when it can be told


@dataclass(frozen=True)
class Table:
    form: str  # "parametrize" | "subTest table" | "loop table"
    where: str  # what identifies the table within its test (argnames, the loop variable)
    expected: tuple[str, ...]  # names of the expected columns
    by_position: bool  # expected columns guessed as the last one (nothing named or used them)
    rows: tuple[Row, ...]
    stacked: bool = False  # one of several parametrize decorators: row ids combine


def table_rewrites(change: Change, sources: Sources, policy: SmellPolicy, code: ChangedCode,
                   findings: list[Finding]) -> list[Finding]:
    """`findings` (of rewrites.py) with deleted-test adjusted, plus rewritten expectation
    rows of tables and snapshot files."""
    out = soften_deleted(change, sources, policy, findings)
    test_files = [f for f in change.files if not f.binary and is_python(f.path)
                  and f.old_path and f.status != "deleted" and policy.layout.is_test_file(f.path)]
    seen: set[tuple[str, int]] = set()
    for f in test_files:
        for found in _file_rows(f, sources, policy, code):
            if (found.file, found.start_line) not in seen:  # a shared table: report it once
                seen.add((found.file, found.start_line))
                out.append(found)
    return out + snapshot_rewrites(change, sources, policy, code)


def _file_rows(f: ChangedFile, sources: Sources, policy: SmellPolicy,
               code: ChangedCode) -> list[Finding]:
    old_text, new_text = sources.old_text(f), sources.new_text(f)
    old_tree, new_tree = parse(old_text), parse(new_text)
    if old_tree is None or new_tree is None or not (code.changed or code.graph_tests):
        return []
    old_tests = {t.name: t for t in find_tests(old_tree, policy)}
    found: list[Finding] = []
    old_scope, new_scope = _Scope(old_tree), _Scope(new_tree)
    for new in find_tests(new_tree, policy):
        old = old_tests.get(new.name)
        if old is None:
            continue
        before = {(t.form, t.where): t for t in tables_of(old, old_scope, policy)}
        for table in tables_of(new, new_scope, policy):
            earlier = before.get((table.form, table.where))
            if earlier is None:
                continue
            for old_row, new_row in _rewritten_rows(earlier, table):
                link = code.link(f.path, new)
                if link is None:
                    break
                found.append(_finding(f, new, table, old_row, new_row, link, code, new_text or ""))
    return found


def _rewritten_rows(old: Table, new: Table) -> list[tuple[Row, Row]]:
    """Rows with the same inputs in both versions whose expected cells differ (rows with
    repeated inputs pair in order)."""
    waiting: dict[str, list[Row]] = {}
    for row in old.rows:
        waiting.setdefault(row.key, []).append(row)
    pairs = []
    for row in new.rows:
        queue = waiting.get(row.key)
        if not queue:
            continue
        before = queue.pop(0)
        if before.expected != row.expected:
            pairs.append((before, row))
    return pairs


# --- Reading tables --------------------------------------------------------------------------


class _Scope:
    """Module- and class-level names bound to a literal list or tuple: tables a test uses by
    name (`@parametrize("x,want", CASES)`, `for x, want in self.CASES:`)."""

    def __init__(self, tree: ast.Module) -> None:
        self.module: dict[str, ast.expr] = _literal_bindings(tree.body)
        self.classes: dict[str, dict[str, ast.expr]] = {
            node.name: _literal_bindings(node.body) for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)}

    def resolve(self, node: ast.expr, fn: PyTestFunction,
                local: dict[str, ast.expr] | None = None) -> ast.List | ast.Tuple | None:
        if isinstance(node, ast.List | ast.Tuple):
            return node
        if isinstance(node, ast.Name):
            value = (local or {}).get(node.id) or self.module.get(node.id)
            return value if isinstance(value, ast.List | ast.Tuple) else None
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in ("self", "cls") and fn.owner is not None):
            value = self.classes.get(fn.owner.name, {}).get(node.attr) or self.module.get(node.attr)
            return value if isinstance(value, ast.List | ast.Tuple) else None
        return None


def _literal_bindings(body: list[ast.stmt]) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            found[stmt.targets[0].id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            found[stmt.target.id] = stmt.value
    return found


def tables_of(fn: PyTestFunction, scope: _Scope, policy: SmellPolicy) -> list[Table]:
    return _parametrize_tables(fn, scope, policy) + _loop_tables(fn, scope, policy)


def _parametrize_tables(fn: PyTestFunction, scope: _Scope, policy: SmellPolicy) -> list[Table]:
    decorators = [d for d in fn.node.decorator_list
                  if isinstance(d, ast.Call) and last_name(d.func) == "parametrize"]
    tables = []
    for d in decorators:
        names_node = d.args[0] if d.args else _keyword(d, "argnames")
        values_node = d.args[1] if len(d.args) > 1 else _keyword(d, "argvalues")
        names = _argnames(names_node)
        values = scope.resolve(values_node, fn) if values_node is not None else None
        if not names or values is None or len(names) < 2:
            continue  # one column: inputs only, no expectation to match by
        expected, by_position = _expected_columns(names, _expected_uses(fn, policy, None))
        rows = []
        for index, element in enumerate(values.elts):
            cells, explicit_id = _param_cells(element, len(names))
            if cells is None:
                continue
            rows.append(_row(element, dict(zip(names, cells, strict=True)), expected,
                             _pytest_id(names, cells, index, explicit_id)))
        tables.append(Table("parametrize", ", ".join(names), expected, by_position, tuple(rows),
                            stacked=len(decorators) > 1))
    return tables


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _argnames(node: ast.expr | None) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [n.strip() for n in node.value.split(",") if n.strip()]
    if isinstance(node, ast.List | ast.Tuple) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    return []


def _param_cells(element: ast.expr, width: int) -> tuple[list[ast.expr] | None, str | None]:
    explicit_id = None
    if isinstance(element, ast.Call) and last_name(element.func) == "param":
        id_node = _keyword(element, "id")
        if isinstance(id_node, ast.Constant) and isinstance(id_node.value, str):
            explicit_id = id_node.value
        cells = list(element.args)
    elif isinstance(element, ast.Tuple | ast.List):
        cells = list(element.elts)
    else:
        return None, None
    if len(cells) != width or any(isinstance(c, ast.Starred) for c in cells):
        return None, None
    return cells, explicit_id


def _pytest_id(names: list[str], cells: list[ast.expr], index: int,
               explicit_id: str | None) -> str | None:
    """The id pytest gives a parametrize row, for the simple values whose id is certain (the
    value itself); None when it cannot be told here."""
    if explicit_id is not None:
        return explicit_id
    parts = []
    for name, cell in zip(names, cells, strict=True):
        try:
            value = ast.literal_eval(cell)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            parts.append(f"{name}{index}")  # pytest names other objects by argname + index
            continue
        if isinstance(value, str):
            if not value or not (value.isascii() and value.isprintable()):
                return None  # pytest escapes these
            parts.append(value)
        elif value is None or isinstance(value, bool | int | float):
            parts.append(str(value))
        else:
            parts.append(f"{name}{index}")
    return "-".join(parts)


def _loop_tables(fn: PyTestFunction, scope: _Scope, policy: SmellPolicy) -> list[Table]:
    local = _literal_bindings(fn.node.body)
    tables = []
    for loop in walk_own(fn.node):
        if not isinstance(loop, ast.For):
            continue
        values = scope.resolve(loop.iter, fn, local)
        if values is None or not _checks_something(loop, policy):
            continue
        form = "subTest table" if _uses_subtest(loop) else "loop table"
        uses = _expected_uses(fn, policy, loop)
        if isinstance(loop.target, ast.Tuple) and all(isinstance(e, ast.Name) for e in loop.target.elts):
            names = [e.id for e in loop.target.elts]  # type: ignore[attr-defined]
            table_rows = [(e, dict(zip(names, e.elts, strict=True))) for e in values.elts
                          if isinstance(e, ast.Tuple | ast.List) and len(e.elts) == len(names)]
        elif isinstance(loop.target, ast.Name):
            var = loop.target.id
            table_rows, names = _records(values)
            # case["want"] / case.want / case[1] used as the expected side
            uses = {_record_column(u, var) for u in uses} - {None}  # type: ignore[assignment]
        else:
            continue
        if len(names) < 2 or not table_rows:
            continue
        expected, by_position = _expected_columns(names, uses)
        rows = tuple(_row(e, cells, expected, None) for e, cells in table_rows)
        tables.append(Table(form, ast.unparse(loop.target), expected, by_position, rows))
    return tables


def _records(values: ast.List | ast.Tuple) -> tuple[list[tuple[ast.expr, dict[str, ast.expr]]], list[str]]:
    """Rows of dicts with string keys, calls with keyword arguments (Case(n=9, want="9")) or
    tuples (columns "0", "1", ...)."""
    rows: list[tuple[ast.expr, dict[str, ast.expr]]] = []
    names: list[str] = []
    for e in values.elts:
        cells: dict[str, ast.expr] | None = None
        if isinstance(e, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                           for k in e.keys):
            cells = {k.value: v for k, v in zip(e.keys, e.values, strict=True)}  # type: ignore[union-attr]
        elif isinstance(e, ast.Call) and e.keywords and not e.args \
                and all(k.arg for k in e.keywords):
            cells = {str(k.arg): k.value for k in e.keywords}
        elif isinstance(e, ast.Tuple | ast.List):
            cells = {str(i): v for i, v in enumerate(e.elts)}
        if cells is None:
            continue
        rows.append((e, cells))
        names += [n for n in cells if n not in names]
    return rows, names


def _record_column(use: str, var: str) -> str | None:
    m = re.fullmatch(rf"{re.escape(var)}(?:\[(?:'([^']*)'|\"([^\"]*)\"|(\d+))\]|\.(\w+))", use)
    if not m:
        return None
    return next(g for g in m.groups() if g is not None)


def _checks_something(loop: ast.For, policy: SmellPolicy) -> bool:
    for node in ast.walk(loop):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call) and last_name(node.func).startswith(("assert", "fail")):
            return True
    return False


def _uses_subtest(loop: ast.For) -> bool:
    return any(isinstance(n, ast.With) and any(
        isinstance(i.context_expr, ast.Call) and last_name(i.context_expr.func) == "subTest"
        for i in n.items) for n in ast.walk(loop))


def _expected_uses(fn: PyTestFunction, policy: SmellPolicy, loop: ast.For | None) -> set[str]:
    """Names (or expressions) the test's assertions hold the checked value against."""
    lo, hi = (loop.lineno, loop.end_lineno or loop.lineno) if loop else (0, 1 << 30)
    uses = set()
    for a in assertions(fn, policy):
        if lo <= a.line <= hi and a.kind in _VALUE_KINDS and a.expected is not None:
            uses.add(a.expected)
            if a.kind in ("eq", "is"):
                uses.add(f"~{a.subject}")  # `assert want == f(x)`: either side may be it
    return uses


def _expected_columns(names: list[str], uses: set[str]) -> tuple[tuple[str, ...], bool]:
    named = tuple(n for n in names if _EXPECTED_NAME.search(n))
    if named and len(named) < len(names):
        return named, False
    used = tuple(n for n in names if n in uses)
    if not used:
        used = tuple(n for n in names if f"~{n}" in uses)
    if used and len(used) < len(names):
        return used, False
    return (names[-1],), True


def _row(element: ast.expr, cells: dict[str, ast.expr], expected: tuple[str, ...],
         pytest_id: str | None) -> Row:
    key = ", ".join(ast.unparse(v) for n, v in cells.items() if n not in expected)
    want = ", ".join(ast.unparse(cells[n]) for n in expected if n in cells)
    return Row(key=key, expected=want, line=element.lineno,
               end_line=element.end_lineno or element.lineno, text=ast.unparse(element),
               pytest_id=pytest_id)


# --- Findings --------------------------------------------------------------------------------


def _finding(f: ChangedFile, fn: PyTestFunction, table: Table, old: Row, new: Row, link: str,
             code: ChangedCode, text: str) -> Finding:
    node = fn.pytest_id
    if new.pytest_id is not None and not table.stacked:
        node += f"[{new.pytest_id}]"
    inputs = new.key if len(new.key) <= 60 else new.key[:57] + "..."
    columns = ", ".join(table.expected)
    finding = rule_finding(
        "rewritten-expectation",
        confidence=0.6 if table.by_position else 0.8,
        file=f.path,
        line=new.line,
        end_line=new.end_line,
        title=f"{fn.name}: the {table.form} row ({inputs}) expected {old.expected} now "
              f"expects {new.expected}, in the same change as the code it tests",
        evidence={
            "test": fn.name,
            "form": table.form,
            "table": table.where,
            "inputs": new.key,
            "expected_columns": list(table.expected),
            "old_row": old.text,
            "new_row": new.text,
            "old_expected": old.expected,
            "new_expected": new.expected,
            "link": link,
            "changed_code": list(code.changed[:10]),
            "why": f"the row for the same inputs now expects another {columns}: a table "
                   "edited to agree with new code is no evidence the new code is right; check "
                   "which value the specification wants"
                   + (" (the expected column is taken to be the last one: none is named like "
                      "an expectation)" if table.by_position else ""),
            "code": source_lines(text, new.line, new.end_line),
            "rerun": pytest_command(f.path, node),
        },
    ).with_fingerprint(f"{fn.name}:{table.form}:{new.key}:{new.expected}")
    if _error_classes(old.expected) and _error_classes(new.expected):
        # the same inputs still have to fail, with another error class: as for a
        # pytest.raises that changed its class, a step below the rule
        return dataclasses.replace(finding, severity="medium", confidence=0.6)
    return finding


_ERROR_CLASS = re.compile(r"[\w.]*(Error|Exception|Warning|Exit|Interrupt)")


def _error_classes(cells: str) -> bool:
    """Is every expected cell an exception class (`ValueError`, `errors.NotFound`)?"""
    parts = [p.strip() for p in cells.split(",") if p.strip()]
    return bool(parts) and all(_ERROR_CLASS.fullmatch(p) for p in parts)
