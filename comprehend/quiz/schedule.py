"""Memory: each answer is an FSRS review of the card (person, symbol).

Rating from the answer: wrong -> Again; right -> Hard, Good or Easy by how long it took,
against thresholds per question kind (reading a graph relation is quicker than working out
what code prints). A card remembers, beside FSRS's own state, which lines the symbol had
when the person last answered right (short hashes of its stripped lines): a symbol that has
changed since counts as partly unknown again, in proportion to the share of its current
lines that person has not seen (`recall`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

# (fast, slow) seconds: right within `fast` is Easy, beyond `slow` is Hard, else Good.
THRESHOLDS: dict[str, tuple[float, float]] = {
    "callers": (8, 30), "callees": (8, 30), "blast_radius": (10, 40),
    "history": (10, 40), "co_change": (10, 40), "roles": (10, 40), "bank": (12, 60),
    "output": (20, 90), "trace": (20, 90), "spot_bug": (25, 120), "exception_source": (20, 90),
}
DEFAULT_THRESHOLDS = (12, 60)
# Without fuzzing the same answers give the same schedule: tests and teams can reason about it.
SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(kind: str, correct: bool, seconds: float | None) -> Rating:
    if not correct:
        return Rating.Again
    if seconds is None:
        return Rating.Good
    fast, slow = THRESHOLDS.get(kind, DEFAULT_THRESHOLDS)
    if seconds <= fast:
        return Rating.Easy
    if seconds > slow:
        return Rating.Hard
    return Rating.Good


@dataclass(frozen=True)
class Memory:
    """A card's FSRS state and the lines of its symbol last answered right."""

    card: Card
    known: frozenset[str]  # line hashes

    def encode(self) -> str:
        return json.dumps({"card": self.card.to_dict(), "known": sorted(self.known)}, sort_keys=True)

    @classmethod
    def decode(cls, text: str) -> Memory:
        data = json.loads(text)
        return cls(Card.from_dict(data["card"]), frozenset(data.get("known", ())))


def new_card(person: str, symbol: str, now: datetime) -> Card:
    """A fresh card with an id derived from (person, symbol): FSRS's default id is the clock."""
    card_id = int(hashlib.sha256(f"{person}\0{symbol}".encode()).hexdigest()[:12], 16)
    return Card(card_id=card_id, due=now)


def line_hashes(code: str) -> frozenset[str]:
    return frozenset(hashlib.sha256(line.strip().encode()).hexdigest()[:10]
                     for line in code.splitlines() if line.strip())


def review(memory: Memory | None, person: str, symbol: str, rating: Rating, when: datetime,
           seconds: float | None, code: str) -> Memory:
    """The card after one answer; a right answer marks the symbol's current lines as known."""
    when = when.astimezone(UTC)
    card = memory.card if memory is not None else new_card(person, symbol, when)
    duration = int(seconds * 1000) if seconds is not None else None
    card, _log = SCHEDULER.review_card(card, rating, review_datetime=when, review_duration=duration)
    known = memory.known if memory is not None else frozenset()
    if rating != Rating.Again:
        known = line_hashes(code)
    return Memory(card, known)


def changed_share(memory: Memory, current_code: str) -> float:
    """Share of the symbol's current lines not among those last answered right."""
    now = line_hashes(current_code)
    if not now or not memory.known:
        return 0.0 if not now else 1.0
    return len(now - memory.known) / len(now)


def recall(memory: Memory | None, now: datetime, current_code: str | None = None) -> float:
    """The chance the person would answer about the symbol right now: FSRS retrievability,
    times the share of its lines unchanged since their last right answer."""
    if memory is None:
        return 0.0
    r = SCHEDULER.get_card_retrievability(memory.card, now.astimezone(UTC))
    if current_code is not None:
        r *= 1.0 - changed_share(memory, current_code)
    return r


def memories(cards: Sequence[dict]) -> dict[str, Memory]:
    """symbol -> Memory from the store's card rows of one person."""
    return {row["symbol"]: Memory.decode(row["fsrs"]) for row in cards}
