"""The AI share of a revision's current lines, for the review's Overview.

The same files and numbers as `comprehend scan` (history/summary.py), counted without
building a record per line: files the line cache holds for this revision are read in one
aggregate query; the rest are blamed in chunks, so a caller (the review's worker) can stop
between two chunks and a stopped run keeps what it finished. A caller that must stay fast
(the plain summary) gives a budget: when the blames would walk more commits than that, the
share is left for later and the work it would take is returned instead."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from comprehend.git import is_ancestor, list_files, rev_list
from comprehend.history.attribution import CLASSES
from comprehend.history.blame import attribute_files
from comprehend.history.ledger import record_history
from comprehend.history.summary import counted_files
from comprehend.store.connection import Store
from comprehend.store.share import cached_counts, cached_revisions

FILES_PER_WORKER = 4  # files per chunk and blame process: stragglers cost little, stops come soon
ESTIMATED_REVISIONS = 10  # older cached revisions whose distance is measured; the rest count in full


@dataclass(frozen=True)
class LineShare:
    """Current lines by class, and the AI lines by tool (most lines first)."""

    files: int
    by_class: tuple[tuple[str, int], ...]  # every class, in CLASSES order
    by_tool: tuple[tuple[str, int], ...]

    @property
    def lines(self) -> int:
        return sum(n for _cls, n in self.by_class)

    def count(self, cls: str) -> int:
        return dict(self.by_class)[cls]

    @property
    def share(self) -> float:
        """AI lines over all lines, rounded as scan rounds it."""
        return round(self.count("ai") / self.lines, 4) if self.lines else 0.0


@dataclass(frozen=True)
class PendingShare:
    """The share was not computed: this many files are not in the line cache for the
    revision, and blaming them would walk about this many commits in all."""

    files: int
    walks: int


def line_share(
    workspace, store: Store, rev: str, *, budget: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    stopped: Callable[[], bool] | None = None,
) -> LineShare | PendingShare | None:
    """The AI share of `rev`'s lines (a full sha). With `budget`, a PendingShare when the
    blames still to run would walk more commits than that. None when `stopped()` said so
    between two chunks. `progress(done, total)` counts the files blamed."""
    repo, config = workspace.repo, workspace.config
    context = record_history(repo, config, store, rev)
    counted, _skipped = counted_files(repo, rev, config.attribution)
    blobs = {f.path: f.blob for f in list_files(repo, rev)}
    by_class: Counter[str] = Counter({c: 0 for c in CLASSES})
    by_tool: Counter[str] = Counter()
    wanted = set(counted)
    done: set[str] = set()
    for row in cached_counts(store, rev):
        if row.file in wanted and blobs.get(row.file) == row.blob:
            _add(by_class, by_tool, row.cls, row.tool, row.lines)
            done.add(row.file)
    pending = [path for path in counted if path not in done]
    if pending and budget is not None:
        walks = estimated_walks(workspace, store, rev, pending)
        if walks > budget:
            return PendingShare(files=len(pending), walks=walks)
    workers = config.attribution.workers or os.cpu_count() or 1
    size = workers * FILES_PER_WORKER
    for start in range(0, len(pending), size):
        if stopped is not None and stopped():
            return None
        chunk = pending[start:start + size]
        report = None if progress is None else (lambda n, _total, s=start: progress(s + n, len(pending)))
        for lines in attribute_files(repo, config, store, chunk, rev, context=context,
                                     progress=report).values():
            for line in lines:
                _add(by_class, by_tool, line.cls, line.tool, 1)
    return LineShare(
        files=len(counted),
        by_class=tuple((c, by_class[c]) for c in CLASSES),
        by_tool=tuple(sorted(by_tool.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _add(by_class: Counter[str], by_tool: Counter[str], cls: str, tool: str | None, n: int) -> None:
    by_class[cls] += n
    if cls == "ai" and tool:
        by_tool[tool] += n


def estimated_walks(workspace, store: Store, rev: str, pending: list[str]) -> int:
    """Commits the blames of `pending` would walk, summed over the files: the whole history
    for a file never blamed, the commits since for one cached at an ancestor revision
    (history/blame.py carries those forward). An estimate: git skips commits that did not
    touch a file, so the true work is smaller, never larger."""
    repo = workspace.repo
    cached_at = cached_revisions(store)
    older = Counter(cached_at[p] for p in pending if p in cached_at)
    since: dict[str, int] = {}
    for old, _files in older.most_common(ESTIMATED_REVISIONS):
        if is_ancestor(repo, old, rev):
            since[old] = len(rev_list(repo, f"{old}..{rev}"))
    whole = len(rev_list(repo, rev))
    return sum(since.get(cached_at.get(path, ""), whole) for path in pending)
