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
