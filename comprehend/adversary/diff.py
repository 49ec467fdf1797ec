"""A change as the adversary sees it: files, their status, and the exact lines added or
removed, parsed from `git diff` output (history/git.py runs git)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FileStatus = Literal["added", "modified", "deleted", "renamed", "copied", "type-changed"]


@dataclass(frozen=True)
class Hunk:
    old_start: int
    old_lines: int
    new_start: int
    new_lines: int
    # (line number in the new file, text) for added lines; (line number in the old file,
    # text) for removed lines.
    added: tuple[tuple[int, str], ...] = ()
    removed: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ChangedFile:
    path: str  # path in head (for a deletion: the old path)
    old_path: str | None  # path in base (None when added)
    status: FileStatus
    binary: bool = False
    hunks: tuple[Hunk, ...] = field(default=())

    @property
    def added_lines(self) -> frozenset[int]:
        return frozenset(n for h in self.hunks for n, _ in h.added)

    @property
    def removed_lines(self) -> frozenset[int]:
        return frozenset(n for h in self.hunks for n, _ in h.removed)


@dataclass(frozen=True)
class Change:
    """base..head, or the working tree against HEAD when head is None."""

    base: str  # commit sha
    head: str | None  # commit sha, or None for the working tree
    files: tuple[ChangedFile, ...]
