"""Helpers for the adversary's tests: a change between two commits of a real repository."""

from __future__ import annotations

from gitrepo import GitRepo

from comprehend.adversary.changes import ChangeSpec, Sources, read_change
from comprehend.adversary.diff import Change
from comprehend.git import open_repository


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
