"""Reading the change under review from git: base..head (from their merge base, as a pull
request sees it) or the working tree against HEAD, with the text of each changed file on
both sides."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from comprehend import git
from comprehend.adversary.diff import Change, ChangedFile, Hunk, parse_patch
from comprehend.errors import UserError
from comprehend.git import Repository

# Files larger than this are not read as text (generated data, lock files, vendored blobs).
MAX_TEXT_BYTES = 2_000_000


@dataclass(frozen=True)
class ChangeSpec:
    """What the user asked to review, resolved to commits."""

    base_ref: str  # as typed, or "HEAD" for the working tree
    base: str  # the merge base the diff starts at
    head_ref: str | None  # None: the working tree
    head: str | None


def resolve_spec(repo: Repository, base: str | None, head: str | None) -> ChangeSpec:
    if base is None:
        if head is not None:
            raise UserError(f"--head {head}: pass --base REF too (without --base, check reviews "
                            "the working tree against HEAD)")
        return ChangeSpec("HEAD", repo.head, None, None)
    base_sha = git.resolve_ref(repo, base, option="--base")
    head_sha = git.resolve_ref(repo, head or "HEAD", option="--head")
    start = git.merge_base(repo, base_sha, head_sha)
    return ChangeSpec(base, start, head or "HEAD", head_sha)


def read_change(repo: Repository, spec: ChangeSpec) -> Change:
    files = list(parse_patch(git.diff_patch(repo, spec.base, spec.head)))
    if spec.head is None:
        files += [_untracked(repo, path) for path in git.untracked_files(repo)]
    return Change(base=spec.base, head=spec.head, files=tuple(files))


def _untracked(repo: Repository, path: str) -> ChangedFile:
    """A new file not yet added: all of its lines are added lines."""
    data = _read_worktree(repo, path)
    if data is None or _is_binary(data):
        return ChangedFile(path=path, old_path=None, status="added", binary=True)
    lines = data.decode("utf-8", "replace").splitlines()
    hunk = Hunk(0, 0, 1, len(lines), added=tuple(enumerate(lines, start=1)))
    return ChangedFile(path=path, old_path=None, status="added", hunks=(hunk,) if lines else ())


def _read_worktree(repo: Repository, path: str) -> bytes | None:
    target = repo.root / path
    try:
        if target.is_symlink() or not target.is_file() or target.stat().st_size > MAX_TEXT_BYTES:
            return None
        return target.read_bytes()
    except OSError:
        return None


def _is_binary(data: bytes) -> bool:
    return b"\0" in data[:8000]


@dataclass
class Sources:
    """The text of the change's files at base and at head (None: absent, binary or too big).
    Everything is read in two `git cat-file --batch` calls when first asked for."""

    repo: Repository
    change: Change
    _old: dict[str, str | None] = field(default_factory=dict)
    _new: dict[str, str | None] = field(default_factory=dict)
    _loaded: bool = False

    def old_text(self, f: ChangedFile) -> str | None:
        self._load()
        return self._old.get(f.old_path) if f.old_path else None

    def new_text(self, f: ChangedFile) -> str | None:
        self._load()
        return None if f.status == "deleted" else self._new.get(f.path)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        text_files = [f for f in self.change.files if not f.binary]
        olds = {f.old_path for f in text_files if f.old_path}
        self._old = _blobs_as_text(self.repo, self.change.base, olds)
        news = {f.path for f in text_files if f.status != "deleted"}
        if self.change.head is None:
            self._new = {p: _as_text(_read_worktree(self.repo, p)) for p in news}
        else:
            self._new = _blobs_as_text(self.repo, self.change.head, news)


def _blobs_as_text(repo: Repository, rev: str, paths: set[str]) -> dict[str, str | None]:
    # cat-file --batch reads one object name per line: a path with a newline cannot be named.
    named = {f"{rev}:{p}": p for p in paths if "\n" not in p}
    blobs = git.read_blobs(repo, list(named))
    return {path: _as_text(blobs.get(spec)) for spec, path in named.items()}


def _as_text(data: bytes | None) -> str | None:
    if data is None or len(data) > MAX_TEXT_BYTES or _is_binary(data):
        return None
    return data.decode("utf-8", "replace")


@dataclass(frozen=True)
class SuiteLayout:
    """Which files are tests, from the `[tests]` table of adversary/smells.toml."""

    file_names: tuple[str, ...]
    dir_names: tuple[str, ...]

    def is_test_file(self, path: str) -> bool:
        p = PurePosixPath(path)
        if any(fnmatch.fnmatchcase(p.name, pattern) for pattern in self.file_names):
            return True
        return p.suffix != "" and any(part in self.dir_names for part in p.parts[:-1])


def is_python(path: str) -> bool:
    return path.endswith((".py", ".pyi"))
