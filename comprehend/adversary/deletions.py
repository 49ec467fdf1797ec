"""`deleted-test` when the code under test went too: a deleted test that used a function,
class or attribute the change also deleted (gone from every changed file at head) is a
feature removed with its tests, reported low with the deleted code named. A test uses a name
by calling it, reading it as an attribute, or naming it in a string (a migration deleted
from `_migrations` by its name)."""

from __future__ import annotations

import ast
import dataclasses
import re

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
        used = names_used(test) if test else set()
        went = sorted(gone[name] for name in used if name in gone)
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


# A word in a string that may name code: snake_case or CamelCase, not an ordinary word.
_CODE_WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b|\b[A-Z][a-z0-9]+[A-Z]\w*\b")


def names_used(test: PyTestFunction) -> set[str]:
    """What a test uses: the names it calls, the attributes it reads, and code-like words in
    its strings."""
    used: set[str] = set()
    for n in walk_own(test.node):
        if isinstance(n, ast.Call):
            used.add(last_name(n.func))
        elif isinstance(n, ast.Attribute):
            used.add(n.attr)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            used |= set(_CODE_WORD.findall(n.value))
    return used


def deleted_code(change: Change, sources: Sources, policy: SmellPolicy) -> dict[str, str]:
    """Functions, classes and attributes (`self.x = ...`) of non-test Python files that
    exist at base and nowhere in the change's files at head: name -> "path: qualname"."""
    before: dict[str, str] = {}
    after: set[str] = set()
    properties: dict[str, tuple[str, str]] = {}  # qualname of a property at base -> (name, where)
    still_properties: set[str] = set()  # qualnames
    methods: set[str] = set()  # qualnames of functions at head
    for f in change.files:
        if f.binary or not is_python(f.path) or policy.layout.is_test_file(f.path):
            continue
        old, new = parse(sources.old_text(f)), parse(sources.new_text(f))
        where = f.old_path or f.path
        for name, qual in _defs(old) + _attributes(old):
            before.setdefault(name, f"{where}: {qual}")
        for name, qual in _properties(old):
            properties.setdefault(qual, (name, f"{where}: {qual} (a property, now a method)"))
        after |= _identifiers(new)
        still_properties |= {qual for _, qual in _properties(new)}
        methods |= {qual for _, qual in _defs(new)}
    gone = {name: where for name, where in before.items() if name not in after}
    # a property that became a method: what a test read as an attribute is gone (by name:
    # which class's attribute a test reads is not known without types)
    for qual, (name, where) in properties.items():
        if qual not in still_properties and qual in methods:
            gone.setdefault(name, where)
    return gone


def _properties(tree: ast.Module | None) -> list[tuple[str, str]]:
    return [(node.name, qual) for qual, node in _walk_defs(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and any(last_name(d) == "property" for d in node.decorator_list)]


def _attributes(tree: ast.Module | None) -> list[tuple[str, str]]:
    """Attributes the module assigns (`self._count = 0`, `response.x = y`)."""
    if tree is None:
        return []
    return [(n.attr, f"attribute .{n.attr}") for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)]


def _identifiers(tree: ast.Module | None) -> set[str]:
    """Every name a module defines or mentions (a def, a name, an attribute, a string that
    is one): what is not among them is gone from it."""
    if tree is None:
        return set()
    found: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(n.name)
        elif isinstance(n, ast.Name):
            found.add(n.id)
        elif isinstance(n, ast.Attribute):
            found.add(n.attr)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            found |= set(_CODE_WORD.findall(n.value))
    return found


def _defs(tree: ast.Module | None) -> list[tuple[str, str]]:
    return [(node.name, qual) for qual, node in _walk_defs(tree)]


def _walk_defs(tree: ast.Module | None) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]]:
    """(qualname, node) of every function, class and method, classes entered."""
    if tree is None:
        return []
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.append((prefix + node.name, node))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return found
