"""Opening the store: WAL mode, forward migrations, refusal of newer or corrupt files."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
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
    except PermissionError as exc:
        raise StoreError(_permission_problem(path) or f"store {path}: cannot create its folder "
                         f"({exc.strerror}); pass --db PATH") from exc
    except OSError as exc:
        raise StoreError(f"store {path}: cannot create its folder ({exc.strerror}); pass --db PATH") from exc
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(_permission_problem(path) or f"store {path}: cannot open ({exc}); "
                         "pass --db PATH") from exc
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION or conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            _use_wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(_permission_problem(path) or (
            f"store {path} is corrupt or not a SQLite database ({exc}); " + _RECOVER.format(p=path)
        )) from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise _newer(path, version)
    store = Store(path=path, conn=conn)
    if version < SCHEMA_VERSION:  # user_version only grows: at SCHEMA_VERSION nothing is left to do
        try:
            _migrate(store)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(_permission_problem(path) or (
                f"store {path} cannot be migrated ({exc}); " + _RECOVER.format(p=path)
            )) from exc
        except StoreError:
            conn.close()
            raise
    return store


def _use_wal(conn: sqlite3.Connection, patience: float = 30.0) -> None:
    """Switch to WAL. Of processes opening a new store at once, the switch can meet another's
    lock without SQLite's busy handler waiting for it ('database is locked' at once, seen
    about once in 200 first opens): wait and try again, as the busy timeout would."""
    deadline = time.monotonic() + patience
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _newer(path: Path, version: int) -> StoreError:
    return StoreError(
        f"store {path} has schema version {version}, written by a newer comprehend "
        f"(this one reads up to {SCHEMA_VERSION}); upgrade comprehend or pass --db PATH"
    )


def _migrate(store: Store) -> None:
    """Every missing migration in one exclusive transaction, the version read inside it:
    of several processes opening a new store at once, one migrates and the others wait
    (the busy timeout), then find nothing left to do."""
    conn = store.conn
    conn.execute("BEGIN EXCLUSIVE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:  # a newer comprehend migrated it since our first look
            raise _newer(store.path, version)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[number - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    except BaseException:  # KeyboardInterrupt included: nothing half-migrated
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _may(path: Path, mode: int) -> bool:
    # the effective ids are the ones the kernel checks when SQLite opens the file
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def _permission_problem(path: Path) -> str | None:
    """A sentence naming the permission that is missing, if one is: SQLite reports it as
    'unable to open database file' or 'readonly database', which reads like corruption.
    SQLite needs the file readable and writable, and its folder writable (for the WAL and
    shared-memory files beside it)."""
    folder = path.parent
    if path.exists() and not _may(path, os.R_OK):
        what = f"store {path} is not readable by this user"
        fix = f"chmod u+rw {path}"
    elif path.exists() and not _may(path, os.W_OK):
        what = f"store {path} is read-only for this user"
        fix = f"chmod u+rw {path}"
    elif folder.exists() and not _may(folder, os.W_OK | os.X_OK):
        what = f"store {path}: its folder {folder} is not writable by this user"
        fix = f"chmod u+rwx {folder}"
    else:
        return None
    return f"{what} (permission denied); fix its permissions ({fix}) or pass --db PATH"


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
