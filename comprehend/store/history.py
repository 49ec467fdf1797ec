"""Reads and writes of attribution facts: classified commits, cached line ranges, and the
bookkeeping (fingerprint, classified tips) that says what is still valid."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from comprehend.store.connection import Store, path_value

FINGERPRINT_KEY = "attribution.fingerprint"
TIPS_KEY = "attribution.tips"
SIDECARS_KEY = "attribution.sidecars"  # commit -> digest of its sidecar records


@dataclass(frozen=True)
class CachedRange:
    start: int
    end: int
    commit: str
    cls: str
    tool: str | None
    source: str


def get_meta(store: Store, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def fingerprint_and_tips(store: Store) -> tuple[str | None, list[str]]:
    tips = get_meta(store, TIPS_KEY)
    return get_meta(store, FINGERPRINT_KEY), json.loads(tips) if tips else []


def sidecar_digests(store: Store) -> dict[str, str]:
    value = get_meta(store, SIDECARS_KEY)
    return json.loads(value) if value else {}


def replace_sidecar_records(store: Store, digests: dict[str, str], changed: Sequence[str],
                            redone: Sequence[tuple]) -> None:
    """Sidecar records changed for `changed` commits: store their new classification,
    forget the cached lines of every file holding a line of theirs, keep the digests."""
    with store.transaction() as conn:
        _insert_commits(conn, redone)
        for i in range(0, len(changed), 500):
            chunk = list(changed[i:i + 500])
            marks = ",".join("?" * len(chunk))
            conn.execute(f'DELETE FROM lines WHERE file IN (SELECT file FROM lines WHERE "commit" IN ({marks}))',
                         chunk)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     (SIDECARS_KEY, json.dumps(digests, sort_keys=True)))


def reset_attribution(store: Store, fingerprint: str) -> None:
    """Forget every classification and cached line: the rules that made them changed."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM commits")
        conn.execute("DELETE FROM lines")
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     (FINGERPRINT_KEY, fingerprint))
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (TIPS_KEY, "[]"))
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (SIDECARS_KEY, "{}"))


def save_commits(store: Store, commits: Sequence[tuple], tips: list[str]) -> None:
    """`commits` are plain rows in COMMIT_COLUMNS order (signals as JSON text)."""
    with store.transaction() as conn:
        _insert_commits(conn, commits)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     (TIPS_KEY, json.dumps(tips)))


# A classified commit as the store keeps it: a plain row in this order. history/attribution.py
# turns its CommitAttribution into one and back; the store knows nothing of that class.
COMMIT_COLUMNS = ("sha", "author", "email", "committer", "committer_email", "committed_at",
                  "subject", "class", "tool", "model", "confidence", "signals", "mixed",
                  "cls_without_sidecars")
_COLUMNS = ", ".join(COMMIT_COLUMNS)


def _insert_commits(conn, commits: Sequence[tuple]) -> None:
    marks = ", ".join("?" * len(COMMIT_COLUMNS))
    conn.executemany(f"INSERT OR REPLACE INTO commits ({_COLUMNS}) VALUES ({marks})", commits)


def load_commits(store: Store, shas: Iterable[str]) -> dict[str, tuple]:
    """sha -> its row in COMMIT_COLUMNS order, for the given commits the store holds."""
    wanted = list(dict.fromkeys(shas))
    found: dict[str, tuple] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for row in store.conn.execute(f"SELECT {_COLUMNS} FROM commits WHERE sha IN ({marks})", chunk):
            found[row[0]] = tuple(row)
    return found


@dataclass(frozen=True)
class CommitClass:
    cls: str
    tool: str | None
    mixed: bool
    author: str
    email: str
    cls_without_sidecars: str | None


def commit_classes(store: Store, shas: Iterable[str] | None = None) -> dict[str, CommitClass]:
    """The class of the given commits (all when None), without their evidence."""
    query = "SELECT sha, class, tool, mixed, author, email, cls_without_sidecars FROM commits"
    if shas is None:
        rows = store.conn.execute(query).fetchall()
    else:
        wanted = list(dict.fromkeys(shas))
        rows = []
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            rows += store.conn.execute(f"{query} WHERE sha IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    return {row[0]: CommitClass(row[1], row[2], bool(row[3]), row[4], row[5], row[6]) for row in rows}


def load_lines(store: Store, path: str, blob: str, rev: str) -> list[CachedRange] | None:
    """The cached line ranges of `path` (content `blob`) as of `rev`, or None if not cached."""
    rows = store.conn.execute(
        'SELECT start, "end", "commit", class, tool, source FROM lines '
        "WHERE file = ? AND blob_sha = ? AND rev = ? ORDER BY start",
        (path_value(path), blob, rev),
    ).fetchall()
    return [CachedRange(*row) for row in rows] or None


def latest_lines(store: Store, path: str) -> tuple[str, str, list[CachedRange]] | None:
    """(blob, rev, ranges) of the one revision of `path` cached, if any."""
    row = store.conn.execute("SELECT blob_sha, rev FROM lines WHERE file = ? LIMIT 1",
                             (path_value(path),)).fetchone()
    if row is None:
        return None
    ranges = load_lines(store, path, row[0], row[1])
    return (row[0], row[1], ranges) if ranges else None


def save_lines(store: Store, rev: str, files: dict[str, tuple[str, Sequence[CachedRange]]]) -> None:
    """Cache each file's ranges (path -> (blob, ranges)) as of `rev`, replacing those cached
    for any other revision of that file: the cache holds the latest answer per file, so it
    does not grow with every commit."""
    with store.transaction() as conn:
        for name, (blob, ranges) in files.items():
            path = path_value(name)
            conn.execute("DELETE FROM lines WHERE file = ?", (path,))
            conn.executemany(
                'INSERT INTO lines (file, blob_sha, rev, start, "end", "commit", class, tool, source) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(path, blob, rev, r.start, r.end, r.commit, r.cls, r.tool, r.source) for r in ranges],
            )
