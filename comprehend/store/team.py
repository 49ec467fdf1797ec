"""The recall timelines cache: what FSRS made of each (person, symbol)'s answers, keyed by
a digest of those answers, so a team report replays only pairs with new answers. Plain rows:
the timeline is text that comprehend/quiz/recall.py encodes and decodes."""

from __future__ import annotations

from collections.abc import Sequence

from comprehend.store.connection import Store


def load_timelines(store: Store) -> list[tuple[str, str, str, str]]:
    """(person, symbol, digest, timeline text) of every cached pair."""
    return [tuple(r) for r in store.conn.execute(
        "SELECT person, symbol, digest, timeline FROM recall_timelines").fetchall()]


def save_timelines(store: Store, rows: Sequence[tuple[str, str, str, str]]) -> None:
    """Replace the cache with these (person, symbol, digest, timeline text) rows."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM recall_timelines")
        conn.executemany("INSERT INTO recall_timelines (person, symbol, digest, timeline) "
                         "VALUES (?, ?, ?, ?)", rows)


def export_answers(store: Store) -> list[tuple[dict, dict | None]]:
    """Every answer (ANSWER_COLUMNS keys) with its question (QUESTION_COLUMNS keys, JSON
    fields decoded; None when the question is not in this store)."""
    from comprehend.store.quiz import ANSWER_COLUMNS, load_questions

    rows = store.conn.execute(
        f"SELECT {', '.join(ANSWER_COLUMNS)} FROM answers WHERE id IS NOT NULL ORDER BY id"
    ).fetchall()
    answers = [dict(zip(ANSWER_COLUMNS, r, strict=True)) for r in rows]
    questions = {q["id"]: q for q in load_questions(store, sorted({a["question"] for a in answers}))}
    return [(a, questions.get(a["question"])) for a in answers]


def import_answers(store: Store, records: list[tuple[dict, dict | None]]) -> int:
    """Add answers (and their questions) this store lacks, in one transaction; returns how
    many answers were new. Answers are matched by id, questions by id."""
    import json

    from comprehend.store.quiz import ANSWER_COLUMNS, QUESTION_COLUMNS

    json_fields = ("choices", "source", "evidence")
    qcols = ", ".join(f'"{c}"' for c in QUESTION_COLUMNS)
    with store.transaction() as conn:
        before = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
        for answer, question in records:
            if question is not None:
                conn.execute(f"INSERT OR IGNORE INTO questions ({qcols}) VALUES "
                             f"({', '.join('?' * len(QUESTION_COLUMNS))})",
                             tuple(json.dumps(question.get(c), sort_keys=True) if c in json_fields
                                   else question.get(c) for c in QUESTION_COLUMNS))
            conn.execute(f"INSERT OR IGNORE INTO answers ({', '.join(ANSWER_COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(ANSWER_COLUMNS))})",
                         tuple(answer.get(c) for c in ANSWER_COLUMNS))
        return conn.execute("SELECT count(*) FROM answers").fetchone()[0] - before
