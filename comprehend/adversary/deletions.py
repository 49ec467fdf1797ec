"""`deleted-test` when the code under test went too: a deleted test that called a function
or class the change also deleted (gone from every changed file at head) is a feature removed
with its tests, reported low with the deleted code named."""

from __future__ import annotations

import ast
import dataclasses

from comprehend.adversary.changes import Sources, is_python
from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.adversary.pytests import (
    PyTestFunction,
    SmellPolicy,
    find_tests,
    last_name,
    parse,
    walk_own,
)


def soften_deleted(change: Change, sources: Sources, policy: SmellPolicy,
                   findings: list[Finding]) -> list[Finding]:
    deleted = [f for f in findings if f.rule == "deleted-test"]
    if not deleted:
        return list(findings)
    gone = deleted_code(change, sources, policy)
    if not gone:
        return list(findings)
    olds: dict[str, dict[str, PyTestFunction]] = {}
    out = []
    for finding in findings:
        if finding.rule != "deleted-test":
            out.append(finding)
            continue
        changed = next((c for c in change.files if c.path == finding.file), None)
        if changed is not None and finding.file not in olds:
            olds[finding.file] = {t.name: t for t in find_tests(parse(sources.old_text(changed)),
                                                                policy)}
        test = olds.get(finding.file, {}).get(finding.evidence.get("test", ""))
        called = {last_name(n.func) for n in walk_own(test.node) if isinstance(n, ast.Call)} \
            if test else set()
        went = sorted(gone[name] for name in called if name in gone)
        if not went:
            out.append(finding)
            continue
        out.append(dataclasses.replace(
            finding, severity="low",
            title=finding.title if finding.title.endswith(" with the code it tested")
            else finding.title + " (the code it tested was deleted too)",
            evidence={**finding.evidence, "code_deleted": went,
                      "why": "the code this test called was deleted in the same change, so the "
                             "test went with the feature; check nothing else relied on it"}))
    return out


def deleted_code(change: Change, sources: Sources, policy: SmellPolicy) -> dict[str, str]:
    """Functions and classes of non-test Python files that exist at base and nowhere in the
    change's files at head: name -> "path: qualname"."""
    before: dict[str, str] = {}
    after: set[str] = set()
    for f in change.files:
        if f.binary or not is_python(f.path) or policy.layout.is_test_file(f.path):
            continue
        for name, qual in _defs(parse(sources.old_text(f))):
            before.setdefault(name, f"{f.old_path or f.path}: {qual}")
        after |= {name for name, _ in _defs(parse(sources.new_text(f)))}
    return {name: where for name, where in before.items() if name not in after}


def _defs(tree: ast.Module | None) -> list[tuple[str, str]]:
    if tree is None:
        return []
    found = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.append((node.name, prefix + node.name))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return found
