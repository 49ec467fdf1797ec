"""`rewritten-expectation`, `deleted-test` and `weakened-assertion`: what the change did to
Python tests that existed before it, comparing each test at base with itself at head."""

from __future__ import annotations

import ast

from comprehend.adversary.changes import Sources, is_python
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.links import ChangedCode
from comprehend.adversary.pytests import (
    STRENGTH,
    Assertion,
    PyTestFunction,
    SmellPolicy,
    assertions,
    find_tests,
    parse,
    source_lines,
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
        for name, old in old_tests.items():
            if name in new_tests:
                new = new_tests[name]
                if old.touches(f.removed_lines) or new.touches(f.added_lines):
                    findings += _compare(f, old, new, policy, code, new_text or "")
            elif _body(old) not in new_bodies and name.rsplit(".", 1)[-1] not in moved_to:
                findings.append(_deleted(change, f, old, old_text or ""))
    # expectation tables and snapshots; deleted-test is low when its code went too
    return table_rewrites(change, sources, policy, code, findings)


def _body(fn: PyTestFunction) -> str:
    return "\n".join(ast.dump(stmt) for stmt in fn.node.body)


def _deleted(change: Change, f: ChangedFile, old: PyTestFunction, old_text: str) -> Finding:
    line = _new_position(f, old.def_line)
    where = "with its file" if f.status == "deleted" else "from the file"
    return rule_finding(
        "deleted-test",
        confidence=0.9,
        file=f.path,
        line=line,
        title=f"{old.name} was deleted {where}",
        evidence={
            "test": old.name,
            "side": "removed",
            "base_line": old.def_line,
            "code": source_lines(old_text, old.start_line, old.end_line),
            "why": "a deleted test checks nothing; if the behaviour it checked still matters, "
                   "the change removed its only guard",
            "rerun": f"git show {change.base[:12]}:{f.old_path or f.path}",
        },
    ).with_fingerprint(old.name)


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
             code: ChangedCode, new_text: str) -> list[Finding]:
    before = assertions(old, policy)
    after = assertions(new, policy)
    found: list[Finding] = []
    paired_old: set[int] = set()
    for b, a in _pairs(before, after):
        paired_old.add(id(b))
        weakening = _weakening(b, a)
        if weakening:
            found.append(_weakened(f, new, b, a, weakening, new_text))
        elif b.expected != a.expected and b.expected is not None and (
                b.kind == a.kind or _outcome_swapped(b, a)):
            link = code.link(f.path, new)
            if link:
                found.append(_rewritten(f, new, b, a, link, code, new_text))
    if len(after) < len(before):
        gone = [b for b in before if id(b) not in paired_old]
        if gone:
            found.append(_removed(f, new, gone, new_text))
    return found


def _pairs(before: list[Assertion], after: list[Assertion]) -> list[tuple[Assertion, Assertion]]:
    """Old and new versions of the same assertion: same subject (in order), or the old
    subject inside the new assertion, or, for assertions left over, the same position and
    kind when the counts agree."""
    pairs: list[tuple[Assertion, Assertion]] = []
    used_new: set[int] = set()
    left_old: list[Assertion] = []
    for b in before:
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


def _rewritten(f: ChangedFile, fn: PyTestFunction, b: Assertion, a: Assertion, link: str,
               code: ChangedCode, text: str) -> Finding:
    return rule_finding(
        "rewritten-expectation",
        confidence=0.8,
        file=f.path,
        line=a.line,
        title=f"{fn.name}: expected {_expected(b)} became {_expected(a)} in the same change as "
              "the code it tests",
        evidence={
            "test": fn.name,
            "line": a.line,
            "old_assertion": b.text,
            "new_assertion": a.text,
            "old_expected": b.expected,
            "new_expected": a.expected,
            "link": link,
            "changed_code": list(code.changed[:10]),
            "why": "a test edited to agree with new code is no evidence the new code is right: "
                   "check which of the two expectations the specification wants",
            "code": source_lines(text, fn.start_line, fn.end_line),
            "rerun": f"python -m pytest '{f.path}::{fn.pytest_id}'",
        },
    ).with_fingerprint(f"{fn.name}:{a.subject}")


def _expected(a: Assertion) -> str:
    return f"{a.expected} to be raised" if a.kind == "raises" else str(a.expected)
