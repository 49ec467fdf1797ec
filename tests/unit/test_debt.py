"""The comprehension-debt model on scripted facts, with every figure worked out by hand in
the test (the formulas are in comprehend/quiz/debt.py and recall.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fsrs import Card, Rating, Scheduler

from comprehend.quiz.debt import DebtModel, Origin, SymbolFacts, TeamFacts, truck_factor
from comprehend.quiz.recall import TimelineSet, replay

DAY = 86400.0
T0 = datetime(2026, 3, 2, tzinfo=UTC).timestamp()  # a Monday


def symbol(id_: str, *origins: Origin, rank: float = 0.0) -> SymbolFacts:
    return SymbolFacts(id=id_, module=id_.rsplit(".", 1)[0], rank=rank, origins=origins)


def model(symbols, members, now, reviews=()) -> DebtModel:
    by_pair: dict = {}
    for r in reviews:
        by_pair.setdefault((r[0], r[1]), []).append(r)
    timelines = TimelineSet.of([replay(sorted(items, key=lambda r: r[2])) for items in by_pair.values()])
    return DebtModel(TeamFacts(tuple(symbols), timelines, tuple(members), now))


def test_a_hand_written_symbol_starts_at_the_prior_and_fades_with_a_half_life() -> None:
    f = symbol("m.f", Origin("alice@x", "human", T0, 10))
    fresh = model([f], ["alice@x"], T0).snapshot(T0, T0, T0)
    assert fresh.recall[0, 0] == pytest.approx(0.8)
    assert fresh.debt == pytest.approx(0.2)
    later = model([f], ["alice@x"], T0 + 180 * DAY).snapshot(T0 + 180 * DAY, T0, T0 + 180 * DAY)
    assert later.recall[0, 0] == pytest.approx(0.4)  # one half-life: 0.8 * 0.5
    assert later.debt == pytest.approx(0.6)


def test_accepted_ai_lines_give_a_quarter_and_ai_only_code_gives_nobody_anything() -> None:
    f = symbol("m.f", Origin("alice@x", "human", T0, 10))
    g = symbol("m.g", Origin("bob@x", "ai", T0, 10))  # bob committed what an AI wrote
    h = symbol("m.h", Origin(None, "ai", T0, 10))  # an agent's own commit
    snap = model([f, g, h], ["alice@x", "bob@x"], T0).snapshot(T0, T0, T0)
    assert snap.recall[1, 1] == pytest.approx(0.8 * 0.25)
    assert snap.understanding.tolist() == pytest.approx([0.8, 0.2, 0.0])
    # weights: lines * (1 + rank) * (1 + ai share) = 10, 20, 20
    assert snap.weight.tolist() == [10.0, 20.0, 20.0]
    assert snap.debt == pytest.approx((10 * 0.2 + 20 * 0.8 + 20 * 1.0) / 50)
    assert snap.debt_ai == pytest.approx((20 * 0.8 + 20 * 1.0) / 40)


def test_lines_changed_by_someone_else_since_take_their_share_off_the_prior() -> None:
    f = symbol("m.f", Origin("alice@x", "human", T0, 6), Origin("carol@x", "human", T0 + DAY, 4))
    snap = model([f], ["alice@x"], T0 + DAY).snapshot(T0 + DAY, T0 + DAY, T0 + DAY)
    fade = 0.5 ** (1 / 180)
    assert snap.recall[0, 0] == pytest.approx(0.8 * fade * 0.6 * 0.6)


def test_understanding_combines_members_as_independent_chances() -> None:
    f = symbol("m.f", Origin("alice@x", "human", T0, 5), Origin("bob@x", "human", T0, 5))
    snap = model([f], ["alice@x", "bob@x"], T0).snapshot(T0, T0, T0)
    # each wrote half and nobody changed it since: R = 0.8 * 0.5 = 0.4 each
    assert snap.understanding[0] == pytest.approx(1 - 0.6 * 0.6)


def test_a_former_members_knowledge_leaves_with_them() -> None:
    f = symbol("m.f", Origin("alice@x", "human", T0, 10))
    with_alice = model([f], ["alice@x", "bob@x"], T0).snapshot(T0, T0, T0)
    without = model([f], ["bob@x"], T0).snapshot(T0, T0, T0)
    assert (with_alice.debt, without.debt) == (pytest.approx(0.2), 1.0)


def test_right_answers_replace_the_prior_with_fsrs_recall() -> None:
    h = symbol("m.h", Origin(None, "ai", T0, 10))
    answer = ("bob@x", "m.h", T0 + DAY, 1, 3)
    now = T0 + 11 * DAY
    snap = model([h], ["bob@x"], now, [answer]).snapshot(now, now, now)
    scheduler = Scheduler(enable_fuzzing=False)
    card, _ = scheduler.review_card(Card(), Rating.Good, review_datetime=datetime.fromtimestamp(T0 + DAY, UTC))
    expected = scheduler.get_card_retrievability(card, datetime.fromtimestamp(now, UTC))
    assert snap.recall[0, 0] == pytest.approx(expected, rel=1e-6)
    assert snap.debt == pytest.approx(1 - expected, rel=1e-6)
    before = model([h], ["bob@x"], now, [answer]).snapshot(now, T0, now)  # answers up to T0
    assert before.debt == 1.0


def test_code_changed_after_the_last_right_answer_is_partly_unknown_again() -> None:
    h = symbol("m.h", Origin(None, "ai", T0, 6), Origin(None, "ai", T0 + 2 * DAY, 4))
    answer = ("bob@x", "m.h", T0 + DAY, 1, 3)
    now = T0 + 3 * DAY
    unchanged = model([symbol("m.h", Origin(None, "ai", T0, 10))], ["bob@x"], now, [answer])
    changed = model([h], ["bob@x"], now, [answer])
    base = unchanged.snapshot(now, now, now).recall[0, 0]
    assert changed.snapshot(now, now, now).recall[0, 0] == pytest.approx(base * 0.6)


def test_a_week_splits_into_forgetting_new_code_and_repayment_that_add_up() -> None:
    f = symbol("m.f", Origin("alice@x", "human", T0, 10))
    g = symbol("m.g", Origin(None, "ai", T0 + 8 * DAY, 10))  # new AI code in week two
    answer = ("alice@x", "m.g", T0 + 9 * DAY, 1, 3)
    now = T0 + 13 * DAY
    m = model([f, g], ["alice@x"], now, [answer])
    first, second = m.weeks(T0, [answer[2]])
    assert (first.week, second.week) == ("2026-W10", "2026-W11")
    assert first.debt == pytest.approx(1 - 0.8 * 0.5 ** (7 / 180))
    assert second.debt - first.debt == pytest.approx(
        second.forgetting + second.new_code + second.repayment)
    # forgetting: f alone, from day 7 to day 13
    assert second.forgetting == pytest.approx(0.8 * (0.5 ** (7 / 180) - 0.5 ** (13 / 180)))
    assert second.new_code > 0 > second.repayment
    assert (first.answers, second.answers) == (0, 1)


def test_weeks_replay_to_the_same_history_every_time() -> None:
    f = symbol("m.f", Origin("alice@x", "human", T0, 10))
    answer = ("alice@x", "m.f", T0 + 9 * DAY, 0, 1)
    runs = [model([f], ["alice@x"], T0 + 20 * DAY, [answer]).weeks(T0, [answer[2]]) for _ in range(2)]
    assert runs[0] == runs[1]


def test_truck_factor_counts_members_leaving_until_half_the_code_is_orphaned() -> None:
    symbols = [symbol("m.a", Origin("alice@x", "human", T0, 10)),
               symbol("m.b", Origin("alice@x", "human", T0, 10)),
               symbol("m.c", Origin("bob@x", "human", T0, 10)),
               symbol("m.d", Origin("carol@x", "human", T0, 10))]
    snap = model(symbols, ["alice@x", "bob@x", "carol@x"], T0).snapshot(T0, T0, T0)
    # alice understands half alone: when she leaves, half is understood by nobody
    assert truck_factor(snap) == 1
    spread = [symbol("m.a", Origin("alice@x", "human", T0, 10)),
              symbol("m.b", Origin("bob@x", "human", T0, 10)),
              symbol("m.c", Origin("carol@x", "human", T0, 10)),
              symbol("m.d", Origin("dan@x", "human", T0, 10))]
    snap = model(spread, ["alice@x", "bob@x", "carol@x", "dan@x"], T0).snapshot(T0, T0, T0)
    assert truck_factor(snap) == 2
