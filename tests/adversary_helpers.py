"""Helpers for the adversary's tests: a change between two commits of a real repository."""

from __future__ import annotations

import textwrap

from gitrepo import GitRepo

from comprehend.adversary.changes import ChangeSpec, Sources, read_change
from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.adversary.links import changed_code
from comprehend.adversary.pytests import load_smell_policy
from comprehend.adversary.rewrites import find_rewrites
from comprehend.adversary.rules import RULES, apply_severities
from comprehend.adversary.smells import find_smells
from comprehend.git import open_repository

POLICY, _ = load_smell_policy(None)
DEFAULTS = {rule_id: rule.severity for rule_id, rule in RULES.items()}


def commit_files(repo: GitRepo, files: dict[str, str | None], message: str = "change") -> str:
    """Write (or, for None, delete) files and commit them."""
    for rel, text in files.items():
        if text is None:
            (repo.path / rel).unlink()
        else:
            repo.write(rel, text)
    return repo.commit(message)


def change_between(repo: GitRepo, base: str, head: str | None) -> tuple[Change, Sources]:
    opened = open_repository(repo.path)
    spec = ChangeSpec(base, base, head, head)
    change = read_change(opened, spec)
    return change, Sources(opened, change)


def two_commits(repo: GitRepo, before: dict[str, str], after: dict[str, str | None]) -> tuple[Change, Sources]:
    base = commit_files(repo, before, "before")
    head = commit_files(repo, after, "after")
    return change_between(repo, base, head)


def static(repo: GitRepo, before: dict, after: dict) -> list[Finding]:
    """The test-integrity rules `comprehend check --no-exec` runs, on HEAD~1..HEAD, at their
    default severities (file texts are dedented)."""
    before = {path: textwrap.dedent(text) for path, text in before.items()}
    after = {path: None if text is None else textwrap.dedent(text) for path, text in after.items()}
    change, sources = two_commits(repo, before, after)
    code = changed_code(change, sources, POLICY.layout, None)
    found = find_smells(change, sources, POLICY) + find_rewrites(change, sources, POLICY, code)
    return apply_severities(found, DEFAULTS)


def where(findings: list[Finding]) -> list[tuple[str, str, str, int]]:
    return [(f.rule, f.severity, f.file, f.start_line) for f in findings]
