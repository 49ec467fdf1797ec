"""Reads for the Overview's AI share of current lines: what the line cache (the `lines`
table, written by history/blame.py) already knows, in two aggregate queries rather than
one query per file."""

from __future__ import annotations

from dataclasses import dataclass

from comprehend.store.connection import Store, path_from


@dataclass(frozen=True)
class CachedCount:
    """Lines of one cached file with one class and tool."""

    file: str
    blob: str
    cls: str
    tool: str | None
    lines: int


def cached_counts(store: Store, rev: str) -> list[CachedCount]:
    """Line counts by file, class and tool of every file cached as of `rev`."""
    rows = store.conn.execute(
        'SELECT file, blob_sha, class, tool, SUM("end" - start + 1) FROM lines '
        "WHERE rev = ? GROUP BY file, blob_sha, class, tool",
        (rev,),
    ).fetchall()
    return [CachedCount(path_from(row[0]), *row[1:]) for row in rows]


def cached_revisions(store: Store) -> dict[str, str]:
    """The revision each file's cached lines are for (the cache keeps one per file)."""
    rows = store.conn.execute("SELECT DISTINCT file, rev FROM lines").fetchall()
    return {path_from(file): rev for file, rev in rows}
