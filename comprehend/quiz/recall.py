"""Recall R(p, s): how likely person p could answer about symbol s on a given day.

Two sources, in order of evidence:
- answers: a person's answers about a symbol, replayed in time order through FSRS, give a
  timeline of (review time, stability, time of the last right answer). Between reviews
  recall decays by FSRS's power law, R = (1 + F t / S) ^ D, with t in days since the review.
  Lines of the symbol changed after the last right answer are unknown to that person again:
  R is multiplied by the share of the symbol's lines that are older than that answer.
- authorship, where no answer exists yet (the prior): a person who wrote lines by hand
  starts at PRIOR_MAX times their share of the symbol's lines, fading with a half-life of
  PRIOR_HALF_LIFE days since they last touched it, and times the share of lines nobody else
  changed since; lines they committed from an AI tool count ACCEPTED_AI_WEIGHT of a
  hand-written line; code only AI wrote gives nobody any recall.

The replay is the only slow part (FSRS costs about 66 microseconds a review); timelines are
pure functions of a pair's answers, cached in the store by a digest of them."""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, groupby

import numpy as np

PRIOR_MAX = 0.8  # a hand-written symbol fresh in its author's mind
PRIOR_HALF_LIFE = 180.0  # days
ACCEPTED_AI_WEIGHT = 0.25  # an accepted AI line against a hand-written one
DAY = 86400.0


# One answer as recall needs it: (person, symbol, unix seconds, correct, rating 1-4 or None).
Review = tuple[str, str, float, int, "int | None"]


@dataclass(frozen=True)
class Timeline:
    """What FSRS made of one person's answers about one symbol: after each review, its
    time (days since the epoch), the card's stability in days and the last right answer's
    time (days; -inf before any right answer)."""

    person: str
    symbol: str
    days: tuple[float, ...]
    stability: tuple[float, ...]
    last_right: tuple[float, ...]


def _scheduler():
    from fsrs import Scheduler

    # No fuzzing: the same answers always give the same timeline.
    return Scheduler(enable_fuzzing=False)


def decay_constants() -> tuple[float, float]:
    """FSRS's (FACTOR, DECAY): R = (1 + FACTOR * days / stability) ** DECAY."""
    scheduler = _scheduler()
    return float(scheduler._FACTOR), float(scheduler._DECAY)


def rating_of(review: Review) -> int:
    """FSRS rating of an answer: the stored one, else Again for wrong, Good for right."""
    return int(review[4] or (3 if review[3] else 1))


def replay(reviews: Sequence[Review], scheduler=None) -> Timeline:
    """Replay one pair's reviews (sorted by time) through FSRS."""
    from fsrs import Card, Rating

    scheduler = scheduler or _scheduler()
    card = Card()
    days, stability, last_right = [], [], []
    right = float("-inf")
    for r in reviews:
        when = datetime.fromtimestamp(r[2], UTC)
        card, _ = scheduler.review_card(card, Rating(rating_of(r)), review_datetime=when)
        if r[3]:
            right = r[2] / DAY
        days.append(r[2] / DAY)
        stability.append(float(card.stability or 0.01))
        last_right.append(right)
    return Timeline(reviews[0][0], reviews[0][1], tuple(days), tuple(stability), tuple(last_right))


@dataclass(frozen=True)
class TimelineSet:
    """Many pairs' timelines, flat: pair i owns `sizes[i]` consecutive entries of `days`,
    `stability` and `last_right`, in time order."""

    persons: tuple[str, ...]
    symbols: tuple[str, ...]
    sizes: np.ndarray
    days: np.ndarray
    stability: np.ndarray
    last_right: np.ndarray

    @staticmethod
    def of(timelines: Sequence[Timeline]) -> TimelineSet:
        n = sum(len(t.days) for t in timelines)
        return TimelineSet(
            tuple(t.person for t in timelines), tuple(t.symbol for t in timelines),
            np.array([len(t.days) for t in timelines], dtype=np.int64),
            np.fromiter(chain.from_iterable(t.days for t in timelines), float, n),
            np.fromiter(chain.from_iterable(t.stability for t in timelines), float, n),
            np.fromiter(chain.from_iterable(t.last_right for t in timelines), float, n))

    def timeline(self, i: int, start: int) -> Timeline:
        end = start + int(self.sizes[i])
        return Timeline(self.persons[i], self.symbols[i], tuple(self.days[start:end].tolist()),
                        tuple(self.stability[start:end].tolist()),
                        tuple(self.last_right[start:end].tolist()))


@dataclass(frozen=True)
class _Cache:
    overall: tuple
    digests: dict[tuple[str, str], tuple]
    timelines: TimelineSet
    times: np.ndarray  # every answer's time (unix seconds), sorted


def team_timelines(store) -> tuple[TimelineSet, np.ndarray]:
    """Every (person, symbol)'s timeline and every answer's time, from the store's answers.
    Nothing changed since the last call: read from the cache without a replay; else only
    pairs whose answers changed are replayed, and the cache is rewritten."""
    from comprehend.store.team import (
        answer_times,
        answers_digest,
        load_recall_cache,
        load_reviews,
        pair_digests,
        save_recall_cache,
    )

    overall = answers_digest(store)
    cache = _decode(load_recall_cache(store))
    if cache is not None and cache.overall == overall:
        return cache.timelines, cache.times
    digests = pair_digests(store)
    reused: dict[tuple[str, str], Timeline] = {}
    if cache is not None:
        start = 0
        for i, pair in enumerate(zip(cache.timelines.persons, cache.timelines.symbols, strict=True)):
            if digests.get(pair) == cache.digests.get(pair):
                reused[pair] = cache.timelines.timeline(i, start)
            start += int(cache.timelines.sizes[i])
    scheduler = None
    out: list[Timeline] = []
    for pair, group in groupby(load_reviews(store), key=lambda r: (r[0], r[1])):
        items = list(group)
        timeline = reused.get(pair)
        if timeline is None:
            scheduler = scheduler or _scheduler()
            timeline = replay(items, scheduler)
        out.append(timeline)
    result = TimelineSet.of(out)
    times = np.sort(np.array(answer_times(store), dtype=float))
    save_recall_cache(store, _encode(_Cache(overall, digests, result, times)))
    return result, times


def _encode(cache: _Cache) -> bytes:
    """One marshal blob (private to comprehend; a blob that does not decode is rebuilt)."""
    t = cache.timelines
    return marshal.dumps((_FORMAT, cache.overall, list(cache.digests.items()), t.persons,
                          t.symbols, t.sizes.tobytes(), t.days.tobytes(), t.stability.tobytes(),
                          t.last_right.tobytes(), cache.times.tobytes()))


def _decode(data: bytes | None) -> _Cache | None:
    if not data:
        return None
    try:
        fmt, overall, digests, persons, symbols, sizes, days, stab, right, times = marshal.loads(data)
    except (ValueError, TypeError, EOFError):
        return None
    if fmt != _FORMAT:
        return None
    return _Cache(tuple(overall), {tuple(k): tuple(v) for k, v in digests},
                  TimelineSet(tuple(persons), tuple(symbols), np.frombuffer(sizes, np.int64),
                              np.frombuffer(days), np.frombuffer(stab), np.frombuffer(right)),
                  np.frombuffer(times))


_FORMAT = 1
