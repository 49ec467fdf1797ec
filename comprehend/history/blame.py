"""Line attribution: each line's origin commit from one streamed `git blame --incremental
-M -C` per file (moves and copies followed, .git-blame-ignore-revs honored), mapped to the
commit's class. Sidecar line ranges (git-ai, Agent Trace) win over the commit's class;
lines a shallow clone cut off from their history are unknown. Cached in the store by
(file, blob, rev)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from comprehend.config import Config
from comprehend.errors import RepositoryError
from comprehend.git import (
    GitFailed,
    Repository,
    TrackedFile,
    blame_incremental,
    existing_commits,
    is_ancestor,
    paths_at,
    promisor_remote,
    read_blobs,
    resolve_ref,
    touched_paths,
    update_commit_graph,
)
from comprehend.history.ledger import Context, record_history
from comprehend.store.connection import Store
from comprehend.store.history import (
    CachedRange,
    commit_classes,
    latest_lines,
    load_lines,
    save_lines,
)


@dataclass(frozen=True)
class LineAttribution:
    line: int  # 1-based, in the file at the blamed revision
    commit: str  # origin commit
    cls: str  # ai | bot | human | unknown
    tool: str | None
    source: str = "commit"  # what decided cls: commit, git-ai, agent-trace, shallow, blame-failed


@dataclass(frozen=True)
class BlameGroup:
    """A run of lines that came from one commit, as `git blame --incremental` reports it."""

    commit: str
    orig_line: int  # first line's number in the origin commit's version of the file
    final_line: int  # first line's number at the blamed revision
    count: int
    orig_path: str  # the file's path in the origin commit (differs after a rename or copy)
    boundary: bool = False  # older than the blamed range (only when blaming a range)


Warn = Callable[[str], None]
BLAME_FAILED = "blame-failed"


def attribute_lines(repo: Repository, config: Config, store: Store, path: str,
                    rev: str = "HEAD", *, on_warning: Warn | None = None) -> list[LineAttribution]:
    """Every line of `path` at `rev`, with its origin commit, class and tool."""
    return attribute_files(repo, config, store, [path], rev, on_warning=on_warning)[path]


def attribute_files(
    repo: Repository, config: Config, store: Store, paths: Sequence[str], rev: str = "HEAD",
    *, progress: Callable[[int, int], None] | None = None, context: Context | None = None,
    on_warning: Warn | None = None,
) -> dict[str, list[LineAttribution]]:
    """Line attribution of many files at `rev`; blames run in parallel processes and
    files already cached for this revision are not blamed again. A file git cannot blame
    (a blob missing from a partial clone, a broken object) counts as unknown lines, source
    `blame-failed`, with one warning through `on_warning`; it is not cached, so a later run
    blames it again."""
    context = context or record_history(repo, config, store, rev)
    tracked = paths_at(repo, context.rev, list(paths))
    for path in paths:
        if path not in tracked:
            raise RepositoryError(
                f"{path}: not a file in {rev} ({context.rev[:12]}); pass a path tracked at that revision"
            )
    result: dict[str, list[LineAttribution]] = {}
    todo: list[str] = []
    for path in paths:
        if tracked[path].size == 0:
            result[path] = []
            continue
        cached = load_lines(store, path, tracked[path].blob, context.rev)
        if cached is None:
            todo.append(path)
        else:
            result[path] = _expand(cached)
    if todo:
        update_commit_graph(repo)
        failed: dict[str, str] = {}
        fresh = _attribute_missing(repo, config, store, context, todo, tracked, progress, failed)
        for path, (_blob, ranges) in fresh.items():
            result[path] = _expand(ranges)
        save_lines(store, context.rev, fresh)
        result.update(_unknown_lines(repo, tracked, failed, on_warning))
    return {path: result[path] for path in paths}


def _unknown_lines(repo: Repository, tracked: dict[str, TrackedFile], failed: dict[str, str],
                   on_warning: Warn | None) -> dict[str, list[LineAttribution]]:
    """Every line of each file blame failed on, as unknown, and a warning per file."""
    if not failed:
        return {}
    blobs = read_blobs(repo, [tracked[p].blob for p in failed])
    remote = promisor_remote(repo)
    hint = (f" (a partial clone: objects missing here come from the remote {remote!r}; make it "
            "reachable, or clone without --filter)") if remote else ""
    out = {}
    for path, reason in failed.items():
        count = len(blobs.get(tracked[path].blob, b"").splitlines())
        out[path] = [LineAttribution(n, "", "unknown", None, BLAME_FAILED) for n in range(1, count + 1)]
        if on_warning:
            lines = "1 line counts" if count == 1 else f"{count} lines count"
            on_warning(f"{path}: git blame failed ({reason}){hint}; its {lines} as unknown")
    return out


def _attribute_missing(
    repo: Repository, config: Config, store: Store, context: Context, todo: list[str],
    tracked: dict[str, TrackedFile], progress: Callable[[int, int], None] | None,
    failed: dict[str, str],
) -> dict[str, tuple[str, list[CachedRange]]]:
    """Attribution of files not cached at this revision. A file cached at an ancestor
    revision is brought forward: unchanged since, its answer is reused as it is; changed,
    only the commits since are blamed and older lines take the cached answer. Anything
    else (no cache, a side branch, a changed ignore-revs file) is blamed in full."""
    fresh: dict[str, tuple[str, list[CachedRange]]] = {}
    full: list[str] = []
    since: dict[str, list[str]] = {}  # ancestor revision -> files to blame over the range
    previous = {path: latest_lines(store, path) for path in todo}
    by_rev: dict[str, list[str]] = {}
    for path in todo:
        if previous[path] is None:
            full.append(path)
        else:
            by_rev.setdefault(previous[path][1], []).append(path)
    for old_rev, group in by_rev.items():
        if not is_ancestor(repo, old_rev, context.rev):
            full += group
            continue
        touched = touched_paths(repo, old_rev, context.rev)
        if config.attribution.ignore_revs_file in touched:
            full += group
            continue
        for path in group:
            blob, _rev, ranges = previous[path]
            if path not in touched and blob == tracked[path].blob:
                fresh[path] = (tracked[path].blob, ranges)
            else:
                since.setdefault(old_rev, []).append(path)
    ranged: dict[str, tuple[str, list[BlameGroup]]] = {}
    for old_rev, group in since.items():
        for path, groups in _blame_many(repo, config, context.rev, group, failed, since=old_rev).items():
            ranged[path] = (old_rev, groups)
    blamed = _blame_many(repo, config, context.rev, full, failed, progress=progress)
    shas = {g.commit for groups in blamed.values() for g in groups}
    shas |= {g.commit for _rev, groups in ranged.values() for g in groups}
    classes = commit_classes(store, shas)
    for path, (old_rev, groups) in ranged.items():
        ranges = _carry_forward(groups, classes, context, old_rev, path, previous[path][2])
        if ranges is None:  # lines came from elsewhere than this file at old_rev
            blamed.update(_blame_many(repo, config, context.rev, [path], failed))
            classes.update(commit_classes(store, (g.commit for g in blamed.get(path, ()))))
        else:
            fresh[path] = (tracked[path].blob, ranges)
    for path, groups in blamed.items():
        fresh[path] = (tracked[path].blob, _merge(_line_answers(groups, classes, context)))
    return fresh


def _carry_forward(groups: list[BlameGroup], classes: dict, context: Context, old_rev: str,
                   path: str, old_ranges: list[CachedRange]) -> list[CachedRange] | None:
    """Ranges from a blame over old_rev..rev: lines the range wrote are attributed as
    usual, lines older than it take the cached answer for their line at old_rev. None
    when an older line comes from another commit or file than the cached one."""
    old: dict[int, CachedRange] = {n: r for r in old_ranges for n in range(r.start, r.end + 1)}
    answers: list[tuple[int, str, str, str | None, str]] = []
    for g in groups:
        if not g.boundary:
            answers += _line_answers([g], classes, context)
            continue
        if g.commit != old_rev or g.orig_path != path:
            return None
        for i in range(g.count):
            cached = old.get(g.orig_line + i)
            if cached is None:
                return None
            answers.append((g.final_line + i, cached.commit, cached.cls, cached.tool, cached.source))
    return _merge(answers)


def attribute_change(
    repo: Repository, config: Config, store: Store, base: str, head: str, paths: Sequence[str],
) -> dict[str, list[LineAttribution]]:
    """The lines of `paths` at `head` written by commits in base..head (a change's own
    lines), with their class and tool; lines older than `base` are left out. Blame walks
    only the range, so this stays fast on long histories. Not cached."""
    context = record_history(repo, config, store, head, option="--head")
    since = resolve_ref(repo, base, option="--base")
    tracked = paths_at(repo, context.rev, list(paths))
    present = [p for p in paths if p in tracked and tracked[p].size > 0]
    failed: dict[str, str] = {}
    blamed = _blame_many(repo, config, context.rev, present, failed, since=since)
    classes = commit_classes(store, (g.commit for groups in blamed.values() for g in groups))
    result: dict[str, list[LineAttribution]] = {p: [] for p in paths}
    for path, groups in blamed.items():
        inside = [g for g in groups if not g.boundary]
        result[path] = _expand(_merge(_line_answers(inside, classes, context)))
    result.update(_unknown_lines(repo, tracked, failed, None))  # which lines are new is unknown
    return result


def _blame_many(repo: Repository, config: Config, rev: str, paths: Sequence[str],
                failed: dict[str, str], *, since: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> dict[str, list[BlameGroup]]:
    """One `git blame --incremental` per file, several at a time (each is one process).
    Files git cannot blame are left out and named in `failed` with git's reason."""
    if not paths:
        return {}
    ignore = ignore_revs(repo, config, rev)
    workers = config.attribution.workers or os.cpu_count() or 1
    blamed: dict[str, list[BlameGroup]] = {}

    def blame(path: str) -> bytes | GitFailed:
        try:
            return blame_incremental(repo, rev, path, ignore, since=since)
        except GitFailed as exc:
            return exc

    with ThreadPoolExecutor(max_workers=min(workers, len(paths))) as pool:
        outputs = pool.map(blame, paths)
        for done, (path, output) in enumerate(zip(paths, outputs, strict=True), start=1):
            if isinstance(output, GitFailed):
                failed[path] = output.reason
            else:
                blamed[path] = parse_incremental(output)
            if progress:
                progress(done, len(paths))
    return blamed


def ignore_revs(repo: Repository, config: Config, rev: str) -> list[str]:
    """The commits listed in the ignore-revs file of `rev`'s tree that exist here (a
    shallow clone may lack some; git blame refuses unknown ones)."""
    name = config.attribution.ignore_revs_file
    if not name:
        return []
    found = paths_at(repo, rev, [name])
    if name not in found:
        return []
    text = read_blobs(repo, [found[name].blob]).get(found[name].blob, b"").decode("utf-8", "replace")
    wanted = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            wanted.append(entry)
    return sorted(set(existing_commits(repo, wanted).values()))


def parse_incremental(output: bytes) -> list[BlameGroup]:
    """Groups from `git blame --incremental` porcelain: a header `sha orig final count`,
    commit details the first time a commit appears (`boundary` among them for a commit
    outside a blamed range), and a closing `filename` line."""
    groups: list[BlameGroup] = []
    boundary: set[str] = set()
    header: list[str] | None = None
    for raw in output.split(b"\n"):
        if not raw:
            continue
        line = raw.decode("utf-8", "surrogateescape")
        if header is None:
            header = line.split()
        elif line == "boundary":
            boundary.add(header[0])
        elif line.startswith("filename "):
            sha, orig, final, count = header[0], int(header[1]), int(header[2]), int(header[3])
            groups.append(BlameGroup(sha, orig, final, count, _unquote(line[9:]), sha in boundary))
            header = None
    groups.sort(key=lambda g: g.final_line)
    return groups


def _unquote(name: str) -> str:
    """git C-quotes paths with control characters, quotes or backslashes."""
    if not (len(name) >= 2 and name[0] == name[-1] == '"'):
        return name
    out = bytearray()
    body = name[1:-1].encode("utf-8", "surrogateescape")
    i = 0
    simple = {ord("n"): b"\n", ord("t"): b"\t", ord('"'): b'"', ord("\\"): b"\\",
              ord("a"): b"\a", ord("b"): b"\b", ord("f"): b"\f", ord("r"): b"\r", ord("v"): b"\v"}
    while i < len(body):
        c = body[i]
        if c == ord("\\") and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in simple:
                out += simple[nxt]
                i += 2
                continue
            if chr(nxt) in "0123" and i + 3 < len(body) + 1:
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
        out.append(c)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _line_answers(groups: list[BlameGroup], classes: dict, context: Context) -> list[tuple[int, str, str, str | None, str]]:
    """(line, commit, class, tool, source) per line: sidecar ranges first, then a shallow
    cut, then the class of the commit (without sidecars, for lines no sidecar covers)."""
    answers = []
    for g in groups:
        known = classes.get(g.commit)
        if known is None:
            commit_cls, commit_tool = "unknown", None
        elif known.cls_without_sidecars:
            commit_cls, commit_tool = known.cls_without_sidecars, None
        else:
            commit_cls, commit_tool = known.cls, known.tool
        for i in range(g.count):
            side = context.sidecars.line(g.commit, g.orig_path, g.orig_line + i)
            if side is not None:
                line_range, source = side
                cls, tool = line_range.cls, line_range.tool
            elif g.commit in context.shallow:
                cls, tool, source = "unknown", None, "shallow"
            else:
                cls, tool, source = commit_cls, commit_tool, "commit"
            answers.append((g.final_line + i, g.commit, cls, tool, source))
    return answers


def _merge(answers: list[tuple[int, str, str, str | None, str]]) -> list[CachedRange]:
    """Consecutive lines with the same answer as one range."""
    ranges: list[CachedRange] = []
    for line, commit, cls, tool, source in sorted(answers, key=lambda a: a[0]):
        last = ranges[-1] if ranges else None
        if (last and last.end == line - 1 and last.commit == commit and last.cls == cls
                and last.tool == tool and last.source == source):
            ranges[-1] = CachedRange(last.start, line, commit, cls, tool, source)
        else:
            ranges.append(CachedRange(line, line, commit, cls, tool, source))
    return ranges


def _expand(ranges: Sequence[CachedRange]) -> list[LineAttribution]:
    return [
        LineAttribution(line=n, commit=r.commit, cls=r.cls, tool=r.tool, source=r.source)
        for r in ranges
        for n in range(r.start, r.end + 1)
    ]
