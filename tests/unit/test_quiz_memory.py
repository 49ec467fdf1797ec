"""FSRS memory after scripted answers, the changed-code discount, and twenty processes
answering at once into one store."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State

from comprehend.quiz.model import Question, Source
from comprehend.quiz.schedule import Memory, changed_share, rating_for, recall, review
from comprehend.quiz.session import Recorder
from comprehend.store import open_store
from comprehend.store.quiz import load_answers, load_cards, save_questions

CODE = "def f(x):\n    y = x + 1\n    return y\n"


def question(kind: str = "callers", symbol: str = "pkg.f") -> Question:
    return Question(kind=kind, category="relation", prompt="Who calls f?", choices=("a", "b", "c"),
                    answer="b", explanation="b calls f.", source=Source(file="pkg.py", symbol=symbol,
                                                                         start_line=1, end_line=3),
                    evidence={"type": "graph", "edges": []}, policy_hash="p", code=CODE)


def row(q: Question) -> dict:
    from comprehend.quiz.generate import question_row

    return question_row(q)


def test_ratings_by_kind_and_time() -> None:
    assert rating_for("callers", False, 1) == Rating.Again
    assert rating_for("callers", True, 5) == Rating.Easy
    assert rating_for("callers", True, 20) == Rating.Good
    assert rating_for("callers", True, 31) == Rating.Hard
    assert rating_for("output", True, 20) == Rating.Easy  # running code in your head takes longer
    assert rating_for("output", True, 91) == Rating.Hard


def test_card_after_scripted_answers_matches_fsrs_itself(tmp_path) -> None:
    store = open_store(tmp_path / "s.db")
    q = question()
    save_questions(store, [row(q)])
    recorder = Recorder(store, "ana@example.com")
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    script = [("a", 4.0, start), ("b", 20.0, start + timedelta(minutes=15)),
              ("b", 3.0, start + timedelta(days=1)), ("b", 40.0, start + timedelta(days=5))]
    outcomes = [recorder.record(q, choice, seconds, when) for choice, seconds, when in script]
    assert [o.rating for o in outcomes] == ["Again", "Good", "Easy", "Hard"]
    assert [o.correct for o in outcomes] == [False, True, True, True]
    # The same reviews replayed on fsrs directly.
    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(card_id=1, due=start)
    for rating, (_c, seconds, when) in zip([Rating.Again, Rating.Good, Rating.Easy, Rating.Hard], script, strict=True):
        card, _ = scheduler.review_card(card, rating, review_datetime=when, review_duration=int(seconds * 1000))
    [stored] = load_cards(store, "ana@example.com")
    memory = Memory.decode(stored["fsrs"])
    assert stored["symbol"] == "pkg.f"
    assert (memory.card.state, memory.card.stability, memory.card.difficulty, memory.card.due) == (
        card.state, card.stability, card.difficulty, card.due)
    assert memory.card.state == State.Review
    assert [a["rating"] for a in load_answers(store, "ana@example.com")] == [1, 3, 4, 2]
    store.close()


def test_changed_code_counts_as_partly_unknown() -> None:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    memory = review(None, "ana", "pkg.f", Rating.Good, when, 10.0, CODE)
    later = when + timedelta(days=1)
    assert changed_share(memory, CODE) == 0.0
    same = recall(memory, later, CODE)
    changed = CODE.replace("x + 1", "x + 2")  # one of three lines is new to ana
    assert changed_share(memory, changed) == 1 / 3
    assert recall(memory, later, changed) == pytest.approx(same * 2 / 3, rel=1e-12)
    # A wrong answer does not teach the new lines; a right one does.
    wrong = review(memory, "ana", "pkg.f", Rating.Again, later, 10.0, changed)
    assert changed_share(wrong, changed) == 1 / 3
    right = review(wrong, "ana", "pkg.f", Rating.Good, later + timedelta(minutes=10), 10.0, changed)
    assert changed_share(right, changed) == 0.0


def _answer_many(db: str, person: str, count: int) -> None:
    with open_store(db) as store:
        recorder = Recorder(store, person)
        q = question()
        for i in range(count):
            recorder.record(q, "b" if i % 2 else "a", 5.0)


def test_twenty_concurrent_writers_lose_no_answer(tmp_path) -> None:
    db = tmp_path / "shared.db"
    with open_store(db) as store:
        save_questions(store, [row(question())])
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_answer_many, args=(str(db), f"p{i % 4}@example.com", 10))
               for i in range(20)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0] * 20
    with open_store(db) as store:
        answers = load_answers(store)
        assert len(answers) == 200
        assert len({a["id"] for a in answers}) == 200
        by_person = {}
        for a in answers:
            by_person[a["person"]] = by_person.get(a["person"], 0) + 1
        assert by_person == {f"p{i}@example.com": 50 for i in range(4)}
        assert sorted(c["person"] for c in load_cards(store)) == [f"p{i}@example.com" for i in range(4)]
