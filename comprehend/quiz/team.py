"""The team report: comprehension debt now and week by week, the modules holding most of
it, knowledge islands, the comprehension truck factor and each member's reach, as plain
frozen records that the text, JSON and HTML outputs and the Team screen all draw from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from comprehend.quiz.debt import KNOWS, DebtModel, Snapshot, TeamFacts, Week, truck_factor
from comprehend.quiz.teamfacts import Membership


@dataclass(frozen=True)
class MemberReach:
    email: str
    answers: int
    correct: int
    understood_share: float  # weighted share of the code this member likely understands


@dataclass(frozen=True)
class ModuleDebt:
    id: str
    path: str
    lines: int
    debt: float
    ai_share: float
    understood_by: tuple[str, ...]  # members who understand at least half of it
    recall: tuple[tuple[str, float], ...] = ()  # (member, their weighted mean recall of it)


@dataclass(frozen=True)
class Island:
    """Code only one current member understands."""

    module: str
    member: str
    symbols: int
    lines: int


@dataclass(frozen=True)
class MonthSpend:
    """What the LLM cost in one month: every model call, answered or from the cache."""

    month: str  # YYYY-MM (UTC)
    calls: int
    cached: int  # calls answered from the on-disk cache (free)
    tokens: int
    cost_usd: float

    def text(self) -> str:
        return (f"{self.month}: ${self.cost_usd:.4f}, {self.tokens:,} tokens, {self.calls} call(s)"
                f"{f', {self.cached} from the cache' if self.cached else ''}")


@dataclass(frozen=True)
class TeamReport:
    debt: float
    debt_ai: float
    answers: int
    members: tuple[MemberReach, ...]
    former: tuple[str, ...]
    membership: str  # config | activity
    modules: tuple[ModuleDebt, ...]  # most debt (weighted) first
    weeks: tuple[Week, ...]
    islands: tuple[Island, ...]
    truck_factor: int
    symbols: int
    lines: int
    spend: tuple[MonthSpend, ...] = ()  # LLM spend per month, newest first (none: no calls)

    def for_member(self, email: str) -> TeamReport:
        """The report narrowed to one member's reach and islands (UserError if unknown)."""
        from dataclasses import replace

        from comprehend.errors import UserError

        person = email.strip().lower()
        known = [m.email for m in self.members]
        if person not in known:
            former = " (a former member)" if person in self.former else ""
            raise UserError(f"--member {email}: not a current member of this team{former}; "
                            f"current: {', '.join(known) or 'none'} (see [team] members)")
        return replace(self, members=tuple(m for m in self.members if m.email == person),
                       islands=tuple(i for i in self.islands if i.member == person))

    def to_json(self) -> dict[str, Any]:
        return {
            "debt": self.debt, "debt_ai": self.debt_ai, "answers": self.answers,
            "members": [{"email": m.email, "answers": m.answers, "correct": m.correct,
                         "understood_share": m.understood_share} for m in self.members],
            "former": list(self.former), "membership": self.membership,
            "modules": [{"id": m.id, "path": m.path, "lines": m.lines, "debt": m.debt,
                         "ai_share": m.ai_share, "understood_by": list(m.understood_by),
                         "recall": dict(m.recall)} for m in self.modules],
            "weeks": [{"week": w.week, "debt": w.debt, "debt_ai": w.debt_ai,
                       "new_code": w.new_code, "forgetting": w.forgetting,
                       "repayment": w.repayment, "answers": w.answers} for w in self.weeks],
            "islands": [{"module": i.module, "member": i.member, "symbols": i.symbols,
                         "lines": i.lines} for i in self.islands],
            "truck_factor": self.truck_factor, "symbols": self.symbols, "lines": self.lines,
            **({"llm_spend": [{"month": m.month, "calls": m.calls, "cached": m.cached,
                               "tokens": m.tokens, "cost_usd": m.cost_usd} for m in self.spend]}
               if self.spend else {}),
        }


def build_report(facts: TeamFacts, membership: Membership, counts: dict[str, tuple[int, int]],
                 answer_times: Sequence[float], since: float, module_paths: dict[str, str],
                 ) -> TeamReport:
    """`counts`: person -> (answers, right answers)."""
    model = DebtModel(facts)
    now = facts.now
    snap = model.snapshot(now, now, now)
    first = min((o.at for s in facts.symbols for o in s.origins), default=now)
    weeks = model.weeks(max(since, first), answer_times)
    return TeamReport(
        debt=snap.debt, debt_ai=snap.debt_ai, answers=sum(n for n, _ in counts.values()),
        members=_reach(model, snap, counts), former=membership.former,
        membership=membership.source, modules=_modules(model, snap, module_paths),
        weeks=tuple(weeks), islands=_islands(model, snap, module_paths), truck_factor=truck_factor(snap),
        symbols=int((snap.lines > 0).sum()), lines=int(snap.lines.sum()),
    )


def _reach(model: DebtModel, snap: Snapshot, counts: dict[str, tuple[int, int]]
           ) -> tuple[MemberReach, ...]:
    total = float(snap.weight.sum()) or 1.0
    known = (snap.recall >= KNOWS) @ snap.weight / total if len(model.members) else []
    reach = [MemberReach(m, *counts.get(m, (0, 0)), float(known[i]))
             for i, m in enumerate(model.members)]
    return tuple(sorted(reach, key=lambda r: (-r.understood_share, r.email)))


def _modules(model: DebtModel, snap: Snapshot, paths: dict[str, str]) -> tuple[ModuleDebt, ...]:
    by_module: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(model.facts.symbols):
        if snap.lines[i] > 0:
            by_module[s.module].append(i)
    out = []
    for module, idx in by_module.items():
        ix = np.array(idx)
        weight = snap.weight[ix]
        total = float(weight.sum())
        lines = float(snap.lines[ix].sum())
        knows = (snap.recall[:, ix] >= KNOWS) * weight
        shares = [(m, float(knows[j].sum() / total) if total > 0 else 0.0)
                  for j, m in enumerate(model.members)]
        understood_by = tuple(sorted(m for m, share in shares if share >= 0.5))
        out.append(ModuleDebt(
            id=module, path=paths.get(module, module), lines=int(lines),
            debt=float((weight * (1 - snap.understanding[ix])).sum() / total) if total else 0.0,
            ai_share=float(snap.ai_lines[ix].sum() / lines) if lines else 0.0,
            understood_by=understood_by,
            recall=tuple((m, float((snap.recall[j, ix] * weight).sum() / total) if total else 0.0)
                         for j, m in enumerate(model.members))))
    # Most debt first, weighted by size: where the team's ignorance is largest.
    out.sort(key=lambda m: (-m.debt * m.lines, m.id))
    return tuple(out)


def _islands(model: DebtModel, snap: Snapshot, paths: dict[str, str]) -> tuple[Island, ...]:
    knows = snap.recall >= KNOWS
    alone = knows.sum(axis=0) == 1
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for i in np.flatnonzero(alone & (snap.lines > 0)):
        member = model.members[int(np.argmax(knows[:, i]))]
        module = model.facts.symbols[i].module
        group = groups[(paths.get(module, module), member)]
        group[0] += 1
        group[1] += int(snap.lines[i])
    islands = [Island(module, member, n, lines) for (module, member), (n, lines) in groups.items()]
    islands.sort(key=lambda i: (-i.lines, i.module, i.member))
    return tuple(islands)
