from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from comprehend.errors import StoreError
from comprehend.store import connection as store_connection
from comprehend.store import open_store
from comprehend.store.schema import MIGRATIONS, SCHEMA_VERSION

DESIGN_TABLES = [
    "answers", "cards", "commits", "edges", "facts", "files", "findings", "lines",
    "meta", "questions", "runs", "symbols",
]


def test_create_has_every_table_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "comprehend.db"
    with open_store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert set(DESIGN_TABLES) <= set(store.tables())
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert path.is_file()


def test_reopen_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with open_store(path) as store, store.transaction() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    with open_store(path) as store:
        assert store.conn.execute("SELECT value FROM meta WHERE key='k'").fetchone()[0] == "v"


def test_interrupted_transaction_rolls_back(tmp_path: Path) -> None:
    with open_store(tmp_path / "c.db") as store:
        with pytest.raises(KeyboardInterrupt), store.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('half', 'written')")
            raise KeyboardInterrupt
        assert store.conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 0


def test_migrates_forward_from_older_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.db"
    with open_store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    extra = "CREATE TABLE added_later (x INTEGER);\nINSERT INTO meta (key, value) VALUES ('m', '1');"
    monkeypatch.setattr(store_connection, "MIGRATIONS", [*MIGRATIONS, extra])
    monkeypatch.setattr(store_connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with open_store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION + 1
        assert "added_later" in store.tables()
        assert store.conn.execute("SELECT value FROM meta WHERE key='m'").fetchone()[0] == "1"


def test_failed_migration_leaves_old_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.db"
    open_store(path).close()
    broken = "CREATE TABLE half_done (x INTEGER);\nTHIS IS NOT SQL;"
    monkeypatch.setattr(store_connection, "MIGRATIONS", [*MIGRATIONS, broken])
    monkeypatch.setattr(store_connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="cannot be migrated"):
        open_store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables


def test_refuses_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.message == (
        f"store {path} has schema version {SCHEMA_VERSION + 5}, written by a newer comprehend "
        f"(this one reads up to {SCHEMA_VERSION}); upgrade comprehend or pass --db PATH"
    )


def test_corrupt_file_is_reported_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    garbage = b"this is not a database, it is a text file that happens to be here\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.message.startswith(f"store {path} is corrupt or not a SQLite database")
    assert f"mv {path} {path}.bad" in caught.value.message
    assert path.read_bytes() == garbage
