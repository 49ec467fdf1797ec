"""Reads and writes of quiz facts as plain rows: questions (with their proof), answers
(one transaction each, so twenty people answering at once lose nothing) and FSRS cards."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

from comprehend.store.connection import Store

QUESTION_COLUMNS = ("id", "kind", "category", "symbol", "commit", "prompt", "choices", "answer",
                    "explanation", "policy_hash", "verified", "code", "source", "evidence",
                    "language", "created_at")
ANSWER_COLUMNS = ("id", "question", "person", "symbol", "answered_at", "correct", "seconds",
                  "rating", "choice", "session")
_JSON_QUESTION = ("choices", "source", "evidence")


def save_questions(store: Store, questions: Sequence[dict[str, Any]]) -> None:
    """Questions as dicts with QUESTION_COLUMNS keys (choices/source/evidence as JSON-able
    values); a question already stored (same id) is kept as it was."""
    rows = [tuple(json.dumps(q[c], sort_keys=True) if c in _JSON_QUESTION else q[c]
                  for c in QUESTION_COLUMNS) for q in questions]
    cols = ", ".join(f'"{c}"' for c in QUESTION_COLUMNS)
    with store.transaction() as conn:
        conn.executemany(f"INSERT OR IGNORE INTO questions ({cols}) VALUES "
                         f"({', '.join('?' * len(QUESTION_COLUMNS))})", rows)


def load_questions(store: Store, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    cols = ", ".join(f'"{c}"' for c in QUESTION_COLUMNS)
    if ids is None:
        rows = store.conn.execute(f"SELECT {cols} FROM questions ORDER BY rowid").fetchall()
    else:
        rows = []
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            rows += store.conn.execute(
                f"SELECT {cols} FROM questions WHERE id IN ({','.join('?' * len(chunk))})",
                chunk).fetchall()
    out = []
    for row in rows:
        item = dict(zip(QUESTION_COLUMNS, row, strict=True))
        for c in _JSON_QUESTION:
            item[c] = json.loads(item[c])
        out.append(item)
    return out


BUSY_RETRIES = 8  # on top of the connection's 30 s busy timeout


def record_answer(store: Store, answer: dict[str, Any], card: dict[str, Any] | None = None,
                  update_card: Callable[[dict[str, Any] | None], dict[str, Any]] | None = None) -> None:
    """One answer (ANSWER_COLUMNS keys) and the card it updates ({person, symbol, fsrs,
    updated_at}) in one transaction. An answer already stored (same id) is not repeated.

    `update_card`, instead of `card`, is given the card row as stored (or None) inside the
    transaction and returns the new row: two sessions answering about the same symbol at
    once then both count. A busy store is retried with backoff, so no answer is dropped."""
    for attempt in range(BUSY_RETRIES + 1):
        try:
            _record(store, answer, card, update_card)
            return
        except sqlite3.OperationalError as exc:
            if attempt == BUSY_RETRIES or "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(min(2.0, 0.05 * 2 ** attempt))


def _record(store: Store, answer: dict[str, Any], card: dict[str, Any] | None,
            update_card: Callable[[dict[str, Any] | None], dict[str, Any]] | None) -> None:
    with store.transaction() as conn:
        cursor = conn.execute(f"INSERT OR IGNORE INTO answers ({', '.join(ANSWER_COLUMNS)}) VALUES "
                              f"({', '.join('?' * len(ANSWER_COLUMNS))})",
                              tuple(answer[c] for c in ANSWER_COLUMNS))
        if update_card is not None and cursor.rowcount:
            row = conn.execute("SELECT person, symbol, fsrs, updated_at FROM cards WHERE person = ? "
                               "AND symbol = ?", (answer["person"], answer["symbol"])).fetchone()
            old = dict(zip(("person", "symbol", "fsrs", "updated_at"), row, strict=True)) if row else None
            card = update_card(old)
        if card is not None:
            conn.execute("INSERT OR REPLACE INTO cards (person, symbol, fsrs, updated_at) "
                         "VALUES (?, ?, ?, ?)",
                         (card["person"], card["symbol"], card["fsrs"], card["updated_at"]))


def load_answers(store: Store, person: str | None = None,
                 symbol: str | None = None) -> list[dict[str, Any]]:
    """Answers in the order they were given (answered_at, then id)."""
    where, args = [], []
    if person is not None:
        where.append("person = ?")
        args.append(person)
    if symbol is not None:
        where.append("symbol = ?")
        args.append(symbol)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = store.conn.execute(f"SELECT {', '.join(ANSWER_COLUMNS)} FROM answers{clause} "
                              "ORDER BY answered_at, id", args).fetchall()
    return [dict(zip(ANSWER_COLUMNS, r, strict=True)) for r in rows]


def load_cards(store: Store, person: str | None = None) -> list[dict[str, Any]]:
    query = "SELECT person, symbol, fsrs, updated_at FROM cards"
    rows = (store.conn.execute(query + " WHERE person = ?", (person,)) if person
            else store.conn.execute(query)).fetchall()
    return [dict(zip(("person", "symbol", "fsrs", "updated_at"), r, strict=True)) for r in rows]


QUIZ_FACTS_KEPT = 16  # a few commits' ranks and AI shares: the ones sessions come back to


def load_quiz_facts(store: Store, key: str) -> bytes | None:
    row = store.conn.execute("SELECT data FROM quiz_facts WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def save_quiz_facts(store: Store, key: str, data: bytes) -> None:
    """Keep facts under `key`, and only the most recent few entries."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{time.time_ns() % 10**9:09d}"
    with store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO quiz_facts (key, built_at, data) VALUES (?, ?, ?)",
                     (key, stamp, data))
        conn.execute("DELETE FROM quiz_facts WHERE key NOT IN "
                     "(SELECT key FROM quiz_facts ORDER BY built_at DESC LIMIT ?)", (QUIZ_FACTS_KEPT,))
