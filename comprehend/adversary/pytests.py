"""Python tests as the adversary reads them: the test functions of a file and the assertions
each makes, from the file's syntax tree. Policy (what a test is, what an assertion is) comes
from adversary/smells.toml."""

from __future__ import annotations

import ast
import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from comprehend.adversary.changes import SuiteLayout
from comprehend.policy import PolicyFile, policy_file


@dataclass(frozen=True)
class SmellPolicy:
    layout: SuiteLayout
    function_prefixes: tuple[str, ...]
    class_prefixes: tuple[str, ...]
    base_classes: frozenset[str]  # unittest-style bases: a class deriving from one holds tests
    base_suffixes: tuple[str, ...]
    assert_call_prefixes: tuple[str, ...]
    assert_calls: frozenset[str]
    truthiness_wrappers: frozenset[str]
    predicate_prefixes: tuple[str, ...]
    broad_exceptions: frozenset[str]
    mock_constructors: frozenset[str]
    skip_decorators: frozenset[str]
    skip_conditional: frozenset[str]
    xfail: frozenset[str]
    skip_calls: frozenset[str]
    fail_calls: frozenset[str]
    # calls that raise when what they are given is wrong (validators): each is a check
    raising_calls: frozenset[str] = frozenset()
    raising_prefixes: tuple[str, ...] = ()


def load_smell_policy(repo_root: Path | None) -> tuple[SmellPolicy, PolicyFile]:
    source = policy_file("adversary", "smells.toml", repo_root)
    data = source.toml()

    def get(table: str, key: str) -> tuple[str, ...]:
        return tuple(data.get(table, {}).get(key, ()))

    policy = SmellPolicy(
        layout=SuiteLayout(get("tests", "file_names"), get("tests", "dir_names")),
        function_prefixes=get("tests", "function_prefixes") or ("test",),
        class_prefixes=get("tests", "class_prefixes") or ("Test",),
        base_classes=frozenset(get("tests", "base_classes")),
        base_suffixes=get("tests", "base_suffixes"),
        assert_call_prefixes=get("assertions", "call_prefixes"),
        assert_calls=frozenset(get("assertions", "calls")),
        truthiness_wrappers=frozenset(get("truthiness", "wrappers")),
        predicate_prefixes=get("truthiness", "predicates"),
        broad_exceptions=frozenset(get("exceptions", "broad")),
        mock_constructors=frozenset(get("mocks", "constructors")),
        skip_decorators=frozenset(get("skips", "decorators")),
        skip_conditional=frozenset(get("skips", "conditional")),
        xfail=frozenset(get("skips", "xfail")),
        skip_calls=frozenset(get("skips", "calls")),
        fail_calls=frozenset(get("assertions", "fail_calls")),
        raising_calls=frozenset(get("assertions", "raising_calls")),
        raising_prefixes=get("assertions", "raising_prefixes"),
    )
    return policy, source


@dataclass(frozen=True)
class PyTestFunction:
    name: str  # test_x, or Class.test_x for a method
    start_line: int  # first decorator, or the def line
    def_line: int
    end_line: int
    node: ast.FunctionDef | ast.AsyncFunctionDef = field(compare=False, repr=False)
    # the class a test method belongs to: its decorators (@unittest.skip) apply to the test
    owner: ast.ClassDef | None = field(default=None, compare=False, repr=False)

    @property
    def pytest_id(self) -> str:
        return self.name.replace(".", "::")

    def touches(self, lines: frozenset[int]) -> bool:
        return any(self.start_line <= n <= self.end_line for n in lines)


@functools.lru_cache(maxsize=64)
def parse(source: str | None) -> ast.Module | None:
    """The syntax tree of a module, or None. Cached: the rules read the same files (a test
    file, the modules it imports, the changed code) several times. Never mutate the tree."""
    if source is None:
        return None
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def find_tests(tree: ast.Module | None, policy: SmellPolicy) -> list[PyTestFunction]:
    """Test functions, methods of Test* classes, and test methods of classes deriving from
    a unittest-style base (directly, through an imported alias, or through a class of the
    same module that does)."""
    if tree is None:
        return []
    found: list[PyTestFunction] = []
    aliases = _import_aliases(tree)
    case_classes: set[str] = set()

    def is_test_class(node: ast.ClassDef) -> bool:
        if node.name.startswith(policy.class_prefixes):
            return True
        for base in node.bases:
            name = dotted(base) or ""
            head, _, rest = name.partition(".")
            full = aliases.get(head, head) + (f".{rest}" if rest else "")
            last = full.rsplit(".", 1)[-1]
            if (name in case_classes or full in policy.base_classes
                    or last.endswith(policy.base_suffixes)):
                return True
        return False

    def visit(body: list[ast.stmt], prefix: str, owner: ast.ClassDef | None) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.name.startswith(policy.function_prefixes):
                    start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                    found.append(PyTestFunction(prefix + node.name, start, node.lineno,
                                                node.end_lineno or node.lineno, node, owner))
            elif isinstance(node, ast.ClassDef) and is_test_class(node):
                case_classes.add(prefix + node.name)
                visit(node.body, f"{prefix}{node.name}.", node)

    visit(tree.body, "", None)
    return found


def _import_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> the dotted name it was imported as (`from unittest import TestCase as
    TC` gives TC -> unittest.TestCase; `import unittest as ut` gives ut -> unittest)."""
    aliases: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    aliases[a.asname] = a.name
    return aliases


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a name or attribute chain (through calls: `mocker.patch.object`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return None


def last_name(node: ast.AST) -> str:
    name = dotted(node) or ""
    return name.rsplit(".", 1)[-1]


def is_literal(node: ast.AST) -> bool:
    """A value written out in the test: what an expectation usually looks like."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return True
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and is_literal(k) and is_literal(v)
                   for k, v in zip(node.keys, node.values, strict=True))
    return False


def walk_own(node: ast.AST):
    """ast.walk without descending into nested functions, lambdas or classes."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(child))


# Strength of what an assertion pins down: a drop between base and head is a weakening.
STRENGTH = {"eq": 5, "is": 5, "approx": 4, "raises": 4, "ordering": 3, "in": 3, "predicate": 3,
            "ne": 2, "not-in": 2, "isinstance": 2, "falsy": 2, "not-none": 1, "truthy": 1,
            "call": 0}
WEAK_KINDS = frozenset({"truthy", "not-none", "isinstance"})


@dataclass(frozen=True)
class Assertion:
    line: int
    kind: str  # a key of STRENGTH
    subject: str  # what is checked, as normalized source
    expected: str | None  # what it must be, as normalized source
    text: str  # the whole assertion, normalized
    tolerance: float | None = None  # approx / assertAlmostEqual / isclose
    match: str | None = None  # pytest.raises(match=...)


_UNITTEST = {
    "assertEqual": "eq", "assertEquals": "eq", "assertListEqual": "eq", "assertDictEqual": "eq",
    "assertTupleEqual": "eq", "assertSetEqual": "eq", "assertSequenceEqual": "eq",
    "assertMultiLineEqual": "eq", "assertCountEqual": "eq", "assertAlmostEqual": "approx",
    "assertNotEqual": "ne", "assertIs": "is", "assertIsNot": "ne", "assertIsNone": "is",
    "assertIsNotNone": "not-none", "assertTrue": "truthy", "assertFalse": "falsy",
    "assertIsInstance": "isinstance", "assertIn": "in", "assertNotIn": "not-in",
    "assertGreater": "ordering", "assertGreaterEqual": "ordering", "assertLess": "ordering",
    "assertLessEqual": "ordering", "assertRegex": "in", "assertRaises": "raises",
    "assertRaisesRegex": "raises",
}


def _u(node: ast.AST) -> str:
    return ast.unparse(node)


def _tolerance(call: ast.Call, names: tuple[str, ...], default: float | None) -> float | None:
    best = None
    for kw in call.keywords:
        if kw.arg in names and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, int | float):
            value = float(kw.value.value)
            if kw.arg == "places":
                value = 10.0 ** -value
            best = value if best is None else max(best, value)
    return best if best is not None else default


def _is_approx(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and last_name(node.func) == "approx"


def _from_compare(line: int, test: ast.Compare, text: str) -> Assertion:
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq):
        if _is_approx(left):
            left, right = right, left
        if _is_approx(right):
            assert isinstance(right, ast.Call)
            expected = _u(right.args[0]) if right.args else _u(right)
            return Assertion(line, "approx", _u(left), expected, text,
                             tolerance=_tolerance(right, ("rel", "abs"), 1e-6))
        if is_literal(left) and not is_literal(right):
            left, right = right, left
        if _is_len_truthy(left, right, op):
            return Assertion(line, "truthy", _u(left.args[0]), None, text)  # type: ignore[attr-defined]
        return Assertion(line, "eq", _u(left), _u(right), text)
    if isinstance(op, ast.NotEq | ast.IsNot):
        if isinstance(right, ast.Constant) and right.value is None:
            return Assertion(line, "not-none", _u(left), None, text)
        if _is_len_truthy(left, right, op):
            return Assertion(line, "truthy", _u(left.args[0]), None, text)  # type: ignore[attr-defined]
        return Assertion(line, "ne", _u(left), _u(right), text)
    if isinstance(op, ast.Is):
        return Assertion(line, "is", _u(left), _u(right), text)
    if isinstance(op, ast.In):
        return Assertion(line, "in", _u(right), _u(left), text)
    if isinstance(op, ast.NotIn):
        return Assertion(line, "not-in", _u(right), _u(left), text)
    if _is_len_truthy(left, right, op):
        return Assertion(line, "truthy", _u(left.args[0]), None, text)  # type: ignore[attr-defined]
    return Assertion(line, "ordering", _u(left), _u(right), text)


def _is_len_truthy(left: ast.AST, right: ast.AST, op: ast.cmpop) -> bool:
    """len(x) > 0, len(x) >= 1, len(x) != 0: only that x is not empty."""
    if not (isinstance(left, ast.Call) and dotted(left.func) == "len" and left.args
            and isinstance(right, ast.Constant)):
        return False
    return ((isinstance(op, ast.Gt | ast.NotEq) and right.value == 0)
            or (isinstance(op, ast.GtE) and right.value == 1))


def is_predicate_name(name: str, policy: SmellPolicy) -> bool:
    """A yes/no question by its name: any word of it (snake_case or camelCase) starts with a
    predicate word (snap_compare, is_valid, pathExists)."""
    words = re.split(r"_+|(?<=[a-z0-9])(?=[A-Z])", name)
    return any(w.lower().startswith(policy.predicate_prefixes) for w in words if w)


def assertion_of_expr(line: int, test: ast.expr, policy: SmellPolicy) -> Assertion:
    """What `assert <test>` checks."""
    text = _u(test)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _from_compare(line, test, text)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return Assertion(line, "falsy", _u(test.operand), None, text)
    if isinstance(test, ast.Call):
        name = dotted(test.func) or ""
        if name == "isinstance" and test.args:
            expected = _u(test.args[1]) if len(test.args) > 1 else None
            return Assertion(line, "isinstance", _u(test.args[0]), expected, text)
        if name in policy.truthiness_wrappers and test.args:
            return Assertion(line, "truthy", _u(test.args[0]), None, text)
        if last_name(test.func) == "isclose" and len(test.args) >= 2:
            return Assertion(line, "approx", _u(test.args[0]), _u(test.args[1]), text,
                             tolerance=_tolerance(test, ("rel_tol", "abs_tol"), 1e-9))
        if is_predicate_name(last_name(test.func), policy):
            return Assertion(line, "predicate", text, None, text)
        return Assertion(line, "truthy", text, None, text)
    if isinstance(test, ast.Name | ast.Attribute | ast.Subscript):
        return Assertion(line, "truthy", text, None, text)
    return Assertion(line, "predicate", text, None, text)


def assertion_of_call(call: ast.Call, policy: SmellPolicy) -> Assertion | None:
    """What an assertion call checks: unittest methods, pytest.raises, mock.assert_*,
    helpers named like assertions; None when the call is not an assertion."""
    name = dotted(call.func) or ""
    method = last_name(call.func)
    text = _u(call)
    line = call.lineno
    if method in ("raises", "assertRaises", "assertRaisesRegex") and (
            name in policy.assert_calls or method != "raises"):
        exc = _u(call.args[0]) if call.args else "?"
        match = next((_u(k.value) for k in call.keywords if k.arg == "match"), None)
        called = call.args[1:]
        if method == "assertRaisesRegex" and len(call.args) > 1:
            match = _u(call.args[1])
            called = call.args[2:]
        # the call form names what must raise: assertRaises(E, f, x) checks f(x)
        kept = [k for k in call.keywords if k.arg not in ("match", "msg")]
        subject = _u(ast.Call(called[0], list(called[1:]), kept)) if called else "raises"
        return Assertion(line, "raises", subject, exc, text, match=match)
    if method in _UNITTEST and isinstance(call.func, ast.Attribute):
        kind = _UNITTEST[method]
        args = call.args
        if kind in ("in", "not-in") and len(args) >= 2:
            return Assertion(line, kind, _u(args[1]), _u(args[0]), text)
        if kind in ("eq", "ne", "is", "ordering", "approx", "isinstance") and len(args) >= 2:
            subject, expected = args[0], args[1]
            if is_literal(subject) and not is_literal(expected):
                subject, expected = expected, subject
            tol = _almost_tolerance(call) if kind == "approx" else None
            return Assertion(line, kind, _u(subject), _u(expected), text, tolerance=tol)
        if method == "assertTrue" and args:
            # assertTrue(x == 3) checks what `assert x == 3` checks
            return dataclasses.replace(assertion_of_expr(line, args[0], policy), text=text)
        if method == "assertFalse" and args:
            # assertFalse(x is None) checks what `assert x is not None` checks
            negated = _negated(args[0])
            if negated is not None:
                return dataclasses.replace(assertion_of_expr(line, negated, policy), text=text)
        if method == "assertIsNone" and args:
            return Assertion(line, "is", _u(args[0]), "None", text)
        if args:
            return Assertion(line, kind, _u(args[0]), None, text)
    # a private helper named like an assertion (`_assert_session(s)`) is one too
    if name in policy.assert_calls or method.lstrip("_").startswith(policy.assert_call_prefixes):
        return Assertion(line, "call", _u(call.func), None, text)
    return None


_NEGATED_OPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
    ast.Gt: ast.LtE, ast.LtE: ast.Gt,
}


def _negated(test: ast.expr) -> ast.expr | None:
    """`not test` as the comparison it amounts to, or None when it is no single comparison."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return ast.Compare(test.left, [_NEGATED_OPS[type(test.ops[0])]()], test.comparators)
    return None


def _almost_tolerance(call: ast.Call) -> float | None:
    """assertAlmostEqual(a, b, places) or places=/delta=: the default is 7 places."""
    if len(call.args) >= 3 and isinstance(call.args[2], ast.Constant) and isinstance(
            call.args[2].value, int):
        return 10.0 ** -call.args[2].value
    return _tolerance(call, ("places", "delta"), 1e-7)


def _raises_subjects(fn: PyTestFunction) -> dict[int, str]:
    """id of a `with pytest.raises(...)`/`assertRaises(...)` call -> the code in its block
    that must raise (its last statement), so the assertion pairs with whatever replaces it."""
    subjects: dict[int, str] = {}
    for node in walk_own(fn.node):
        if isinstance(node, ast.With | ast.AsyncWith) and node.body:
            # an assert after the raising call never runs: the call is the subject
            last = [s for s in node.body if not isinstance(s, ast.Assert)][-1:] or node.body[-1:]
            last = last[0]
            value = last.value if isinstance(last, ast.Expr | ast.Assign) else last
            for item in node.items:
                if isinstance(item.context_expr, ast.Call):
                    subjects[id(item.context_expr)] = _u(value)
    return subjects


def _dead_asserts(fn: PyTestFunction) -> set[int]:
    """ids of asserts after the last other statement of a `with` block that expects an
    error: once that statement raises, they never run."""
    dead: set[int] = set()
    for node in walk_own(fn.node):
        if isinstance(node, ast.With | ast.AsyncWith) and any(
                isinstance(i.context_expr, ast.Call) and last_name(i.context_expr.func) in (
                    "raises", "assertRaises", "assertRaisesRegex") for i in node.items):
            others = [k for k, s in enumerate(node.body) if not isinstance(s, ast.Assert)]
            if others:
                dead |= {id(s) for s in node.body[others[-1] + 1:]}
    return dead


def assertions(fn: PyTestFunction, policy: SmellPolicy) -> list[Assertion]:
    """Every assertion the test makes, in source order (nested helpers and asserts that
    can never run, after the call a `pytest.raises` block expects to raise, excluded)."""
    found: list[Assertion] = []
    raising = _raises_subjects(fn)
    dead = _dead_asserts(fn)
    for node in walk_own(fn.node):
        if isinstance(node, ast.Assert) and id(node) in dead:
            continue
        if isinstance(node, ast.Assert):
            found.append(assertion_of_expr(node.lineno, node.test, policy))
        elif isinstance(node, ast.Call):
            a = assertion_of_call(node, policy)
            if a is not None and a.kind == "raises" and id(node) in raising:
                a = dataclasses.replace(a, subject=raising[id(node)])
            if a is not None:
                found.append(a)
    found.sort(key=lambda a: a.line)
    return found


def source_lines(source: str, start: int, end: int, limit: int = 40) -> str:
    lines = source.splitlines()[start - 1 : end]
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({end - start + 1 - limit} more lines)"]
    return "\n".join(lines)
