"""Reads and writes of the code graph's caches: per-blob facts, whole graphs by content
key, and the HEAD snapshot in the files/symbols/edges tables (for SQL readers)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from comprehend.store.connection import Store

_CHUNK = 500  # bound variables per statement stay far below SQLite's limit
GRAPH_CACHE_KEPT = 8  # HEAD, a base, a worktree or two: the graphs a session goes back to
SNAPSHOT_KEY = "graph.snapshot"


def load_facts(store: Store, version: str, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """(blob sha, language) -> encoded facts, for the keys cached under this extractor version."""
    wanted = set(keys)
    blobs = sorted({blob for blob, _ in wanted})
    found: dict[tuple[str, str], bytes] = {}
    for start in range(0, len(blobs), _CHUNK):
        chunk = blobs[start:start + _CHUNK]
        rows = store.conn.execute(
            f"SELECT blob_sha, language, data FROM facts WHERE extractor_version = ? "
            f"AND blob_sha IN ({','.join('?' * len(chunk))})",
            (version, *chunk),
        )
        for blob, language, data in rows:
            if (blob, language) in wanted:
                found[(blob, language)] = data
    return found


def save_facts(store: Store, version: str, rows: Sequence[tuple[str, str, bytes]]) -> None:
    """Store (blob sha, language, encoded facts) rows under this extractor version."""
    if not rows:
        return
    with store.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO facts (blob_sha, extractor_version, language, data) "
            "VALUES (?, ?, ?, ?)",
            [(blob, version, language, data) for blob, language, data in rows],
        )


def prune_facts(store: Store, version: str) -> int:
    """Drop facts written by other extractor versions (no build of this one reads them)."""
    with store.transaction() as conn:
        return conn.execute("DELETE FROM facts WHERE extractor_version != ?", (version,)).rowcount


def load_graph(store: Store, key: str) -> bytes | str | None:
    row = store.conn.execute("SELECT data FROM graph_cache WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def save_graph(store: Store, key: str, data: bytes) -> None:
    """Keep a built graph, and only the most recent few."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{time.time_ns() % 10**9:09d}"
    with store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO graph_cache (key, built_at, data) VALUES (?, ?, ?)",
                     (key, stamp, data))
        conn.execute(
            "DELETE FROM graph_cache WHERE key NOT IN "
            "(SELECT key FROM graph_cache ORDER BY built_at DESC LIMIT ?)",
            (GRAPH_CACHE_KEPT,),
        )


def snapshot_key(store: Store) -> str | None:
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (SNAPSHOT_KEY,)).fetchone()
    return row[0] if row else None


def save_snapshot(
    store: Store,
    key: str,
    files: Sequence[tuple[str, str, str | None, int]],
    symbols: Sequence[tuple[str, str, str, str, int, int]],
    edges: Sequence[tuple[str, str, str, str]],
) -> None:
    """Replace the files/symbols/edges tables with one graph (HEAD's): rows of
    (path, blob_sha, language, lines), (id, file, qualname, kind, start_line, end_line)
    and (src, dst, kind, confidence)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM files")
        conn.execute("DELETE FROM symbols")
        conn.execute("DELETE FROM edges")
        conn.executemany("INSERT INTO files (path, blob_sha, language, lines) VALUES (?, ?, ?, ?)",
                         files)
        conn.executemany(
            "INSERT OR IGNORE INTO symbols (id, file, qualname, kind, start_line, end_line) "
            "VALUES (?, ?, ?, ?, ?, ?)", symbols)
        conn.executemany("INSERT INTO edges (src, dst, kind, confidence) VALUES (?, ?, ?, ?)",
                         edges)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (SNAPSHOT_KEY, key))
