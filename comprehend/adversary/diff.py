"""A change as the adversary sees it: files, their status, and the exact lines added or
removed, parsed from `git diff` output (git.py runs git)."""

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


# --- Parsing `git diff` output (git.diff_patch: a/ b/ prefixes, zero context) ---

_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            '"': '"', "\\": "\\"}


def _unquote(raw: str) -> str:
    """A path as git prints it: C-quoted (octal bytes, \\n, \\") when it has odd characters."""
    if not (len(raw) >= 2 and raw[0] == raw[-1] == '"'):
        return raw
    out = bytearray()
    body, i = raw[1:-1], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567":
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out += _ESCAPES.get(nxt, nxt).encode()
            i += 2
            continue
        out += ch.encode("utf-8", "surrogateescape")
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _strip_prefix(path: str, prefix: str) -> str:
    return path[len(prefix):] if path.startswith(prefix) else path


def _header_path(line: str, marker: str, prefix: str) -> str | None:
    raw = line[len(marker):].rstrip("\n")
    # git appends a tab after names that contain a space, so the line ends unambiguously
    raw = raw[:-1] if raw.endswith("\t") else raw
    if raw == "/dev/null":
        return None
    return _strip_prefix(_unquote(raw), prefix)


def _paths_from_diff_git(rest: str) -> tuple[str, str]:
    """`a/X b/Y` from a `diff --git` line, for entries without ---/+++ lines (binary, mode
    only). Unquoted names with spaces are only unambiguous when X == Y: split in the middle."""
    if rest.startswith('"'):
        end = rest.index('" ', 1) + 1
        old, new = rest[:end], rest[end + 1 :]
    else:
        half = (len(rest) - 1) // 2
        if rest[half] == " " and rest[:half][2:] == rest[half + 1 :][2:]:
            old, new = rest[:half], rest[half + 1 :]
        else:
            old, _, new = rest.partition(" b/")
            new = "b/" + new
    return _strip_prefix(_unquote(old), "a/"), _strip_prefix(_unquote(new), "b/")


class _FileBuilder:
    def __init__(self, old: str, new: str) -> None:
        self.old_path: str | None = old
        self.path: str = new
        self.status: FileStatus = "modified"
        self.binary = False
        self.hunks: list[Hunk] = []
        self._hunk: list | None = None  # [old_start, old_lines, new_start, new_lines, added, removed, o, n]

    def start_hunk(self, line: str) -> None:
        self.end_hunk()
        ranges = line.split("@@")[1].split()
        old, new = ranges[0][1:], ranges[1][1:]
        o_start, _, o_len = old.partition(",")
        n_start, _, n_len = new.partition(",")
        self._hunk = [int(o_start), int(o_len or 1), int(n_start), int(n_len or 1), [], [],
                      int(o_start), int(n_start)]

    def hunk_line(self, line: str) -> bool:
        h = self._hunk
        if h is None:
            return False
        text = line[1:].rstrip("\n")
        if line.startswith("+"):
            h[4].append((h[7], text))
            h[7] += 1
        elif line.startswith("-"):
            h[5].append((h[6], text))
            h[6] += 1
        elif line.startswith(" "):
            h[6] += 1
            h[7] += 1
        elif not line.startswith("\\"):  # "\ No newline at end of file" belongs to the hunk
            return False
        return True

    def end_hunk(self) -> None:
        if self._hunk is not None:
            h = self._hunk
            self.hunks.append(Hunk(h[0], h[1], h[2], h[3], tuple(h[4]), tuple(h[5])))
            self._hunk = None

    def build(self) -> ChangedFile:
        self.end_hunk()
        if self.status == "deleted":
            self.path = self.old_path or self.path
        return ChangedFile(
            path=self.path,
            old_path=None if self.status == "added" else self.old_path,
            status=self.status,
            binary=self.binary,
            hunks=tuple(self.hunks),
        )


def parse_patch(data: bytes) -> tuple[ChangedFile, ...]:
    """The files of a `git diff` patch, in the order git printed them. A path that appears
    once deleted and once added (a file became a symlink, say) is one type-changed entry."""
    text = data.decode("utf-8", "surrogateescape")
    files: list[ChangedFile] = []
    current: _FileBuilder | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("diff --git "):
            if current is not None:
                files.append(current.build())
            old, new = _paths_from_diff_git(line[len("diff --git "):].rstrip("\n"))
            current = _FileBuilder(old, new)
            continue
        if current is None:
            continue
        if current.hunk_line(line):
            continue
        if line.startswith("@@ "):
            current.start_hunk(line)
        elif line.startswith("new file mode"):
            current.status = "added"
        elif line.startswith("deleted file mode"):
            current.status = "deleted"
        elif line.startswith("rename from "):
            current.status, current.old_path = "renamed", _unquote(line[12:].rstrip("\n"))
        elif line.startswith("rename to "):
            current.path = _unquote(line[10:].rstrip("\n"))
        elif line.startswith("copy from "):
            current.status, current.old_path = "copied", _unquote(line[10:].rstrip("\n"))
        elif line.startswith("copy to "):
            current.path = _unquote(line[8:].rstrip("\n"))
        elif line.startswith("--- "):
            old = _header_path(line, "--- ", "a/")
            if old is not None:
                current.old_path = old
        elif line.startswith("+++ "):
            new = _header_path(line, "+++ ", "b/")
            if new is not None:
                current.path = new
        elif line.startswith("Binary files ") or line.startswith("GIT binary patch"):
            current.binary = True
    if current is not None:
        files.append(current.build())
    return _merge_type_changes(files)


def _merge_type_changes(files: list[ChangedFile]) -> tuple[ChangedFile, ...]:
    merged: list[ChangedFile] = []
    for f in files:
        prev = merged[-1] if merged else None
        if (prev is not None and prev.path == f.path and prev.status == "deleted"
                and f.status == "added"):
            merged[-1] = ChangedFile(path=f.path, old_path=prev.path, status="type-changed",
                                     binary=prev.binary or f.binary, hunks=prev.hunks + f.hunks)
        else:
            merged.append(f)
    return tuple(merged)
