"""`test-cannot-fail` and `skipped-test`: Python tests the change adds or edits that would
pass whatever the code does. Each finding names the test, the line and why."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import re
from dataclasses import dataclass

from comprehend.adversary.changes import Sources, is_python
from comprehend.adversary.checks import Checkers, checkers_for
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.pytests import (
    WEAK_KINDS,
    Assertion,
    PyTestFunction,
    SmellPolicy,
    assertion_of_call,
    assertions,
    dotted,
    find_tests,
    is_literal,
    last_name,
    parse,
    source_lines,
    walk_own,
)
from comprehend.adversary.rules import rule_finding


@dataclass(frozen=True)
class Smell:
    code: str  # stable id of the reason, part of the fingerprint
    line: int
    why: str


def find_smells(change: Change, sources: Sources, policy: SmellPolicy) -> list[Finding]:
    findings: list[Finding] = []
    for f in change.files:
        if f.status == "deleted" or f.binary or not is_python(f.path):
            continue
        if not policy.layout.is_test_file(f.path):
            continue
        text = sources.new_text(f)
        tree = parse(text)
        if tree is None or text is None:
            continue
        tests = find_tests(tree, policy)
        if not any(fn.touches(f.added_lines) or (fn.owner is not None and any(
                d.lineno in f.added_lines for d in fn.owner.decorator_list)) for fn in tests):
            continue
        judge = _Judge(tree, f.path, policy, sources, change.head, text)
        skipped_classes: set[int] = set()
        for fn in tests:
            if fn.owner is not None and id(fn.owner) not in skipped_classes and any(
                    d.lineno in f.added_lines for d in fn.owner.decorator_list):
                # a skip the change puts on a class switches off all its tests: say it once
                skipped_classes.add(id(fn.owner))
                for smell in class_skips_of(fn.owner, policy):
                    findings.append(_finding("skipped-test", f, fn, smell, text))
            if not fn.touches(f.added_lines):
                continue
            for smell in judge.smells(fn):
                findings.append(_finding("test-cannot-fail", f, fn, smell, text))
            for smell in skips_of(fn, policy):
                findings.append(_finding("skipped-test", f, fn, smell, text))
    return findings


class _Judge:
    """smells_of for the tests of one file. The repository modules the file imports are read
    (for helpers that assert) only when the file's own helpers leave a test looking unable
    to fail: most files never need them."""

    def __init__(self, tree: ast.Module, path: str, policy: SmellPolicy, sources: Sources,
                 rev: str | None, text: str) -> None:
        self.tree, self.path, self.policy, self.sources, self.rev = tree, path, policy, sources, rev
        self.lines = text.splitlines()
        self.local = checkers_for(tree, path, policy, None, None)
        self.imported: Checkers | None = None

    def smells(self, fn: PyTestFunction) -> list[Smell]:
        source = "\n".join(self.lines[fn.start_line - 1:fn.end_line])
        found = smells_of(fn, self.policy, self.local, source)
        if any(s.code in _HELPER_SENSITIVE for s in found):
            if self.imported is None:
                self.imported = checkers_for(self.tree, self.path, self.policy,
                                             self.sources.repo, self.rev)
            found = smells_of(fn, self.policy, self.imported, source)
        return found


_HELPER_SENSITIVE = frozenset({"no-assertion", "no-assertion-handled", "unreachable", "truthiness", "constant",
                               "self-compare"})


# Smells that leave a test able to fail, only weakly: advice, steps below the rule's severity
# (so below the default gate), with a title that does not say "cannot fail".
_MILDER = {"truthiness": ("medium", "checks little"), "broad-raises": ("medium", "checks little"),
           "no-assertion-handled": ("low", "checks only that no error escapes")}


def _finding(rule: str, f: ChangedFile, fn: PyTestFunction, smell: Smell, text: str) -> Finding:
    severity, verb = _MILDER.get(smell.code, (None, "cannot fail"))
    if rule != "test-cannot-fail":
        severity, verb = None, "is switched off"
    finding = rule_finding(
        rule,
        confidence=_CONFIDENCE.get(smell.code, 0.8),
        file=f.path,
        line=smell.line,
        title=f"{fn.name} {verb}: {smell.why.split(':')[0]}",
        evidence={
            "test": fn.name,
            "line": smell.line,
            "why": smell.why,
            "code": source_lines(text, fn.start_line, fn.end_line),
            "rerun": f"python -m pytest '{f.path}::{fn.pytest_id}'",
        },
    ).with_fingerprint(f"{fn.name}:{smell.code}")
    return finding if severity is None else dataclasses.replace(finding, severity=severity)


_CONFIDENCE = {"no-assertion": 0.9, "no-assertion-handled": 0.5, "constant": 0.95, "self-compare": 0.95, "tuple": 0.99,
               "swallowed": 0.85, "broad-raises": 0.8, "unreachable": 0.75, "truthiness": 0.6,
               "mock-restated": 0.85, "skip": 0.9, "skip-reason": 0.5,
               "xfail": 0.7, "class-skip": 0.9, "class-skip-reason": 0.5, "class-xfail": 0.7}


def _asserts(node: ast.AST, policy: SmellPolicy, checkers: Checkers) -> bool:
    """Does this statement (or expression) check something when it runs?"""
    nodes = [node, *walk_own(node)]
    for n in nodes:
        if isinstance(n, ast.Assert | ast.Raise):
            return True
        if isinstance(n, ast.Call):
            if checkers.is_check(n, policy):
                return True
    return False


def _always_asserts(body: list[ast.stmt], policy: SmellPolicy, checkers: Checkers,
                    params: frozenset[str] = frozenset(),
                    tables: frozenset[str] = frozenset()) -> bool:
    """Does running this block always run at least one check, whatever the data? `params`
    are the test's parametrize arguments: a branch on them is chosen by the table, whose
    rows are written to take each way (`if should_error: with pytest.raises(...)`).
    `tables` are local names bound once to a written-out, non-empty collection: a loop
    over one always runs."""
    def always(block: list[ast.stmt]) -> bool:
        return _always_asserts(block, policy, checkers, params, tables)

    for stmt in body:
        if isinstance(stmt, ast.If):
            if _fails(stmt.body, policy):
                return True  # `if wrong: self.fail(...)`: the condition is the check
            if always(stmt.body) and always(stmt.orelse):
                return True
            by_table = params and {n.id for n in ast.walk(stmt.test) if isinstance(n, ast.Name)}
            if by_table and by_table <= params and (always(stmt.body) or always(stmt.orelse)):
                return True
            continue
        if isinstance(stmt, ast.For | ast.AsyncFor):
            fixed = isinstance(stmt.iter, ast.Name) and stmt.iter.id in tables
            if (fixed or _fixed_and_non_empty(stmt.iter)) and always(stmt.body):
                return True
            continue
        if isinstance(stmt, ast.While):
            forever = isinstance(stmt.test, ast.Constant) and bool(stmt.test.value)
            if forever and always(stmt.body):
                return True
            continue
        if isinstance(stmt, ast.With | ast.AsyncWith):
            if any(_asserts(item.context_expr, policy, checkers) for item in stmt.items):
                return True
            if always(stmt.body):
                return True
            continue
        if isinstance(stmt, ast.Try):
            if always(stmt.body) or always(stmt.finalbody):
                return True
            continue
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Match):
            continue
        if _asserts(stmt, policy, checkers):
            return True
    return False


def _fails(body: list[ast.stmt], policy: SmellPolicy) -> bool:
    """Does this block end in a failure: `raise`, or a call like self.fail / pytest.fail?"""
    last = body[-1] if body else None
    if isinstance(last, ast.Raise):
        return True
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and (dotted(last.value.func) or "") in policy.fail_calls)


def _fixed_and_non_empty(iterable: ast.expr) -> bool:
    """A loop the data cannot skip: over a written-out collection, range(N) with N > 0, or
    a module constant (UPPER_CASE), which is the same on every run."""
    if isinstance(iterable, ast.List | ast.Tuple | ast.Set | ast.Dict):
        return len(iterable.keys if isinstance(iterable, ast.Dict) else iterable.elts) > 0
    if isinstance(iterable, ast.Name):
        return iterable.id.isupper()
    if (isinstance(iterable, ast.Call) and dotted(iterable.func) in ("range", "sorted", "enumerate")
            and iterable.args):
        is_range = dotted(iterable.func) == "range"
        first = iterable.args[min(1, len(iterable.args) - 1)] if is_range else iterable.args[0]
        if isinstance(first, ast.Constant):
            return isinstance(first.value, int) and first.value > 0
        return _fixed_and_non_empty(first)
    return False


def smells_of(fn: PyTestFunction, policy: SmellPolicy,
              checkers: Checkers | None = None, source: str = "") -> list[Smell]:
    """Every reason this test cannot fail (empty when it can). A test is judged by all its
    checks: an assertion that always passes is reported only when nothing else in the test
    can fail (a `tuple` assert always is: it is a bug whatever else the test does).
    `source` is the test's text, for what it says in its comments."""
    checkers = checkers or Checkers(frozenset(), policy.raising_calls)
    body = fn.node.body
    vacuous = _constant_asserts(fn)
    vacuous_lines = {v.line for v in vacuous}
    checks = [a for a in assertions(fn, policy) if a.line not in vacuous_lines]
    calls_check = any(isinstance(n, ast.Call) and assertion_of_call(n, policy) is None
                      and checkers.is_check(n, policy) for n in walk_own(fn.node))
    # a callback the test hands to the code, asserting inside, fails the test through it
    calls_check = calls_check or _callback_checks(fn, policy)
    raises = any(isinstance(n, ast.Raise) for n in walk_own(fn.node))
    can_fail = bool(checks) or calls_check or raises
    if not can_fail and not vacuous:
        return [_no_assertion(fn, policy, source)]
    found: list[Smell] = [v for v in vacuous if v.code == "tuple" or not can_fail]
    found += _swallowed(fn, policy)
    found += _broad_raises(fn, policy)
    if checks and not calls_check and not raises and not _always_asserts(
            body, policy, checkers, _parametrized(fn), _local_tables(fn)):
        first = checks[0].line
        found.append(Smell("unreachable", first,
                           "assertions only inside branches or loops that may not run: with "
                           "an empty loop or a false condition it checks nothing"))
    if checks and not calls_check and all(a.kind in WEAK_KINDS and not _pins_down(a, checkers)
                                          for a in checks):
        found.append(Smell("truthiness", checks[0].line,
                           "only truthiness asserted: it checks that a value exists or has a "
                           f"type, not what it is ({checks[0].text})"))
    found += _mock_restated(fn, policy)
    return found


def _no_assertion(fn: PyTestFunction, policy: SmellPolicy, source: str = "") -> Smell:
    """A test with no check at all. It still fails when the code raises; when the test
    itself makes a dependency fail (a fake that raises, `side_effect=OSError()`), or says
    that not raising is its point (`# Should not raise`, `test_x_does_not_raise`), that is
    what it tests. Advice then, unless an `except` in the test swallows every error, so not
    even that can fail."""
    swallowed = next((h for n in walk_own(fn.node) if isinstance(n, ast.Try)
                      for h in n.handlers if _catches(h, policy) and not _reraises(h, policy)),
                     None)
    if swallowed is not None:
        caught = ast.unparse(swallowed.type) if swallowed.type else "everything"
        return Smell("no-assertion", fn.def_line,
                     f"no assertion, and `except {caught}` swallows any error: it passes "
                     "whatever the code does")
    if _injects_error(fn):
        return Smell("no-assertion-handled", fn.def_line,
                     "no assertion: it makes a dependency fail and checks only that the error "
                     "does not escape, not what the code did about it (assert the outcome: "
                     "the state left, the value returned, the warning logged)")
    if _NO_RAISE_INTENT.search(f"{fn.name}\n{source}"):
        return Smell("no-assertion-handled", fn.def_line,
                     "no assertion: by its name or comments it checks only that the code does "
                     "not raise, so a wrong result or state goes unnoticed (assert the outcome "
                     "too)")
    return Smell("no-assertion", fn.def_line,
                 "no assertion: it passes unless the code raises, so a wrong result "
                 "goes unnoticed")


# Words by which a test says that not raising is what it checks, in its name or comments.
_NO_RAISE_INTENT = re.compile(
    r"(?i)(?:should|must|does|do|will)(?: not|n't)[ _](?:raise|crash|fail|throw|error)"
    r"|(?:not|never|no)[ _]raises?\b|_no_error\b|\bno exception\b|\bwithout (?:raising|error)")


def _injects_error(fn: PyTestFunction) -> bool:
    """Does the test arrange for something the code calls to fail: a function or method it
    defines that raises, a `side_effect` set, an exception instance stored for a fake?"""
    for node in walk_own(fn.node):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and any(
                isinstance(n, ast.Raise) for n in ast.walk(node)):
            return True
        if isinstance(node, ast.keyword) and node.arg == "side_effect":
            return True
        if isinstance(node, ast.Assign) and (
                any(isinstance(t, ast.Attribute) and t.attr == "side_effect" for t in node.targets)
                or _is_exception_instance(node.value)):
            return True
    return False


def _is_exception_instance(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and last_name(node.func).endswith(("Error", "Exception"))


def _callback_checks(fn: PyTestFunction, policy: SmellPolicy) -> bool:
    """Does a function or class the test defines (a callback, a fake sink) assert? Only
    assertions count here: a fake's own `get()` that raises on a missing key is no check."""
    for node in walk_own(fn.node):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            if any(isinstance(n, ast.Assert) or (isinstance(n, ast.Call) and assertion_of_call(
                    n, policy) is not None) for n in ast.walk(node)):
                return True
    return False


def _local_tables(fn: PyTestFunction) -> frozenset[str]:
    """Names the test binds once, to a written-out non-empty list, tuple, set or dict
    (`cases = [Case(...), ...]`)."""
    bound: dict[str, int] = {}
    tables: set[str] = set()
    for node in walk_own(fn.node):
        targets = node.targets if isinstance(node, ast.Assign) else [
            node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For) else []
        for target in targets:
            if isinstance(target, ast.Name):
                bound[target.id] = bound.get(target.id, 0) + 1
                if isinstance(node, ast.Assign | ast.AnnAssign) and _fixed_and_non_empty_literal(
                        node.value):
                    tables.add(target.id)
    return frozenset(n for n in tables if bound[n] == 1)


def _fixed_and_non_empty_literal(node: ast.AST | None) -> bool:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return bool(node.elts) and not any(isinstance(e, ast.Starred) for e in node.elts)
    return isinstance(node, ast.Dict) and bool(node.keys)


def _parametrized(fn: PyTestFunction) -> frozenset[str]:
    """The argument names of the test's parametrize decorators."""
    names: set[str] = set()
    for deco in fn.node.decorator_list:
        if isinstance(deco, ast.Call) and last_name(deco.func) == "parametrize" and deco.args:
            first = deco.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names |= {n.strip() for n in first.value.split(",") if n.strip()}
            elif isinstance(first, ast.List | ast.Tuple):
                names |= {e.value for e in first.elts
                          if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return frozenset(names)


# Classes an isinstance check against says little: any value has one of these types.
_GENERIC_TYPES = frozenset(dir(builtins)) | frozenset({
    "Any", "Mapping", "MutableMapping", "Sequence", "MutableSequence", "Iterable", "Iterator",
    "Collection", "Container", "Sized", "Hashable", "Callable", "Awaitable", "Coroutine",
    "Generator", "AsyncIterator", "AsyncIterable", "AsyncGenerator", "Path", "PurePath"})


def _pins_down(a: Assertion, checkers: Checkers) -> bool:
    """A truthiness check whose subject makes it specific: a lookup by a given key
    (`store.get(id) is not None`, `table["name"]`), a name a module must export
    (`llm.Part is not None`, `callable(llm.user)`, `hasattr(module, "Strategy")`), a fake's
    record of calls (`assert fake.kill_calls`, `mock.called`), or an isinstance check
    against one of the project's classes (`isinstance(result, ApprovalItem)`, where the code
    returns one of several): there existence, or the kind, is the behaviour."""
    if a.kind == "isinstance" and a.expected:
        try:
            expected = ast.parse(a.expected, mode="eval").body
        except SyntaxError:
            return False
        classes = expected.elts if isinstance(expected, ast.Tuple) else [expected]
        return all(last_name(c) not in _GENERIC_TYPES for c in classes) and bool(classes)
    try:
        subject = ast.parse(a.subject, mode="eval").body
        whole = ast.parse(a.text, mode="eval").body
    except SyntaxError:
        return False
    if any(isinstance(n, ast.Call) and last_name(n.func) in ("hasattr", "getattr", "callable")
           for n in ast.walk(whole)):
        return True
    if isinstance(subject, ast.Call) and last_name(subject.func) in ("hasattr", "getattr"):
        return True
    if isinstance(subject, ast.Subscript) and not isinstance(subject.slice, ast.Slice):
        return True
    if (isinstance(subject, ast.Call) and last_name(subject.func) in ("get", "find", "lookup")
            and subject.args):
        return True
    if isinstance(subject, ast.Attribute) and (
            subject.attr in ("called", "call_args", "call_args_list", "await_args")
            or subject.attr.endswith("_calls")):
        return True
    if isinstance(subject, ast.Attribute):
        root = subject
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and root.id in checkers.modules
    return False


_UNITTEST_PAIRS = frozenset({"assertEqual", "assertEquals", "assertAlmostEqual", "assertIs",
                             "assertListEqual", "assertDictEqual", "assertTupleEqual",
                             "assertSetEqual", "assertSequenceEqual", "assertCountEqual",
                             "assertGreaterEqual", "assertLessEqual", "assertIn"})
_UNITTEST_TRUTHS = frozenset({"assertTrue", "assertIsNotNone"})


def _unittest_constant(node: ast.Call) -> Smell | None:
    """self.assertTrue(True), self.assertEqual(1, 1), self.assertEqual(x, x)."""
    if not isinstance(node.func, ast.Attribute):
        return None
    method, args, text = node.func.attr, node.args, ast.unparse(node)
    if method in _UNITTEST_TRUTHS and args and isinstance(args[0], ast.Constant) and (
            args[0].value is not None and bool(args[0].value)):
        return Smell("constant", node.lineno, f"asserts a constant: `{text}` always passes")
    if method in _UNITTEST_PAIRS and len(args) >= 2:
        if is_literal(args[0]) and is_literal(args[1]):
            return Smell("constant", node.lineno,
                         f"compares two constants: `{text}` never depends on the code")
        if _same_value(args[0], args[1]) and method != "assertIn":
            return Smell("self-compare", node.lineno, f"compares a value with itself: `{text}`")
    return None


def _same_value(left: ast.AST, right: ast.AST) -> bool:
    """The same expression on both sides, and no call in it: `f(x) == f(x)` calls f twice
    and checks that it is deterministic, which can fail."""
    return ast.dump(left) == ast.dump(right) and not any(
        isinstance(n, ast.Call | ast.Await) for n in ast.walk(left))


def _constant_asserts(fn: PyTestFunction) -> list[Smell]:
    found = []
    for node in walk_own(fn.node):
        if isinstance(node, ast.Call):
            smell = _unittest_constant(node)
            if smell is not None:
                found.append(smell)
            continue
        if not isinstance(node, ast.Assert):
            continue
        test = node.test
        if isinstance(test, ast.Tuple) and test.elts:
            found.append(Smell("tuple", node.lineno,
                               "asserts a tuple: a non-empty tuple is always true"))
        elif isinstance(test, ast.Constant) and bool(test.value):
            found.append(Smell("constant", node.lineno,
                               f"asserts a constant: `assert {ast.unparse(test)}` is always true"))
        elif isinstance(test, ast.Compare) and len(test.ops) == 1:
            left, right = test.left, test.comparators[0]
            if is_literal(left) and is_literal(right):
                found.append(Smell("constant", node.lineno,
                                   f"compares two constants: `{ast.unparse(test)}` never "
                                   "depends on the code"))
            elif _same_value(left, right) and isinstance(
                    test.ops[0], ast.Eq | ast.Is | ast.GtE | ast.LtE):
                found.append(Smell("self-compare", node.lineno,
                                   f"compares a value with itself: `{ast.unparse(test)}`"))
    return found


def _catches(handler: ast.ExceptHandler, policy: SmellPolicy) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = {dotted(t) for t in types}
    return bool(names & (policy.broad_exceptions | {"AssertionError"}))


def _reraises(handler: ast.ExceptHandler, policy: SmellPolicy) -> bool:
    return any(isinstance(n, ast.Raise | ast.Assert) or (
        isinstance(n, ast.Call) and assertion_of_call(n, policy) is not None)
        for stmt in handler.body for n in [stmt, *walk_own(stmt)])


def _swallowed(fn: PyTestFunction, policy: SmellPolicy) -> list[Smell]:
    found = []
    for node in walk_own(fn.node):
        if not isinstance(node, ast.Try):
            continue
        checks_inside = any(isinstance(n, ast.Assert) or (
            isinstance(n, ast.Call) and assertion_of_call(n, policy) is not None)
            for stmt in node.body for n in [stmt, *walk_own(stmt)])
        if not checks_inside:
            continue
        for handler in node.handlers:
            if _catches(handler, policy) and not _reraises(handler, policy):
                caught = ast.unparse(handler.type) if handler.type else "everything"
                found.append(Smell("swallowed", handler.lineno,
                                   f"try/except swallows the failure: `except {caught}` catches "
                                   "the assertion's error and the test passes"))
    return found


def _broad_raises(fn: PyTestFunction, policy: SmellPolicy) -> list[Smell]:
    checked = _checked_contexts(fn, policy)
    found = []
    for node in walk_own(fn.node):
        if not isinstance(node, ast.Call):
            continue
        a = assertion_of_call(node, policy)
        if a is None or a.kind != "raises" or a.match is not None or id(node) in checked:
            continue
        if a.expected in policy.broad_exceptions:
            found.append(Smell("broad-raises", node.lineno,
                               f"expects any {a.expected}: `{a.text}` passes on every error, "
                               "including a TypeError from the bug itself"))
    return found


def _checked_contexts(fn: PyTestFunction, policy: SmellPolicy) -> set[int]:
    """ids of `with assertRaises(...) as cm` calls whose cm a later assertion inspects
    (`self.assertEqual(str(cm.exception), ...)`, `assert "x" in str(excinfo.value)`)."""
    bound = {}
    for node in walk_own(fn.node):
        if isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            bound[node.optional_vars.id] = id(node.context_expr)
    if not bound:
        return set()
    checked = set()
    for node in walk_own(fn.node):
        is_check = isinstance(node, ast.Assert) or (
            isinstance(node, ast.Call) and id(node) not in bound.values()
            and assertion_of_call(node, policy) is not None)
        if is_check:
            checked |= {bound[n.id] for n in ast.walk(node)
                        if isinstance(n, ast.Name) and n.id in bound}
    return checked


def _mock_restated(fn: PyTestFunction, policy: SmellPolicy) -> list[Smell]:
    """assert mock() == V after mock.return_value = V: checks the mock, not the code."""
    mocks: set[str] = set()
    configured: dict[str, str] = {}  # mock name -> dump of its return value
    results: dict[str, str] = {}  # variable -> mock whose call produced it
    in_order = sorted(walk_own(fn.node), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
    for node in in_order:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                if dotted(value.func) in policy.mock_constructors:
                    mocks.add(target.id)
                    for kw in value.keywords:
                        if kw.arg == "return_value":
                            configured[target.id] = ast.dump(kw.value)
                elif dotted(value.func) in mocks:
                    results[target.id] = dotted(value.func) or ""
            if (isinstance(target, ast.Attribute) and target.attr == "return_value"
                    and isinstance(target.value, ast.Name)):
                mocks.add(target.value.id)
                configured[target.value.id] = ast.dump(value)
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            if dotted(node.context_expr) in policy.mock_constructors:
                mocks.add(node.optional_vars.id)
    found = []
    for node in walk_own(fn.node):
        if (isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare)
                and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq)):
            sides, shown = (node.test.left, node.test.comparators[0]), node.test
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("assertEqual", "assertEquals") and len(node.args) >= 2):
            sides, shown = (node.args[0], node.args[1]), node
        else:
            continue
        for observed, expected in (sides, sides[::-1]):
            mock = _mock_value_of(observed, mocks, results)
            if mock and configured.get(mock) == ast.dump(expected):
                found.append(Smell("mock-restated", node.lineno,
                                   f"restates the mock's setup: `{ast.unparse(shown)}` "
                                   f"checks the value {mock}.return_value was given, not the code"))
                break
    return found


def _mock_value_of(node: ast.AST, mocks: set[str], results: dict[str, str]) -> str | None:
    if isinstance(node, ast.Call) and dotted(node.func) in mocks:
        return dotted(node.func)
    if (isinstance(node, ast.Attribute) and node.attr == "return_value"
            and isinstance(node.value, ast.Name) and node.value.id in mocks):
        return node.value.id
    if isinstance(node, ast.Name) and node.id in results:
        return results[node.id]
    return None


def class_skips_of(cls: ast.ClassDef, policy: SmellPolicy) -> list[Smell]:
    """Skips decorating a test class, which switch off every test in it."""
    return [dataclasses.replace(s, code=f"class-{s.code}",
                                why=f"the whole class {cls.name} {s.why}")
            for s in _decorator_skips(cls.decorator_list, policy)]


def skips_of(fn: PyTestFunction, policy: SmellPolicy) -> list[Smell]:
    found = _decorator_skips(fn.node.decorator_list, policy)
    for node in walk_own(fn.node):
        if isinstance(node, ast.Call) and dotted(node.func) in policy.skip_calls:
            reason = _reason(node)
            found.append(Smell("skip-reason" if reason else "skip", node.lineno,
                               f"skips itself at run time ({reason or 'no reason given'})"))
    return found


def _decorator_skips(decorators: list[ast.expr], policy: SmellPolicy) -> list[Smell]:
    found = []
    for deco in decorators:
        name = dotted(deco) or ""
        call = deco if isinstance(deco, ast.Call) else None
        reason = _reason(call)
        if name in policy.skip_decorators:
            if reason:
                found.append(Smell("skip-reason", deco.lineno,
                                   f"skipped: it never runs (reason given: {reason})"))
            else:
                found.append(Smell("skip", deco.lineno,
                                   "skipped without a stated reason: it never runs"))
        elif name in policy.skip_conditional and not reason:
            found.append(Smell("skip", deco.lineno,
                               "skipped under a condition with no stated reason"))
        elif name in policy.xfail:
            strict = call is not None and any(
                kw.arg == "strict" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                for kw in call.keywords)
            if not strict:
                found.append(Smell("xfail", deco.lineno,
                                   "marked xfail without strict=True: it passes whether the "
                                   "code works or not"))
    return found


def _reason(call: ast.Call | None) -> str | None:
    if call is None:
        return None
    for kw in call.keywords:
        if kw.arg in ("reason", "msg") and isinstance(kw.value, ast.Constant) and kw.value.value:
            return str(kw.value.value)
    strings = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return strings[0] if strings else None
