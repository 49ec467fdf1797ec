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
pure functions of a pair's answers, cached by a digest of them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

PRIOR_MAX = 0.8  # a hand-written symbol fresh in its author's mind
PRIOR_HALF_LIFE = 180.0  # days
ACCEPTED_AI_WEIGHT = 0.25  # an accepted AI line against a hand-written one
DAY = 86400.0


@dataclass(frozen=True)
class Review:
    """One answer, as recall needs it. `at` is unix seconds; rating 1-4 (FSRS Again..Easy)."""

    person: str
    symbol: str
    at: float
    correct: bool
    rating: int


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


def digest(reviews: Sequence[Review]) -> str:
    key = json.dumps([[r.at, r.rating, r.correct] for r in reviews])
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def replay(reviews: Sequence[Review], scheduler=None) -> Timeline:
    """Replay one pair's reviews (sorted by time) through FSRS."""
    from fsrs import Card, Rating

    scheduler = scheduler or _scheduler()
    card = Card()
    days, stability, last_right = [], [], []
    right = float("-inf")
    for r in reviews:
        when = datetime.fromtimestamp(r.at, UTC)
        card, _ = scheduler.review_card(card, Rating(r.rating), review_datetime=when)
        if r.correct:
            right = r.at / DAY
        days.append(r.at / DAY)
        stability.append(float(card.stability or 0.01))
        last_right.append(right)
    first = reviews[0]
    return Timeline(first.person, first.symbol, tuple(days), tuple(stability), tuple(last_right))


def group_reviews(reviews: Iterable[Review]) -> dict[tuple[str, str], list[Review]]:
    pairs: dict[tuple[str, str], list[Review]] = {}
    for r in reviews:
        pairs.setdefault((r.person, r.symbol), []).append(r)
    for items in pairs.values():
        items.sort(key=lambda r: (r.at, r.rating))
    return pairs


def timelines(reviews: Iterable[Review], cached: dict[tuple[str, str], tuple[str, Timeline]]
              ) -> tuple[list[Timeline], dict[tuple[str, str], tuple[str, Timeline]]]:
    """Every pair's timeline, replaying only pairs whose answers differ from `cached`
    ((person, symbol) -> (digest, timeline)); returns them and the cache to keep."""
    scheduler = None
    out: list[Timeline] = []
    keep: dict[tuple[str, str], tuple[str, Timeline]] = {}
    for pair, items in group_reviews(reviews).items():
        d = digest(items)
        hit = cached.get(pair)
        if hit is not None and hit[0] == d:
            timeline = hit[1]
        else:
            scheduler = scheduler or _scheduler()
            timeline = replay(items, scheduler)
        keep[pair] = (d, timeline)
        out.append(timeline)
    return out, keep


def encode_timeline(t: Timeline) -> str:
    return json.dumps([t.days, t.stability, [x if x != float("-inf") else None for x in t.last_right]])


def decode_timeline(person: str, symbol: str, text: str) -> Timeline:
    days, stability, last_right = json.loads(text)
    return Timeline(person, symbol, tuple(days), tuple(stability),
                    tuple(float("-inf") if x is None else x for x in last_right))
