"""Opening the store: WAL mode, forward migrations, refusal of newer or corrupt files."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from comprehend.errors import StoreError
from comprehend.store.schema import MIGRATIONS, SCHEMA_VERSION


@dataclass
class Store:
    """An open store. `conn` is a plain sqlite3 connection in autocommit mode; writes go
    through `transaction()`, so an interrupt leaves nothing half-written."""

    path: Path
    conn: sqlite3.Connection

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:  # KeyboardInterrupt included: roll back, then re-raise
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @property
    def db(self):
        """The same connection as a sqlite_utils Database, for typed table reads/writes."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def tables(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [r[0] for r in rows]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def path_value(path: str) -> str | bytes:
    """A repository path as SQLite stores it, losslessly: the text itself, or its raw
    bytes (a BLOB) when git gave a name that is not UTF-8 (kept with surrogateescape)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape")
    return path


def path_from(value: str | bytes) -> str:
    """The path `path_value` stored."""
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


_RECOVER = "move it aside (mv {p} {p}.bad) to start a fresh store, or restore it from a backup"


def open_store(path: Path) -> Store:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"store {path}: cannot create its folder ({exc.strerror}); pass --db PATH") from exc
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"store {path}: cannot open ({exc}); pass --db PATH") from exc
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(
            f"store {path} is corrupt or not a SQLite database ({exc}); " + _RECOVER.format(p=path)
        ) from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise StoreError(
            f"store {path} has schema version {version}, written by a newer comprehend "
            f"(this one reads up to {SCHEMA_VERSION}); upgrade comprehend or pass --db PATH"
        )
    store = Store(path=path, conn=conn)
    try:
        _migrate(store, version)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(
            f"store {path} cannot be migrated ({exc}); " + _RECOVER.format(p=path)
        ) from exc
    return store


def _migrate(store: Store, version: int) -> None:
    for number in range(version + 1, SCHEMA_VERSION + 1):
        with store.transaction() as conn:
            for statement in _statements(MIGRATIONS[number - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")


def _statements(script: str) -> list[str]:
    # executescript would COMMIT our transaction; split on complete statements instead.
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
