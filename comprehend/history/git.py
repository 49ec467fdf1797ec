"""The only module that runs git. Reads only: nothing here writes a ref, the index,
the working tree, a stash or a hook (except `init_repository`/`commit` used by the demo
builder and tests, which write into folders they created)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from comprehend.errors import RepositoryError

# Deterministic output whatever the user's config says: no pager, no colour, C locale,
# no replace refs, no optional locks (so `git status` never rewrites the index).
_ENV_OVERRIDES = {
    "GIT_PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "LC_ALL": "C",
    "GIT_NO_REPLACE_OBJECTS": "1",
}


class GitFailed(RepositoryError):
    """git exited non-zero; the message carries its first stderr line."""


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(_ENV_OVERRIDES)
    if extra:
        env.update(extra)
    return env


def run_git(
    args: Sequence[str],
    cwd: Path | str,
    *,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", "color.ui=never", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            env=git_env(env),
        )
    except FileNotFoundError as exc:
        raise RepositoryError("git is not installed or not on PATH; install git") from exc
    if check and proc.returncode != 0:
        first = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = first[0] if first else f"exit code {proc.returncode}"
        raise GitFailed(f"git {' '.join(args[:2])} failed in {cwd}: {reason}")
    return proc


def git_text(args: Sequence[str], cwd: Path | str, **kwargs) -> str:
    return run_git(args, cwd, **kwargs).stdout.decode("utf-8", "replace")


def stream_git(args: Sequence[str], cwd: Path | str) -> Iterator[bytes]:
    """Lines of a long-running git command's stdout, as they come (one process, no buffering
    of the whole output). The process is killed if the consumer stops early."""
    proc = subprocess.Popen(
        ["git", "-c", "core.quotepath=off", "-c", "color.ui=never", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=git_env(),
    )
    assert proc.stdout is not None
    try:
        yield from proc.stdout
        proc.wait()
        if proc.returncode != 0:
            err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()  # type: ignore[union-attr]
            reason = err[0] if err else f"exit code {proc.returncode}"
            raise GitFailed(f"git {' '.join(args[:2])} failed in {cwd}: {reason}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()


@dataclass(frozen=True)
class Repository:
    """A git repository with a work tree and at least one commit."""

    root: Path  # top of the work tree
    git_dir: Path  # this work tree's git dir (differs from common_dir in a linked worktree)
    common_dir: Path  # shared git dir: where the store lives, so worktrees share it
    head: str  # sha of HEAD
    branch: str | None  # None when HEAD is detached
    shallow: bool

    def default_store_path(self) -> Path:
        return self.common_dir / "comprehend" / "comprehend.db"


def open_repository(path: Path | str) -> Repository:
    """Resolve `path` (the repository or any folder inside it) to its Repository,
    or raise one clear RepositoryError for each way it cannot be used."""
    start = Path(path).expanduser()
    if not start.exists():
        raise RepositoryError(f"{start}: no such folder; pass the path of a git repository")
    if start.is_file():
        start = start.parent
    probe = run_git(
        ["rev-parse", "--is-bare-repository", "--is-inside-work-tree", "--absolute-git-dir",
         "--git-common-dir", "--show-toplevel"],
        start,
        check=False,
    )
    if probe.returncode != 0:
        if b"not a git repository" in probe.stderr:
            raise RepositoryError(
                f"{start.resolve()}: not a git repository; run inside one or pass its path"
            )
        msg = probe.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RepositoryError(f"{start.resolve()}: git cannot read it: {msg[0] if msg else '?'}")
    lines = probe.stdout.decode("utf-8", "replace").splitlines()
    if lines[0] == "true":
        raise RepositoryError(
            f"{start.resolve()}: a bare repository has no work tree; clone it "
            f"(git clone {start.resolve()} DIR) and run comprehend in DIR"
        )
    if lines[1] != "true":
        raise RepositoryError(
            f"{start.resolve()}: inside the git dir, not the work tree; run in the work tree"
        )
    git_dir = Path(lines[2])
    common = Path(lines[3])
    if not common.is_absolute():
        common = (start / common).resolve()
    root = Path(lines[4])
    head = run_git(["rev-parse", "--verify", "-q", "HEAD^{commit}"], root, check=False)
    if head.returncode != 0:
        raise RepositoryError(f"{root}: the repository has no commits yet; commit something first")
    branch = run_git(["symbolic-ref", "-q", "--short", "HEAD"], root, check=False)
    shallow = git_text(["rev-parse", "--is-shallow-repository"], root).strip() == "true"
    return Repository(
        root=root,
        git_dir=git_dir,
        common_dir=common.resolve(),
        head=head.stdout.decode().strip(),
        branch=branch.stdout.decode().strip() or None if branch.returncode == 0 else None,
        shallow=shallow,
    )


def resolve_ref(repo: Repository, ref: str, *, option: str = "ref") -> str:
    """The commit sha `ref` names, or a RepositoryError naming the option."""
    proc = run_git(["rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}"],
                   repo.root, check=False)
    if proc.returncode != 0:
        hint = " (this is a shallow clone: fetch with fetch-depth: 0)" if repo.shallow else ""
        raise RepositoryError(f"{option} {ref!r}: no such commit in {repo.root}{hint}")
    return proc.stdout.decode().strip()


@dataclass(frozen=True)
class TrackedFile:
    path: str  # repository-relative, forward slashes
    blob: str  # blob sha at the given revision
    mode: str  # 100644, 100755, 120000 (symlink), 160000 (submodule)
    size: int  # bytes; -1 for submodules


def list_files(repo: Repository, rev: str = "HEAD") -> list[TrackedFile]:
    """Every file in the tree of `rev`, with its blob sha and size, from one `git ls-tree`."""
    out = run_git(["ls-tree", "-r", "-z", "--long", "--full-tree", rev], repo.root).stdout
    files: list[TrackedFile] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, _kind, blob, size = meta.split()
        files.append(
            TrackedFile(
                path=name.decode("utf-8", "surrogateescape"),
                blob=blob.decode(),
                mode=mode.decode(),
                size=int(size) if size != b"-" else -1,
            )
        )
    return files


def read_blobs(repo: Repository, blobs: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs through one `git cat-file --batch` process."""
    if not blobs:
        return {}
    proc = run_git(["cat-file", "--batch"], repo.root, input=("\n".join(blobs) + "\n").encode())
    data = proc.stdout
    result: dict[str, bytes] = {}
    pos = 0
    for sha in blobs:
        header_end = data.index(b"\n", pos)
        header = data[pos:header_end].split()
        if len(header) < 3 or header[1] == b"missing":
            pos = header_end + 1
            continue
        size = int(header[2])
        start = header_end + 1
        result[sha] = data[start : start + size]
        pos = start + size + 1
    return result


def init_repository(path: Path, env: dict[str, str] | None = None) -> None:
    """Create a new repository (used by the demo builder and tests, in folders they own)."""
    path.mkdir(parents=True, exist_ok=True)
    run_git(["init", "-q", "-b", "main", str(path)], path, env=env)


def commit_all(path: Path, message: str, env: dict[str, str]) -> str:
    """Stage everything in `path` and commit it with the identity and dates in `env`."""
    run_git(["add", "-A"], path, env=env)
    run_git(["-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-F", "-"],
            path, input=message.encode(), env=env)
    return git_text(["rev-parse", "HEAD"], path).strip()
