"""Team facts as plain rows: answers as recall needs them, answer counts per person, and
the recall cache (what FSRS made of every (person, symbol)'s answers, as one blob that
comprehend/quiz/recall.py encodes), so a team report replays only pairs with new answers."""

from __future__ import annotations

from comprehend.store.connection import Store

_CACHE_KEY = "recall-timelines"


def load_reviews(store: Store) -> list[tuple[str, str, float, int, int | None]]:
    """(person lower-cased, symbol, unix seconds, correct, rating) of every answer about a
    symbol, ordered by person, symbol and time."""
    return store.conn.execute(
        f"SELECT lower(trim(person)), symbol, {_AT}, correct, rating FROM answers "
        "WHERE symbol IS NOT NULL AND symbol != '' ORDER BY 1, 2, 3, rating").fetchall()


_AT = "CAST(strftime('%s', answered_at) AS INTEGER)"
_RATING = "coalesce(rating, CASE WHEN correct THEN 3 ELSE 1 END)"


def answers_digest(store: Store) -> tuple:
    """What identifies the answers: their count and two exact integer sums of their times.
    Answers are only ever added, so any change shows."""
    return tuple(store.conn.execute(
        f"SELECT count(*), total({_AT}), total({_AT} * {_RATING}) FROM answers "
        "WHERE symbol IS NOT NULL AND symbol != ''").fetchone())


def pair_digests(store: Store) -> dict[tuple[str, str], tuple]:
    """The same per (person lower-cased, symbol)."""
    return {(r[0], r[1]): tuple(r[2:]) for r in store.conn.execute(
        f"SELECT lower(trim(person)), symbol, count(*), total({_AT}), total({_AT} * {_RATING}) "
        "FROM answers WHERE symbol IS NOT NULL AND symbol != '' GROUP BY 1, 2")}


def answer_times(store: Store) -> list[float]:
    """Every answer's time (unix seconds)."""
    return [r[0] for r in store.conn.execute(f"SELECT {_AT} FROM answers")]


def active_people(store: Store, since: float) -> set[str]:
    """Who (lower-cased) answered at or after `since` (unix seconds)."""
    return {r[0] for r in store.conn.execute(
        f"SELECT DISTINCT lower(trim(person)) FROM answers WHERE {_AT} >= ?", (int(since),))}


def answer_counts(store: Store) -> dict[str, tuple[int, int]]:
    """person (lower-cased) -> (answers, right answers)."""
    return {row[0]: (row[1], row[2]) for row in store.conn.execute(
        "SELECT lower(trim(person)), count(*), sum(correct != 0) FROM answers GROUP BY 1")}


def load_recall_cache(store: Store) -> bytes | None:
    row = store.conn.execute("SELECT data FROM recall_cache WHERE key = ?", (_CACHE_KEY,)).fetchone()
    return row[0] if row else None


def save_recall_cache(store: Store, data: bytes) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO recall_cache (key, data) VALUES (?, ?)",
                     (_CACHE_KEY, data))


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
