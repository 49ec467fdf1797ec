"""`rewritten-expectation`, `deleted-test` and `weakened-assertion`: what the change did to
Python tests that existed before it, comparing each test at base with itself at head."""

from __future__ import annotations

import ast
import dataclasses

from comprehend.adversary.changes import Sources, is_python
from comprehend.adversary.deletions import names_used
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.links import ChangedCode, similar_pairs
from comprehend.adversary.pytests import (
    STRENGTH,
    Assertion,
    PyTestFunction,
    SmellPolicy,
    assertions,
    find_tests,
    parse,
    source_lines,
    walk_own,
)
from comprehend.adversary.rules import rule_finding
from comprehend.adversary.tables import table_rewrites


def find_rewrites(change: Change, sources: Sources, policy: SmellPolicy,
                  code: ChangedCode) -> list[Finding]:
    findings: list[Finding] = []
    test_files = [f for f in change.files
                  if not f.binary and is_python(f.path) and policy.layout.is_test_file(f.path)]
    # Test names at head in every changed test file: a test that moved is not deleted.
    moved_to = {fn.name.rsplit(".", 1)[-1]: f.path for f in test_files
                for fn in find_tests(parse(sources.new_text(f)), policy)}
    for f in test_files:
        old_text = sources.old_text(f)
        new_text = sources.new_text(f)
        old_tests = {t.name: t for t in find_tests(parse(old_text), policy)}
        new_tests = {t.name: t for t in find_tests(parse(new_text), policy)}
        new_bodies = {_body(t): t.name for t in new_tests.values()}
        gone: dict[str, PyTestFunction] = {}
        for name, old in old_tests.items():
            if name in new_tests:
                new = new_tests[name]
                if old.touches(f.removed_lines) or new.touches(f.added_lines):
                    findings += _compare(f, old, new, policy, code, new_text or "")
            elif _body(old) not in new_bodies and name.rsplit(".", 1)[-1] not in moved_to:
                gone[name] = old
        # a test renamed and edited in one go: compare it with its old self, say what its
        # expectations became (the signal), not that it was deleted
        added = {n: t for n, t in new_tests.items() if n not in old_tests}
        renamed = similar_pairs({n: _text(t) for n, t in gone.items()},
                                {n: _text(t) for n, t in added.items()})
        for old_name, new_name in renamed:
            findings += _compare(f, gone.pop(old_name), added[new_name], policy, code,
                                 new_text or "", renamed=True)
        for old in gone.values():
            findings.append(_deleted(change, f, old, old_text or "", code))
    # expectation tables and snapshots; deleted-test is low when its code went too
    return table_rewrites(change, sources, policy, code, findings)


def _body(fn: PyTestFunction) -> str:
    return "\n".join(ast.dump(stmt) for stmt in fn.node.body)


def _text(fn: PyTestFunction) -> str:
    """The test's body as normalized source, without its docstring: what a rename keeps."""
    body = fn.node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and (
            isinstance(body[0].value.value, str)):
        body = body[1:]
    return "\n".join(ast.unparse(stmt) for stmt in body)


def _deleted(change: Change, f: ChangedFile, old: PyTestFunction, old_text: str,
             code: ChangedCode) -> Finding:
    line = _new_position(f, old.def_line)
    where = "with its file" if f.status == "deleted" else "from the file"
    with_code = sorted({code.removed[n] for n in names_used(old) if n in code.removed})
    why = ("a deleted test checks nothing; if the behaviour it checked still matters, "
           "the change removed its only guard")
    if with_code:
        why = (f"it was deleted with the code it tested ({', '.join(with_code[:3])} is gone "
               "too): check that the behaviour was meant to go")
    finding = rule_finding(
        "deleted-test",
        confidence=0.6 if with_code else 0.9,
        file=f.path,
        line=line,
        title=f"{old.name} was deleted {where}" + (" with the code it tested" if with_code else ""),
        evidence={
            "test": old.name,
            "side": "removed",
            "base_line": old.def_line,
            "code": source_lines(old_text, old.start_line, old.end_line),
            "why": why,
            "rerun": f"git show {change.base[:12]}:{f.old_path or f.path}",
        },
    ).with_fingerprint(old.name)
    # a test removed along with its code is housekeeping more often than a hidden failure
    return dataclasses.replace(finding, severity="medium") if with_code else finding


def _new_position(f: ChangedFile, old_line: int) -> int:
    """Where a line of the old file would be in the new one (the hunk that removed it)."""
    if f.status == "deleted":
        return old_line
    shift = 0
    for hunk in f.hunks:
        if hunk.old_start <= old_line < hunk.old_start + max(hunk.old_lines, 1):
            return max(hunk.new_start, 1)
        if hunk.old_start + hunk.old_lines <= old_line:
            shift += hunk.new_lines - hunk.old_lines
    return max(old_line + shift, 1)


def _compare(f: ChangedFile, old: PyTestFunction, new: PyTestFunction, policy: SmellPolicy,
             code: ChangedCode, new_text: str, renamed: bool = False) -> list[Finding]:
    norm = _Normalizer(code.renames)
    before = [dataclasses.replace(b, subject=norm(b.subject)) for b in assertions(old, policy)]
    after = [dataclasses.replace(a, subject=norm(a.subject)) for a in assertions(new, policy)]
    found: list[Finding] = []
    paired_old: set[int] = set()
    for b, a in _pairs(before, after):
        paired_old.add(id(b))
        inverted = _inverted(b, a) if b.subject == a.subject else None
        if inverted:
            link = code.link(f.path, new) or _renamed_link(renamed, code)
            if link:
                found.append(_rewritten(f, old, new, b, a, link, code, new_text, inverted))
            continue
        weakening = _weakening(b, a)
        if weakening:
            found.append(_weakened(f, new, b, a, weakening, new_text))
        elif (b.subject == a.subject and b.expected is not None
              and norm(b.expected) != norm(a.expected or "")
              and (b.kind == a.kind or _outcome_swapped(b, a))):
            link = code.link(f.path, new) or _renamed_link(renamed, code)
            if link:
                found.append(_rewritten(f, old, new, b, a, link, code, new_text))
    if len(after) < len(before):
        found_at = _positions(old)
        gone = [b for b in before if id(b) not in paired_old and not _covered(b, after)
                and not _order_covered(b, after, found_at)]
        if gone:
            found.append(_removed(f, new, gone, new_text))
    return found


def _covered(b: Assertion, after: list[Assertion]) -> bool:
    """Whether a new assertion pins down the whole of what `b` checked a part of:
    `parts[0] == X` and `parts[1] == Y` merged into `parts == [X, Y]`."""
    return any(a.kind in ("eq", "is") and b.subject.startswith((f"{a.subject}[", f"{a.subject}."))
               for a in after)


def _positions(fn: PyTestFunction) -> dict[str, tuple[str, str]]:
    """Local names bound to where a text is found: `pos = output.index("## Reasoning")`
    gives pos -> ("output", "## Reasoning")."""
    found: dict[str, tuple[str, str]] = {}
    for node in walk_own(fn.node):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr in ("index", "find") and len(node.value.args) == 1
                and isinstance(node.value.args[0], ast.Constant)
                and isinstance(node.value.args[0].value, str)):
            found[node.targets[0].id] = (ast.unparse(node.value.func.value),
                                         node.value.args[0].value)
    return found


def _order_covered(b: Assertion, after: list[Assertion],
                   found_at: dict[str, tuple[str, str]]) -> bool:
    """`a_pos < b_pos` (positions of two texts in an output) folded into one stronger
    `"A...B" in output`: the new assertion holds both texts, in that order."""
    if b.kind != "ordering" or b.subject not in found_at or b.expected not in found_at:
        return False
    (base, first), (other, second) = found_at[b.subject], found_at[b.expected]
    if base != other:
        return False
    if ">" in b.text.replace(">=", ">"):  # `b_pos > a_pos`: the expected text comes first
        first, second = second, first
    for a in after:
        if a.kind != "in" or a.subject != base or a.expected is None:
            continue
        try:
            whole = ast.literal_eval(a.expected)
        except (ValueError, SyntaxError):
            continue
        if isinstance(whole, str) and first in whole and second in whole[
                whole.index(first) + len(first):]:
            return True
    return False


def _renamed_link(renamed: bool, code: ChangedCode) -> str | None:
    if renamed and code.changed:
        return "the test was renamed in the same change as the code it tests"
    return None


class _Normalizer:
    """An expression as text, without what a change applies to the code and its tests
    alike: `await`, an attribute that became a call (`r.messages` -> `r.messages()`), a
    list that became a tuple of the same items, a function the change renamed."""

    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames

    def __call__(self, text: str) -> str:
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError:
            return text
        return ast.unparse(_Mechanical(self.renames).visit(tree))


class _Mechanical(ast.NodeTransformer):
    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames

    def visit_Await(self, node: ast.Await) -> ast.AST:
        return self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if not node.args and not node.keywords and isinstance(node.func, ast.Attribute):
            return self.visit(node.func)
        return self.generic_visit(node)

    def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
        return ast.List([self.visit(e) for e in node.elts], ast.Load())

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(self.renames.get(node.id, node.id), node.ctx)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        return ast.Attribute(self.visit(node.value), self.renames.get(node.attr, node.attr), node.ctx)


_OPPOSITES = ({"eq", "ne"}, {"in", "not-in"}, {"is", "ne"})
_EXIT_CODES = ("exit_code", "returncode", "status_code", "exitcode", "exit_status")


def _inverted(b: Assertion, a: Assertion) -> str | None:
    """How the expectation turned into its opposite, or None: `==` became `!=`, `in` became
    `not in`, True became False, an exit code went from failure to success. (An expected
    error that became an expected value is reported as a rewritten outcome.)"""
    kinds = {b.kind, a.kind}
    if ((kinds in _OPPOSITES and b.expected == a.expected) or kinds == {"truthy", "falsy"}
            or (kinds == {"is", "not-none"} and "None" in (b.expected, a.expected))):
        return f"`{b.text}` became `{a.text}`: the test now expects the opposite"
    if b.kind == a.kind and b.kind in ("eq", "is") and {b.expected, a.expected} == {"True", "False"}:
        return f"`{b.text}` became `{a.text}`: the test now expects the opposite"
    if (b.kind == a.kind == "eq" and b.subject.endswith(_EXIT_CODES)
            and a.expected == "0" and b.expected not in (None, "0")):
        return (f"`{b.text}` became `{a.text}`: an exit code that meant failure now has to mean "
                "success")
    return None


def _pairs(before: list[Assertion], after: list[Assertion]) -> list[tuple[Assertion, Assertion]]:
    """Old and new versions of the same assertion: same subject (in order), or the old
    subject inside the new assertion, or, for assertions left over, the same position and
    kind when the counts agree."""
    pairs: list[tuple[Assertion, Assertion]] = []
    used_new: set[int] = set()
    # an assertion the change left as it was is its own pair, whatever was added around it
    # (`"A" in out` kept while `"B" in out` is added before it: same subject, not a rewrite)
    changed_old: list[Assertion] = []
    for b in before:
        match = next((a for a in after if id(a) not in used_new and a.text == b.text), None)
        if match is None:
            changed_old.append(b)
        else:
            used_new.add(id(match))
            pairs.append((b, match))
    left_old: list[Assertion] = []
    for b in changed_old:
        match = next((a for a in after if id(a) not in used_new and a.subject == b.subject), None)
        if match is None:
            left_old.append(b)
        else:
            used_new.add(id(match))
            pairs.append((b, match))
    # an assertion rewritten around the same value: `x == 3` -> `3 in [x, 0]`
    still_old = []
    for b in left_old:
        match = next((a for a in after if id(a) not in used_new and b.subject in a.text), None)
        if match is None:
            still_old.append(b)
        else:
            used_new.add(id(match))
            pairs.append((b, match))
    left_old = still_old
    left_new = [a for a in after if id(a) not in used_new]
    if len(left_old) == len(left_new):
        pairs += [(b, a) for b, a in zip(left_old, left_new, strict=True) if b.kind == a.kind]
    return pairs


_OPS = {"eq": "==", "is": "is", "approx": "approx", "raises": "raises", "ordering": "an ordering",
        "in": "in", "predicate": "a predicate", "ne": "!=", "not-in": "not in",
        "isinstance": "isinstance", "falsy": "not", "not-none": "is not None",
        "truthy": "a truthiness check", "call": "a call"}


_VALUE_KINDS = frozenset({"eq", "is", "approx"})


def _outcome_swapped(b: Assertion, a: Assertion) -> bool:
    """An expected error became an expected value, or the other way round: the same call
    now has the opposite outcome (`assertRaises(ValueError)` -> `assertEqual(f(x), [...])`)."""
    return {b.kind, a.kind} in ({"raises", k} for k in _VALUE_KINDS)


def _weakening(b: Assertion, a: Assertion) -> tuple[str, str] | None:
    """(short, long) description of how the assertion got looser, or None."""
    if _outcome_swapped(b, a):
        return None
    if STRENGTH[a.kind] < STRENGTH[b.kind] and b.kind != "call":
        short = f"{_OPS[b.kind]} became {_OPS[a.kind]}"
        return short, f"`{b.text}` became `{a.text}`: {short}, which accepts more wrong values"
    if a.kind == b.kind == "approx" and (a.tolerance or 0) > (b.tolerance or 0):
        short = f"the tolerance grew from {b.tolerance:g} to {a.tolerance:g}"
        return short, f"`{b.text}` became `{a.text}`: {short}"
    if a.kind == b.kind == "raises":
        if b.match is not None and a.match is None:
            short = f"pytest.raises lost its match={b.match}"
            return short, f"`{b.text}` became `{a.text}`: any message is accepted now"
        if a.expected in ("Exception", "BaseException") and b.expected != a.expected:
            short = f"the expected error widened from {b.expected} to {a.expected}"
            return short, f"`{b.text}` became `{a.text}`: {short}"
    return None


def _weakened(f: ChangedFile, fn: PyTestFunction, b: Assertion, a: Assertion,
              why: tuple[str, str], text: str) -> Finding:
    return rule_finding(
        "weakened-assertion",
        confidence=0.75,
        file=f.path,
        line=a.line,
        title=f"{fn.name}: assertion weakened ({why[0]})",
        evidence={"test": fn.name, "line": a.line, "old_assertion": b.text,
                  "new_assertion": a.text, "why": why[1],
                  "code": source_lines(text, fn.start_line, fn.end_line),
                  "rerun": f"python -m pytest '{f.path}::{fn.pytest_id}'"},
    ).with_fingerprint(f"{fn.name}:{a.subject}")


def _removed(f: ChangedFile, fn: PyTestFunction, gone: list[Assertion], text: str) -> Finding:
    return rule_finding(
        "weakened-assertion",
        confidence=0.6,
        file=f.path,
        line=fn.def_line,
        title=f"{fn.name}: {len(gone)} assertion(s) removed",
        evidence={"test": fn.name, "line": fn.def_line, "side": "removed",
                  "removed_assertions": [b.text for b in gone],
                  "why": "the test checks less than before the change",
                  "code": source_lines(text, fn.start_line, fn.end_line),
                  "rerun": f"python -m pytest '{f.path}::{fn.pytest_id}'"},
    ).with_fingerprint(f"{fn.name}:removed:{'|'.join(sorted(b.subject for b in gone))}")


def _rewritten(f: ChangedFile, old: PyTestFunction, fn: PyTestFunction, b: Assertion,
               a: Assertion, link: str, code: ChangedCode, text: str,
               inverted: str | None = None) -> Finding:
    renamed = old.name != fn.name
    error_class = b.kind == a.kind == "raises" and not inverted
    if inverted:
        title = f"{fn.name}: expectation inverted in the same change as the code it tests"
        why = (f"{inverted}; a test turned around to pass with new code is no evidence the "
               "new code is right: check which of the two the specification wants")
    else:
        title = (f"{fn.name}: expected {_expected(b)} became {_expected(a)} in the same change "
                 "as the code it tests")
        why = ("a test edited to agree with new code is no evidence the new code is right: "
               "check which of the two expectations the specification wants")
    if renamed:
        title = f"{title} (renamed from {old.name})"
    evidence = {
        "test": fn.name,
        "line": a.line,
        "old_assertion": b.text,
        "new_assertion": a.text,
        "old_expected": b.expected,
        "new_expected": a.expected,
        "link": link,
        "changed_code": list(code.changed[:10]),
        "why": why,
        "code": source_lines(text, fn.start_line, fn.end_line),
        "rerun": f"python -m pytest '{f.path}::{fn.pytest_id}'",
    }
    if renamed:
        evidence["renamed_from"] = old.name
    if inverted:
        evidence["inverted"] = True
    finding = rule_finding("rewritten-expectation", confidence=0.9 if inverted else 0.8,
                           file=f.path, line=a.line, title=title, evidence=evidence,
                           ).with_fingerprint(f"{fn.name}:{a.subject}")
    if error_class:
        # the same call still has to fail, with another error class: a step below the rule
        return dataclasses.replace(finding, severity="medium", confidence=0.6)
    return finding


def _expected(a: Assertion) -> str:
    return f"{a.expected} to be raised" if a.kind == "raises" else str(a.expected)
