"""Comprehension debt: the share of weighted code that no current member is likely to
understand today, per week, with where its changes come from.

    U(s)  = 1 - prod over current members p of (1 - R(p, s))        (recall.py gives R)
    w(s)  = lines(s) * (1 + rank(s)) * (1 + ai_share(s))
    CD    = sum_s w(s) (1 - U(s)) / sum_s w(s)
    CD_ai = the same with w_ai(s) = ai_lines(s) * (1 + rank(s)) * 2

Everything is evaluated at three moments that can differ: the code as it stood at time C
(lines whose origin commit is not later than C), the answers given up to time X, and the
day T on which recall is read. A week's change of CD from T0 to T1 then splits exactly:

    forgetting = CD(C=T0, X=T0, T=T1) - CD(T0, T0, T0)
    new_code   = CD(T1, T0, T1)       - CD(T0, T0, T1)
    repayment  = CD(T1, T1, T1)       - CD(T1, T0, T1)

The code's history is read from the current lines' origins (blame), so deleted code does
not count in past weeks; the same store and repository always give the same history.
Evaluation is vectorized with numpy: a two-year history of 5,000 symbols and 100,000
answers is about a million recall values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from comprehend.quiz.recall import (
    ACCEPTED_AI_WEIGHT,
    DAY,
    PRIOR_HALF_LIFE,
    PRIOR_MAX,
    TimelineSet,
    decay_constants,
)

KNOWS = 0.5  # a member "understands" a symbol when their recall is at least this
_BIG = 1.0e6  # key spacing: days since the epoch stay far below it
_R_MAX = 0.999


@dataclass(frozen=True)
class Origin:
    """A run of a symbol's current lines from one commit."""

    person: str | None  # the commit's author (after .mailmap), None for an agent or bot
    cls: str  # ai | bot | human | unknown
    at: float  # unix seconds
    lines: int


@dataclass(frozen=True)
class SymbolFacts:
    id: str
    module: str
    rank: float  # 0..1, the module's PageRank over the largest
    origins: tuple[Origin, ...]


@dataclass(frozen=True)
class TeamFacts:
    symbols: tuple[SymbolFacts, ...]
    timelines: TimelineSet
    members: tuple[str, ...]  # current members
    now: float  # unix seconds


@dataclass(frozen=True)
class Week:
    week: str  # ISO week, e.g. 2026-W48
    end: float  # unix seconds (the Monday 00:00 UTC after it, or now for this week)
    debt: float
    debt_ai: float
    new_code: float
    forgetting: float
    repayment: float
    answers: int


@dataclass(frozen=True)
class Snapshot:
    """The state at one moment: per symbol weight, AI weight and understanding; per member
    and symbol, recall (dense: members x symbols, small enough for teams)."""

    weight: np.ndarray
    weight_ai: np.ndarray
    lines: np.ndarray
    ai_lines: np.ndarray
    understanding: np.ndarray
    recall: np.ndarray  # members x symbols

    @property
    def debt(self) -> float:
        return _share(self.weight, 1 - self.understanding)

    @property
    def debt_ai(self) -> float:
        return _share(self.weight_ai, 1 - self.understanding)


def _share(weight: np.ndarray, part: np.ndarray) -> float:
    total = float(weight.sum())
    return float((weight * part).sum() / total) if total > 0 else 0.0


class DebtModel:
    """Precomputed, sorted arrays over the facts; `snapshot(C, X, T)` evaluates them."""

    def __init__(self, facts: TeamFacts) -> None:
        self.facts = facts
        self.members = list(facts.members)
        member_index = {m: i for i, m in enumerate(self.members)}
        self.symbols = [s.id for s in facts.symbols]
        n = len(self.symbols)
        self.rank = np.array([s.rank for s in facts.symbols], dtype=float)
        self.factor, self.decay = decay_constants()

        # Origins of every symbol's lines, sorted by (symbol, day).
        rows = sorted((i, o.at / DAY, o.lines, o.lines if o.cls == "ai" else 0)
                      for i, s in enumerate(facts.symbols) for o in s.origins)
        o_sym = np.array([r[0] for r in rows], dtype=float)
        o_day = np.array([r[1] for r in rows], dtype=float)
        self._o_key = o_sym * _BIG + o_day
        self._o_lines = np.concatenate([[0.0], np.cumsum([r[2] for r in rows], dtype=float)])
        self._o_ai = np.concatenate([[0.0], np.cumsum([r[3] for r in rows], dtype=float)])
        self._o_start = np.searchsorted(self._o_key, np.arange(n) * _BIG, side="left")

        # Answer timelines of current members, sorted by (pair, day).
        t = facts.timelines
        sym_of = self._symbol_index
        keep = np.array([p in member_index and s in sym_of for p, s in
                         zip(t.persons, t.symbols, strict=True)], dtype=bool)
        kept = np.flatnonzero(keep)
        self._t_person = np.array([member_index[t.persons[i]] for i in kept], dtype=int)
        self._t_sym = np.array([sym_of[t.symbols[i]] for i in kept], dtype=int)
        entries = np.repeat(keep, t.sizes)
        sizes = t.sizes[keep]
        e_pair = np.repeat(np.arange(len(kept), dtype=float), sizes)
        self._e_day = t.days[entries]
        self._e_stab = t.stability[entries]
        self._e_right = t.last_right[entries]
        self._e_key = e_pair * _BIG + self._e_day
        self._e_start = np.searchsorted(self._e_key, np.arange(len(kept)) * _BIG, side="left")

        # Authorship of current members, per (member, symbol), sorted by day.
        author_rows = sorted(
            (member_index[o.person], i, o.at / DAY,
             o.lines if o.cls == "human" else 0, o.lines if o.cls == "ai" else 0)
            for i, s in enumerate(facts.symbols) for o in s.origins
            if o.person in member_index and o.cls in ("human", "ai"))
        author_pairs = sorted({(r[0], r[1]) for r in author_rows})
        pair_index = {p: k for k, p in enumerate(author_pairs)}
        self._a_person = np.array([p[0] for p in author_pairs], dtype=int)
        self._a_sym = np.array([p[1] for p in author_pairs], dtype=int)
        a_pair = np.array([pair_index[(r[0], r[1])] for r in author_rows], dtype=float)
        self._a_day = np.array([r[2] for r in author_rows], dtype=float)
        self._a_key = a_pair * _BIG + self._a_day
        self._a_hand = np.concatenate([[0.0], np.cumsum([r[3] for r in author_rows], dtype=float)])
        self._a_acc = np.concatenate([[0.0], np.cumsum([r[4] for r in author_rows], dtype=float)])
        self._a_start = np.searchsorted(self._a_key, np.arange(len(author_pairs)) * _BIG, side="left")
        timeline_of = {(int(p), int(s)): k for k, (p, s) in
                       enumerate(zip(self._t_person, self._t_sym, strict=True))}
        self._a_timeline = np.array([timeline_of.get(p, -1) for p in author_pairs], dtype=int)

    @property
    def _symbol_index(self) -> dict[str, int]:
        if not hasattr(self, "_symbols_by_id"):
            self._symbols_by_id = {s: i for i, s in enumerate(self.symbols)}
        return self._symbols_by_id

    def _lines_at(self, syms: np.ndarray, day: np.ndarray | float, cum: np.ndarray) -> np.ndarray:
        """Per symbol in `syms`, the cumulative `cum` of its origins up to `day`."""
        end = np.searchsorted(self._o_key, syms * _BIG + day, side="right")
        return cum[end] - cum[self._o_start[syms]]

    def snapshot(self, code: float, answers: float, now: float) -> Snapshot:
        """Code as of `code`, answers given up to `answers`, recall read on `now` (unix s)."""
        c, x, t = code / DAY, answers / DAY, now / DAY
        n, m = len(self.symbols), len(self.members)
        every = np.arange(n)
        lines = self._lines_at(every, c, self._o_lines)
        ai = self._lines_at(every, c, self._o_ai)
        with np.errstate(divide="ignore", invalid="ignore"):
            ai_share = np.where(lines > 0, ai / lines, 0.0)
        weight = lines * (1 + self.rank) * (1 + ai_share)
        weight_ai = ai * (1 + self.rank) * 2
        recall = np.zeros((m, n))

        # From answers: the last review up to `answers`, decayed to `now`, less what changed.
        k = len(self._t_sym)
        timeline_valid = np.zeros(k, dtype=bool)
        if k:
            idx = np.searchsorted(self._e_key, np.arange(k) * _BIG + x, side="right") - 1
            timeline_valid = idx >= self._e_start
            idx = np.where(timeline_valid, idx, 0)
            elapsed = np.maximum(t - self._e_day[idx], 0)
            r = (1 + self.factor * elapsed / self._e_stab[idx]) ** self.decay
            right = self._e_right[idx]
            syms = self._t_sym
            kept = self._lines_at(syms, np.where(np.isfinite(right), right, c), self._o_lines)
            with np.errstate(divide="ignore", invalid="ignore"):
                unchanged = np.where(lines[syms] > 0, kept / lines[syms], 0.0)
            r = np.where(np.isfinite(right), r * np.minimum(unchanged, 1.0), r)
            r = np.where(timeline_valid & (lines[syms] > 0), r, 0.0)
            recall[self._t_person, syms] = r

        # From authorship, where no answer counts yet.
        a = len(self._a_sym)
        if a:
            end = np.searchsorted(self._a_key, np.arange(a) * _BIG + c, side="right")
            start = self._a_start
            has = end > start
            last = np.where(has, end - 1, 0)
            hand = self._a_hand[end] - self._a_hand[start]
            acc = self._a_acc[end] - self._a_acc[start]
            touched = self._a_day[last]
            syms = self._a_sym
            total = lines[syms]
            since = total - self._lines_at(syms, touched, self._o_lines)
            with np.errstate(divide="ignore", invalid="ignore"):
                own = np.where(total > 0, np.minimum((hand + ACCEPTED_AI_WEIGHT * acc) / total, 1), 0)
                untouched = np.where(total > 0, 1 - since / total, 0)
            fade = 0.5 ** (np.maximum(t - touched, 0) / PRIOR_HALF_LIFE)
            prior = np.where(has, PRIOR_MAX * fade * own * untouched, 0.0)
            answered = (self._a_timeline >= 0) & timeline_valid[np.maximum(self._a_timeline, 0)] \
                if k else np.zeros(a, dtype=bool)
            prior = np.where(answered, recall[self._a_person, syms], prior)
            recall[self._a_person, syms] = prior

        recall = np.clip(recall, 0.0, _R_MAX)
        understanding = 1 - np.prod(1 - recall, axis=0) if m else np.zeros(n)
        return Snapshot(weight, weight_ai, lines, ai, understanding, recall)

    def weeks(self, start: float, answer_times: Sequence[float]) -> list[Week]:
        """One Week per ISO week from the one holding `start` to the current (partial) one."""
        from datetime import UTC, datetime, timedelta

        now = self.facts.now
        day0 = datetime.fromtimestamp(start, UTC)
        monday = datetime(day0.year, day0.month, day0.day, tzinfo=UTC) - timedelta(days=day0.weekday())
        ends: list[float] = []
        edge = monday + timedelta(days=7)
        while edge.timestamp() < now:
            ends.append(edge.timestamp())
            edge += timedelta(days=7)
        ends.append(now)
        times = np.sort(np.array(answer_times, dtype=float))
        out: list[Week] = []
        prev = monday.timestamp()
        base = self.snapshot(prev, prev, prev)
        for end in ends:
            forgot = self.snapshot(prev, prev, end)
            grown = self.snapshot(end, prev, end)
            current = self.snapshot(end, end, end)
            label_day = datetime.fromtimestamp(min(end, now) - 1, UTC).isocalendar()
            out.append(Week(
                week=f"{label_day.year}-W{label_day.week:02d}", end=end,
                debt=current.debt, debt_ai=current.debt_ai,
                forgetting=forgot.debt - base.debt, new_code=grown.debt - forgot.debt,
                repayment=current.debt - grown.debt,
                answers=int(np.searchsorted(times, end, side="right")
                            - np.searchsorted(times, prev, side="right")),
            ))
            prev, base = end, current
        return out


def truck_factor(snap: Snapshot) -> int:
    """How many current members leaving would leave at least half the weighted code
    understood by nobody (no remaining member with recall >= KNOWS). Members leave in
    order of how much weighted code they understand (the largest first), as in Avelino et
    al.'s truck factor; 0 when half the code is understood by nobody already."""
    knows = snap.recall >= KNOWS
    total = float(snap.weight.sum())
    if total <= 0:
        return 0
    knowers = knows.sum(axis=0)
    order = np.argsort(-(knows * snap.weight).sum(axis=1), kind="stable")
    orphaned = float(snap.weight[knowers == 0].sum())
    if orphaned >= total / 2:
        return 0
    for gone, member in enumerate(order, start=1):
        knowers = knowers - knows[member]
        orphaned = float(snap.weight[knowers == 0].sum())
        if orphaned >= total / 2:
            return gone
    return len(order)
