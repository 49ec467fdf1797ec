"""The recall cache in a real store: a repeat replays nothing, a new answer replays only its
pair, and either way the timelines equal a full replay from scratch."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from comprehend.quiz import recall
from comprehend.store import open_store
from comprehend.store.quiz import record_answer, save_questions
from comprehend.store.team import load_reviews


def add(store, n: int, person: str, symbol: str, day: int, correct: bool) -> None:
    save_questions(store, [{"id": f"q{n}", "kind": "callers", "category": "relation",
                            "symbol": symbol, "commit": None, "prompt": f"p{n}", "choices": [],
                            "answer": "a", "explanation": "", "policy_hash": "", "verified": 1,
                            "code": "", "source": {}, "evidence": {}, "language": "python",
                            "created_at": None}])
    record_answer(store, {"id": f"a{n}", "question": f"q{n}", "person": person, "symbol": symbol,
                          "answered_at": f"2026-05-{day:02d}T09:30:00+02:00", "correct": int(correct),
                          "seconds": 3.0, "rating": None, "choice": None, "session": None}, None)


def from_scratch(store) -> recall.TimelineSet:
    from itertools import groupby

    return recall.TimelineSet.of([recall.replay(list(g)) for _, g in
                                  groupby(load_reviews(store), key=lambda r: (r[0], r[1]))])


def same(a: recall.TimelineSet, b: recall.TimelineSet) -> bool:
    return (a.persons, a.symbols) == (b.persons, b.symbols) and all(
        np.array_equal(x, y) for x, y in ((a.sizes, b.sizes), (a.days, b.days),
                                          (a.stability, b.stability),
                                          (a.last_right, b.last_right)))


def test_new_answers_replay_only_their_pair(tmp_path: Path, monkeypatch) -> None:
    with open_store(tmp_path / "s.db") as store:
        add(store, 1, "Ann@x", "m.f", 1, True)
        add(store, 2, "ann@x", "m.f", 3, False)
        add(store, 3, "bo@x", "m.g", 2, True)
        first, times = recall.team_timelines(store)
        assert same(first, from_scratch(store))
        assert first.persons == ("ann@x", "bo@x")  # one person, however the email was cased
        assert times.tolist() == [datetime(2026, 5, d, 7, 30, tzinfo=UTC).timestamp() for d in (1, 2, 3)]

        replayed: list[tuple[str, str]] = []
        real = recall.replay
        monkeypatch.setattr(recall, "replay", lambda items, s=None: replayed.append(
            (items[0][0], items[0][1])) or real(items, s))
        again, _ = recall.team_timelines(store)
        assert (replayed, same(again, first)) == ([], True)

        add(store, 4, "bo@x", "m.g", 9, True)
        third, times = recall.team_timelines(store)
        assert replayed == [("bo@x", "m.g")]
        assert same(third, from_scratch(store))
        assert len(times) == 4
