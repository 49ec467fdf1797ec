"""The only module that runs git. Reads only: nothing here writes a ref, the index,
the working tree, a stash or a hook (except `init_repository`/`commit` used by the demo
builder and tests, which write into folders they created)."""

from __future__ import annotations

import os
import re
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
    """git exited non-zero; the message carries its first stderr line (`reason`)."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


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
        raise GitFailed(f"git {' '.join(args[:2])} failed in {cwd}: {reason}", reason)
    return proc


def git_text(args: Sequence[str], cwd: Path | str, **kwargs) -> str:
    return run_git(args, cwd, **kwargs).stdout.decode("utf-8", "replace")


def stream_git(args: Sequence[str], cwd: Path | str) -> Iterator[bytes]:
    """Lines of a long-running git command's stdout (without their newline), as they come:
    one process, never the whole output in memory; killed if the consumer stops early."""
    return stream_records(args, cwd, separator=b"\n")


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
    # --show-toplevel fails in a bare repository, so ask about bareness first, alone.
    bare = run_git(["rev-parse", "--is-bare-repository"], start, check=False)
    if bare.returncode == 0 and bare.stdout.strip() == b"true":
        raise RepositoryError(
            f"{start.resolve()}: a bare repository has no work tree; clone it "
            f"(git clone {start.resolve()} DIR) and run comprehend in DIR"
        )
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
                size=int(size) if size.isdigit() else -1,  # "-": a tree; "BAD": blob absent (partial clone)
            )
        )
    return files


def read_blobs(repo: Repository, blobs: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs through one `git cat-file --batch` process."""
    return dict(iter_blobs(repo, blobs))


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


# --- Reading a change for the adversary (`comprehend check`) ---------------------------

# Flags that pin `git diff` output whatever the user's config says: fixed a/ b/ prefixes,
# no external diff or textconv drivers, paths from the top, renames detected, no context.
_PATCH_FLAGS = [
    "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "--find-renames",
    "--src-prefix=a/", "--dst-prefix=b/", "--unified=0", "--submodule=short",
]


def merge_base(repo: Repository, base: str, head: str) -> str:
    """The commit a change from `base` to `head` starts at (the fork point, as a pull request
    sees it), or a RepositoryError saying how to get the missing history."""
    proc = run_git(["merge-base", base, head], repo.root, check=False)
    if proc.returncode != 0:
        if repo.shallow:
            raise RepositoryError(
                f"--base {base[:12]}: no common history with {head[:12]} in this shallow clone; "
                "fetch the full history (actions/checkout with fetch-depth: 0)"
            )
        raise RepositoryError(
            f"--base {base[:12]}: no common history with {head[:12]}; pass a --base on the same history"
        )
    return proc.stdout.decode().strip()


def diff_patch(repo: Repository, base: str, head: str | None) -> bytes:
    """The unified diff (zero context) from commit `base` to commit `head`, or to the
    working tree (staged and unstaged) when `head` is None. Reads only: no index refresh."""
    revs = [base] if head is None else [base, head]
    return run_git(["diff", *_PATCH_FLAGS, *revs, "--"], repo.root).stdout


def untracked_files(repo: Repository) -> list[str]:
    """Files in the working tree that git does not track and does not ignore."""
    out = run_git(["ls-files", "--others", "--exclude-standard", "-z"], repo.root).stdout
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def commits_with_files(repo: Repository, base: str, head: str) -> dict[str, tuple[str, ...]]:
    """Each commit in base..head (merges excluded) -> the paths it touched in head's names."""
    out = run_git(["log", "--no-merges", "--find-renames", "--format=%x01%H", "--name-only",
                   "-z", f"{base}..{head}", "--"], repo.root).stdout
    result: dict[str, tuple[str, ...]] = {}
    for chunk in out.split(b"\x01"):
        if not chunk.strip(b"\0\n"):
            continue
        sha, _, rest = chunk.partition(b"\0")
        paths = [p.strip(b"\n") for p in rest.split(b"\0")]
        result[sha.decode().strip()] = tuple(
            p.decode("utf-8", "surrogateescape") for p in paths if p
        )
    return result


def current_identity(repo: Repository) -> str | None:
    """Who runs comprehend here, as git knows them: `Name <email>`, or None if unset."""
    name = git_text(["config", "user.name"], repo.root, check=False).strip()
    email = git_text(["config", "user.email"], repo.root, check=False).strip()
    if not (name or email):
        return None
    return f"{name} <{email}>" if name and email else name or email


def user_email(repo: Repository) -> str | None:
    """git's user.email here (repository, then global config: who acknowledges a finding,
    who answers a quiz), or None when unset."""
    return git_text(["config", "user.email"], repo.root, check=False).strip() or None


# --- Commit log for the review's Overview (comprehend/overview.py) ----------------------


@dataclass(frozen=True)
class CommitSummary:
    sha: str
    author_name: str  # as .mailmap maps it
    author_email: str
    authored_at: str  # ISO 8601 with the author's own offset, e.g. 2026-09-01T09:12:00+02:00
    subject: str


def commit_summaries(repo: Repository, rev: str = "HEAD") -> Iterator[CommitSummary]:
    """Every commit reachable from `rev`, newest first, from one streamed `git log`."""
    # One record per line: a subject never holds a newline, and \x1f never occurs in names.
    fmt = "--format=%H%x1f%aN%x1f%aE%x1f%aI%x1f%s"
    for line in stream_git(["log", "--no-show-signature", fmt, rev, "--"], repo.root):
        fields = line.decode("utf-8", "replace").split("\x1f")
        if len(fields) == 5:
            yield CommitSummary(*fields)


# --- Reading history for AI attribution (comprehend blame, scan) -------------------------

# One field per commit in `git log -z` output: fields split by \x1f, commits by NUL.
LOG_FIELDS = ("sha", "parents", "author", "email", "committer", "committer_email",
              "committed_at", "message")
_LOG_FORMAT = "%H%x1f%P%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%ct%x1f%B"


def stream_records(args: Sequence[str], cwd: Path | str, separator: bytes = b"\0") -> Iterator[bytes]:
    """Records of a long-running git command's stdout split on `separator`, read in large
    chunks (one process; far fewer Python iterations than line by line)."""
    proc = subprocess.Popen(
        ["git", "-c", "core.quotepath=off", "-c", "color.ui=never", *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=git_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        pending = b""
        while chunk := proc.stdout.read(1 << 20):
            parts = (pending + chunk).split(separator)
            pending = parts.pop()
            yield from parts
        if pending:
            yield pending
        err = proc.stderr.read()
        proc.wait()
        if proc.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            reason = lines[0] if lines else f"exit code {proc.returncode}"
            raise GitFailed(f"git {' '.join(args[:2])} failed in {cwd}: {reason}", reason)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def log_commits(repo: Repository, revisions: Sequence[str], *, walk: bool = True) -> Iterator[list[str]]:
    """Every commit `git log REVISIONS` walks, newest first, as LOG_FIELDS strings, from
    one streamed process. Revisions are git's (a range "A..B", "^A", shas); with
    walk=False, only the commits named."""
    no_walk = [] if walk else ["--no-walk=unsorted"]
    args = ["log", *no_walk, "--no-show-signature", "--encoding=UTF-8", "-z",
            f"--format={_LOG_FORMAT}", "--end-of-options", *revisions, "--"]
    for record in stream_records(args, repo.root):
        if record:
            yield record.decode("utf-8", "replace").split("\x1f", 7)


def commit_line_counts(repo: Repository, shas: Sequence[str]) -> dict[str, int]:
    """Lines added plus deleted by each commit (against its first parent)."""
    if not shas:
        return {}
    proc = run_git(["log", "--no-walk=unsorted", "--stdin", "--no-show-signature",
                    "--format=%x00%H", "--shortstat"], repo.root,
                   input=("\n".join(shas) + "\n").encode())
    counts: dict[str, int] = {}
    for record in proc.stdout.decode("utf-8", "replace").split("\0"):
        lines = record.strip().splitlines()
        if not lines:
            continue
        stat = " ".join(lines[1:])
        counts[lines[0]] = sum(int(n) for n in re.findall(r"(\d+) (?:insertion|deletion)", stat))
    return counts


def blame_incremental(repo: Repository, rev: str, path: str, ignore_revs: Sequence[str] = (),
                      since: str | None = None) -> bytes:
    """`git blame --incremental -M -C` of `path` at `rev`: each line's origin commit, line
    and path there. With --root no root commit is a `boundary`, not even where a shallow
    clone cut the history (see shallow_commits); with `since`, lines older than that
    commit come out as `boundary` lines. The user's blame.ignoreRevsFile is replaced by
    `ignore_revs`, which must all be commits. Uses comprehend's commit-graph if written."""
    args = ["-c", "blame.ignoreRevsFile=", "--literal-pathspecs", "blame", "--incremental",
            "--root", "-M", "-C"]
    for sha in ignore_revs:
        args += ["--ignore-rev", sha]
    revision = f"{since}..{rev}" if since else rev
    return run_git([*args, revision, "--", path], repo.root, env=_commit_graph_env(repo)).stdout


def existing_commits(repo: Repository, names: Sequence[str]) -> dict[str, str]:
    """name -> full sha for each name that is a commit here; others are left out."""
    if not names:
        return {}
    proc = run_git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], repo.root,
                   input=("\n".join(f"{n}^{{commit}}" for n in names) + "\n").encode())
    found: dict[str, str] = {}
    for name, line in zip(names, proc.stdout.decode().splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 2 and parts[1] == "commit":
            found[name] = parts[0]
    return found


def ref_sha(repo: Repository, ref: str) -> str | None:
    """The object a ref points at, or None when there is no such ref."""
    proc = run_git(["rev-parse", "-q", "--verify", "--end-of-options", ref], repo.root, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode().strip() or None


def list_notes(repo: Repository, ref: str) -> list[tuple[str, str]]:
    """(note blob, annotated commit) pairs under a notes ref; nothing if there is no ref.
    Reads only: no fetch, no write."""
    if ref_sha(repo, ref) is None:
        return []
    out = git_text(["notes", f"--ref={ref}", "list"], repo.root)
    pairs = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2:
            pairs.append((parts[0], parts[1]))
    return pairs


def paths_at(repo: Repository, rev: str, paths: Sequence[str]) -> dict[str, TrackedFile]:
    """The given paths as tracked in `rev` (paths not there, or folders, are left out)."""
    if not paths:
        return {}
    out = run_git(["--literal-pathspecs", "ls-tree", "-z", "--long", "--full-tree", rev, "--",
                   *paths], repo.root).stdout
    wanted = set(paths)
    found: dict[str, TrackedFile] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, blob, size = meta.split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == b"blob" and path in wanted:
            found[path] = TrackedFile(path, blob.decode(), mode.decode(),
                                      int(size) if size.isdigit() else -1)
    return found


def files_under(repo: Repository, rev: str, folders: Sequence[str]) -> list[TrackedFile]:
    """Every file tracked in `rev` under the given repository-relative folders."""
    if not folders:
        return []
    out = run_git(["--literal-pathspecs", "ls-tree", "-r", "-z", "--long", "--full-tree", rev,
                   "--", *folders], repo.root).stdout
    found: list[TrackedFile] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, blob, size = meta.split()
        if kind == b"blob":
            found.append(TrackedFile(name.decode("utf-8", "surrogateescape"), blob.decode(),
                                     mode.decode(), int(size) if size != b"-" else -1))
    return found


def line_commits(repo: Repository, rev: str, path: str) -> dict[int, str]:
    """Line number -> the commit that last wrote that line of `path` as it is in `rev`
    (plain `git blame`: no move or copy detection, so a copied line belongs to whoever
    pasted it). {} when the file is not in `rev`."""
    proc = run_git(["--literal-pathspecs", "blame", "--porcelain", "--root", rev, "--", path],
                   repo.root, check=False)
    if proc.returncode != 0:
        return {}
    found: dict[int, str] = {}
    for raw in proc.stdout.split(b"\n"):
        parts = raw.split(b" ")
        if len(parts) in (3, 4) and len(parts[0]) >= 40 and parts[1].isdigit() \
                and parts[2].isdigit() and all(c in b"0123456789abcdef" for c in parts[0]):
            found[int(parts[2])] = parts[0].decode()
    return found


def text_line_counts(repo: Repository, rev: str) -> dict[str, int | None]:
    """Lines of every file in `rev`'s tree; None for files git treats as binary."""
    empty_tree = run_git(["hash-object", "-t", "tree", "--stdin"], repo.root, input=b"").stdout
    out = run_git(["diff", "--no-ext-diff", "--no-textconv", "--no-renames", "--numstat", "-z",
                   empty_tree.decode().strip(), rev, "--"], repo.root).stdout
    counts: dict[str, int | None] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        added, _deleted, path = record.split(b"\t", 2)
        counts[path.decode("utf-8", "surrogateescape")] = None if added == b"-" else int(added)
    return counts


def promisor_remote(repo: Repository) -> str | None:
    """The remote a partial clone (`git clone --filter=...`) fetches missing objects from,
    or None for a complete repository."""
    # older clones record extensions.partialClone; newer ones remote.<name>.promisor = true
    name = git_text(["config", "--get", "extensions.partialClone"], repo.root, check=False).strip()
    if name:
        return name
    out = git_text(["config", "--get-regexp", r"^remote\..*\.promisor$"], repo.root, check=False)
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        if value.strip().lower() in ("true", "yes", "on", "1"):
            return key[len("remote."):-len(".promisor")]
    return None


def rev_list(repo: Repository, rev: str) -> list[str]:
    """Every commit reachable from `rev`."""
    return git_text(["rev-list", "--end-of-options", rev, "--"], repo.root).split()


def shallow_commits(repo: Repository) -> frozenset[str]:
    """Commits where a shallow clone cut the history (their parents are missing)."""
    path = repo.common_dir / "shallow"
    try:
        return frozenset(path.read_text().split())
    except FileNotFoundError:
        return frozenset()


# --- Mutation sandbox (adversary/sandbox.py): the files of a revision or of the work tree ---


def iter_blobs(repo: Repository, blobs: Sequence[str]) -> Iterator[tuple[str, bytes]]:
    """(name, contents) for many blobs through one `git cat-file --batch`, streamed: a large
    tree is never held in memory whole. Missing blobs are left out."""
    if not blobs:
        return
    proc = subprocess.Popen(
        ["git", "cat-file", "--batch"], cwd=repo.root, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None

    def feed() -> None:
        # Names may be "REV:path" with a path git gave us as bytes (surrogateescape); and
        # whatever happens, stdin is closed, or git waits for more and we wait for git.
        try:
            proc.stdin.write(("\n".join(blobs) + "\n").encode("utf-8", "surrogateescape"))  # type: ignore[union-attr]
        except (BrokenPipeError, ValueError):
            pass
        finally:
            try:
                proc.stdin.close()  # type: ignore[union-attr]
            except (BrokenPipeError, ValueError):
                pass

    import threading

    writer = threading.Thread(target=feed, daemon=True)  # both pipes full would deadlock
    writer.start()
    try:
        for name in blobs:  # a sha or any object name, e.g. "HEAD:path"
            header = proc.stdout.readline().split()
            if len(header) != 3 or header[-1] == b"missing":
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # the newline after each object
            yield name, data
    finally:
        writer.join(timeout=5)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()


def worktree_paths(repo: Repository) -> list[str]:
    """Every file of the work tree git would see: tracked ones (deleted ones included, so
    check they exist) and untracked ones that are not ignored."""
    out = run_git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], repo.root).stdout
    return sorted({p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p})


def ignored_paths(repo: Repository) -> list[str]:
    """The work tree's git-ignored entries (generated files, build output, virtualenvs),
    whole ignored folders collapsed to one entry ending in '/'."""
    out = run_git(["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"],
                  repo.root).stdout
    return sorted({p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p})


def tree_id(repo: Repository, commit: str) -> str:
    """The tree object of a commit: two commits with one tree hold the same files (the code
    graph caches whole graphs by it)."""
    return git_text(["rev-parse", "--verify", "-q", f"{commit}^{{tree}}"], repo.root).strip()


# --- A commit-graph for comprehend's own git processes -------------------------------------
# git blame walks the whole history of a file; a commit-graph with changed-path Bloom
# filters lets it skip commits that did not touch the path (about 2x faster). Many
# repositories have none, and writing one into the user's objects/info would change their
# repository, so comprehend keeps its own beside its store and hands it to its own git
# processes as an (otherwise empty) alternate object directory.

def commit_graph_dir(repo: Repository) -> Path:
    return repo.common_dir / "comprehend" / "objects"


def _own_commit_graph(repo: Repository) -> bool:
    info = repo.common_dir / "objects" / "info"
    return (info / "commit-graph").exists() or (info / "commit-graphs").is_dir()


def _commit_graph_env(repo: Repository) -> dict[str, str] | None:
    objects = commit_graph_dir(repo)
    if not (objects / "info").is_dir() or _own_commit_graph(repo):
        return None
    current = os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")
    return {"GIT_ALTERNATE_OBJECT_DIRECTORIES": str(objects) + (os.pathsep + current if current else "")}


def update_commit_graph(repo: Repository) -> bool:
    """Write, or extend with new commits, comprehend's commit-graph (all commits reachable
    from refs, with changed-path Bloom filters). Best effort: False when the repository has
    a commit-graph of its own (git would read that one first) or the folder is read-only."""
    if _own_commit_graph(repo):
        return False
    objects = commit_graph_dir(repo)
    try:
        (objects / "info").mkdir(parents=True, exist_ok=True)
        (objects / "pack").mkdir(exist_ok=True)
    except OSError:
        return False
    proc = run_git(["commit-graph", "write", "--reachable", "--changed-paths", "--split",
                    "--no-progress", "--object-dir", str(objects)],
                   repo.root, env=_commit_graph_env(repo), check=False)
    return proc.returncode == 0


def is_ancestor(repo: Repository, ancestor: str, descendant: str) -> bool:
    proc = run_git(["merge-base", "--is-ancestor", ancestor, descendant], repo.root, check=False)
    return proc.returncode == 0


def touched_paths(repo: Repository, base: str, head: str) -> set[str]:
    """Every path a commit in base..head changed (both names of a rename), even if a later
    commit changed it back."""
    out = run_git(["log", "--no-renames", "--name-only", "-z", "--format=", f"{base}..{head}", "--"],
                  repo.root).stdout
    return {p.strip(b"\n").decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p.strip(b"\n")}


class BlobReader:
    """One `git cat-file --batch` process answering many requests, for a worker that reads
    blobs a batch at a time (`iter_blobs` starts a process per call). A context manager;
    `read(shas)` returns (sha, contents) for each blob that exists."""

    # shas written before reading their answers: 10 KB, far below what a pipe buffers, so
    # git never waits for us to read while we wait for it to read
    _REQUEST = 256

    def __init__(self, repo: Repository) -> None:
        self._proc = subprocess.Popen(
            ["git", "cat-file", "--batch"], cwd=repo.root, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_env(),
        )

    def read(self, shas: Sequence[str]) -> list[tuple[str, bytes]]:
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        found: list[tuple[str, bytes]] = []
        for start in range(0, len(shas), self._REQUEST):
            request = shas[start:start + self._REQUEST]
            try:
                stdin.write("".join(f"{sha}\n" for sha in request).encode())
                stdin.flush()
            except BrokenPipeError:  # git is gone: nothing more to read
                return found
            for _ in request:
                header = stdout.readline().split()
                if len(header) < 3:  # "<sha> missing", or git ended
                    continue
                data = stdout.read(int(header[2]))
                stdout.read(1)  # the newline after each object
                found.append((header[0].decode(), data))
        return found

    def close(self) -> None:
        """End git: no more requests, and no reader for an answer cut short by ctrl-c."""
        proc = self._proc
        try:
            proc.stdin.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass
        proc.stdout.close()  # type: ignore[union-attr]
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- Sharing through a notes ref of comprehend's own (comprehend sync) --------------------

# Notes commits are comprehend's bookkeeping: made under its own name, so sync works where
# no user.name is configured (a CI runner) and never borrows someone's identity.
_NOTES_IDENTITY = {"GIT_AUTHOR_NAME": "comprehend sync", "GIT_AUTHOR_EMAIL": "sync@comprehend.invalid",
                   "GIT_COMMITTER_NAME": "comprehend sync",
                   "GIT_COMMITTER_EMAIL": "sync@comprehend.invalid"}


def remote_names(repo: Repository) -> list[str]:
    return git_text(["remote"], repo.root).split()


def upstream_remote(repo: Repository) -> str | None:
    """The remote the current branch tracks, if any."""
    branch = git_text(["symbolic-ref", "-q", "--short", "HEAD"], repo.root, check=False).strip()
    if not branch:
        return None
    remote = git_text(["config", f"branch.{branch}.remote"], repo.root, check=False).strip()
    return remote or None


def write_blob(repo: Repository, data: bytes) -> str:
    """Store `data` as a blob in the repository's objects; returns its id."""
    return git_text(["hash-object", "-w", "--stdin"], repo.root, input=data).strip()


def read_notes(repo: Repository, ref: str) -> dict[str, bytes]:
    """annotated object -> note text, for every note under `ref` ({} without the ref)."""
    pairs = list_notes(repo, ref)
    texts = read_blobs(repo, [note for note, _ in pairs])
    return {obj: texts.get(note, b"") for note, obj in pairs}


def set_note(repo: Repository, ref: str, obj: str, text: bytes) -> None:
    """Replace the note on `obj` under `ref` (one commit on that notes ref, nothing else)."""
    run_git(["notes", f"--ref={ref}", "add", "-f", "-F", "-", obj], repo.root, input=text,
            env=_NOTES_IDENTITY)


def fetch_ref(repo: Repository, remote: str, src: str, dst: str) -> bool:
    """Fetch `src` of `remote` into our `dst` (forced: dst is a private tracking ref);
    False when the remote has no such ref yet."""
    proc = run_git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote,
                    f"+{src}:{dst}"], repo.root, check=False)
    if proc.returncode == 0:
        return True
    message = proc.stderr.decode("utf-8", "replace")
    if "couldn't find remote ref" in message:
        return False
    first = message.strip().splitlines()
    raise GitFailed(f"git fetch {remote} failed: {first[-1] if first else proc.returncode}")


def merge_notes(repo: Repository, ref: str, other: str) -> None:
    """Merge the notes of `other` into `ref` with git's cat_sort_uniq strategy: each note
    becomes the sorted union of both sides' lines, so appends never conflict."""
    run_git(["notes", f"--ref={ref}", "merge", "--quiet", "-s", "cat_sort_uniq", other],
            repo.root, env=_NOTES_IDENTITY)


def push_ref(repo: Repository, remote: str, src: str, dst: str) -> bool:
    """Push `src` to `dst` of `remote` without forcing; False when the remote moved on
    (someone else pushed first: fetch, merge and try again)."""
    proc = run_git(["push", "--quiet", "--porcelain", remote, f"{src}:{dst}"], repo.root,
                   check=False)
    if proc.returncode == 0:
        return True
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    # Someone else's push won the race: the ref moved ([rejected]) or was being updated as
    # we pushed (the remote could not lock it).
    if any(sign in out for sign in ("[rejected]", "non-fast-forward", "fetch first",
                                    "cannot lock ref", "failed to update ref", "[remote rejected]")):
        return False
    lines = out.strip().splitlines()
    raise GitFailed(f"git push {remote} failed: {lines[-1] if lines else proc.returncode}")


# --- Reading history for quiz questions (quiz/kinds/history.py, co_change.py) -----------

def blame_line_command(rev: str, path: str, line: int) -> list[str]:
    """The blame a history question's evidence shows: one line, full sha first."""
    return ["blame", "--root", "-s", "-l", "-L", f"{line},{line}", rev, "--", path]


def blame_line(repo: Repository, rev: str, path: str, line: int) -> str:
    """The commit that last wrote line `line` of `path` as of `rev` (plain blame: no -M/-C,
    so the answer is what anyone's `git blame` prints)."""
    out = git_text(blame_line_command(rev, path, line), repo.root)
    return out.split(" ", 1)[0].lstrip("^")


def path_commits(repo: Repository, rev: str, path: str, limit: int = 200) -> list[CommitSummary]:
    """Commits (not merges) that changed `path`, newest first."""
    fmt = "--format=%H%x1f%aN%x1f%aE%x1f%aI%x1f%s"
    out = git_text(["log", "--no-show-signature", "--no-merges", f"-n{limit}", fmt, rev, "--", path],
                   repo.root)
    rows = [line.split("\x1f") for line in out.splitlines()]
    return [CommitSummary(*row) for row in rows if len(row) == 5]


def commit_diff_added(repo: Repository, commit: str, path: str) -> list[str]:
    """The lines `commit` added to `path` (against its first parent, or all of a root's)."""
    out = git_text(["show", "--no-show-signature", "--format=", "--no-ext-diff", "--no-textconv",
                    "-U0", "--first-parent", "--no-renames", commit, "--", path], repo.root)
    return [line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]


def co_change_command(rev: str, path: str) -> list[str]:
    """Every file changed by the (non-merge) commits that changed `path`, one per line."""
    return ["log", "--no-show-signature", "--no-merges", "--no-renames", "--full-diff",
            "--format=", "--name-only", rev, "--", path]


def co_changed_files(repo: Repository, rev: str, path: str) -> list[str]:
    return [line for line in git_text(co_change_command(rev, path), repo.root).splitlines() if line]


def commits_touching(repo: Repository, rev: str, path: str) -> set[str]:
    out = git_text(["rev-list", "--no-merges", rev, "--", path], repo.root)
    return set(out.split())


# --- The review's Changes screen ------------------------------------------------------------


@dataclass(frozen=True)
class BranchCommit:
    sha: str
    author_name: str
    author_email: str
    authored_at: str
    subject: str
    branch: str  # the branch (or HEAD) through which the walk reached it (git log --source)
    files: tuple[str, ...]  # paths it touched (against its first parent)


def branch_commits(repo: Repository) -> Iterator[BranchCommit]:
    """Every commit on a local branch (HEAD's when detached), newest first, with the
    branch it was reached through and the paths it touched: one streamed `git log`."""
    fmt = "--format=%x1e%H%x1f%aN%x1f%aE%x1f%aI%x1f%S%x1f%s"
    args = ["log", "--no-show-signature", "--source", "--name-only", "--no-renames",
            "--diff-merges=first-parent", fmt, "--branches", "HEAD", "--"]
    for record in stream_records(args, repo.root, b"\x1e"):
        head, _, names = record.decode("utf-8", "replace").partition("\n")
        fields = head.split("\x1f")
        if len(fields) != 6:
            continue
        sha, name, email, date, source, subject = fields
        branch = source.removeprefix("refs/heads/")
        files = tuple(p for p in names.split("\n") if p)
        yield BranchCommit(sha, name, email, date, subject, branch, files)


def local_branches(repo: Repository) -> list[tuple[str, str]]:
    """(name, tip sha) of every local branch, by name."""
    out = git_text(["for-each-ref", "--format=%(refname:short)%1f%(objectname)", "refs/heads"],
                   repo.root)
    return sorted(tuple(line.split("\x1f", 1)) for line in out.splitlines() if "\x1f" in line)


def commit_patch(repo: Repository, sha: str, context: int = 3) -> bytes:
    """What commit `sha` changed against its first parent (a root commit: everything), as a
    unified diff with `context` lines, flags pinned as for diff_patch."""
    flags = [f for f in _PATCH_FLAGS if not f.startswith("--unified")]
    return run_git(["show", "--format=", "--diff-merges=first-parent", *flags,
                    f"--unified={context}", sha, "--"], repo.root).stdout
