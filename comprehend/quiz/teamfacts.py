"""The facts comprehension debt is computed from, gathered from the repository and the
store: every symbol's current lines with who wrote them, when and how (blame at head and
the store's classified commits), the module ranks, the answers, and who is on the team."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from comprehend import git
from comprehend.config import Config
from comprehend.git import Repository
from comprehend.graph.codegraph import CodeGraph
from comprehend.history.attribution import commit_from_row
from comprehend.history.blame import attribute_files
from comprehend.quiz.debt import Origin, SymbolFacts, TeamFacts
from comprehend.quiz.recall import team_timelines
from comprehend.store.history import load_commits
from comprehend.store.team import active_people

ACTIVE_DAYS = 365  # without [team] members: who committed or answered in this many days
_SYMBOL_KINDS = ("function", "class", "constant", "module", "package")


@dataclass(frozen=True)
class Membership:
    current: tuple[str, ...]
    former: tuple[str, ...]
    source: str  # "config" ([team] members) or "activity" (the last ACTIVE_DAYS days)


def normalize(email: str) -> str:
    return email.strip().lower()


def symbol_lines(graph: CodeGraph) -> dict[str, dict[int, str]]:
    """path -> line -> the innermost symbol holding it (the module for lines outside any
    definition), for every code file outside tests."""
    owners: dict[str, dict[int, str]] = {}
    module_of_path = {n["path"]: i for i, n in graph.nodes.items()
                      if n["kind"] in ("module", "package") and n.get("language")}
    for path, lines, module in ((f[0], f[3], module_of_path.get(f[0])) for f in graph.files):
        if module is None or graph.nodes[module].get("is_test") or not lines:
            continue
        owner = dict.fromkeys(range(1, lines + 1), module)
        # Outer definitions first, inner ones overwrite: each line goes to the innermost.
        for start, end, node_id in sorted(graph.spans.get(path, ()), key=lambda s: (s[0], -s[1])):
            node = graph.nodes.get(node_id)
            if node is None or node["kind"] not in _SYMBOL_KINDS or node.get("is_test"):
                continue
            for line in range(start, min(end, lines) + 1):
                owner[line] = node_id
        owners[path] = owner
    return owners


def gather(repo: Repository, config: Config, store, graph: CodeGraph, head: str,
           progress: Callable[[int, int], None] | None = None,
           now: float | None = None) -> tuple[TeamFacts, Membership, np.ndarray]:
    """The team facts at `head`, the membership and every answer's time (unix seconds)."""
    now = time.time() if now is None else now
    owners = symbol_lines(graph)
    attributed = attribute_files(repo, config, store, sorted(owners), head, progress=progress) \
        if owners else {}
    shas = {a.commit for lines in attributed.values() for a in lines}
    commits = {sha: commit_from_row(row) for sha, row in load_commits(store, shas).items()}
    mailmapped = {c.sha: normalize(c.author_email) for c in git.commit_summaries(repo, head)}

    def person_of(sha: str) -> str | None:
        c = commits.get(sha)
        if c is None or c.cls == "bot":
            return None
        if any(s.kind == "identity" and s.where == "author" for s in c.signals):
            return None  # the author is an agent itself
        return mailmapped.get(sha, normalize(c.email))

    groups: dict[str, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))
    for path, lines in attributed.items():
        owner = owners[path]
        for a in lines:
            symbol = owner.get(a.line)
            if symbol is None:
                continue
            c = commits.get(a.commit)
            at = float(c.committed_at) if c else now
            groups[symbol][(person_of(a.commit), a.cls, at)] += 1

    module_of = graph.module_of_all()
    ranks = dict(graph.module_rank(limit=len(graph.nodes)))
    top = max(ranks.values(), default=0.0) or 1.0
    symbols = tuple(
        SymbolFacts(id=symbol, module=module_of.get(symbol, symbol),
                    rank=ranks.get(module_of.get(symbol, symbol), 0.0) / top,
                    origins=tuple(Origin(p, cls, at, n) for (p, cls, at), n in sorted(
                        origins.items(), key=lambda item: (item[0][2], item[0][0] or "", item[0][1]))))
        for symbol, origins in sorted(groups.items()))

    timelines, times = team_timelines(store)
    membership = members(config, store, commits.values(), mailmapped, now)
    facts = TeamFacts(symbols=symbols, timelines=timelines,
                      members=membership.current, now=now)
    return facts, membership, times


def members(config: Config, store, commits, mailmapped: dict[str, str], now: float) -> Membership:
    former = tuple(sorted({normalize(m) for m in config.team.former}))
    if config.team.members:
        current = tuple(sorted({normalize(m) for m in config.team.members} - set(former)))
        return Membership(current, former, "config")
    since = now - ACTIVE_DAYS * 86400
    active = active_people(store, since)
    for c in commits:
        if c.committed_at >= since and c.cls in ("human", "ai") and not any(
                s.kind == "identity" and s.where == "author" for s in c.signals):
            active.add(mailmapped.get(c.sha, normalize(c.email)))
    return Membership(tuple(sorted(active - set(former))), former, "activity")
