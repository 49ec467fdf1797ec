"""The team view: one call that builds the team report for the repository at head (with
the LLM spend per month from the audit trail), shared by `comprehend team` (text, JSON,
HTML) and the Team screen."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from comprehend.git import resolve_ref
from comprehend.graph.build import build_graph
from comprehend.graph.codegraph import CodeGraph
from comprehend.quiz.team import MonthSpend, TeamReport, build_report
from comprehend.quiz.teamfacts import gather
from comprehend.store.llm import spend_by_month
from comprehend.store.team import answer_counts

DEFAULT_WEEKS = 26


def default_since(now: float) -> float:
    return (datetime.fromtimestamp(now, UTC) - timedelta(weeks=DEFAULT_WEEKS - 1)).timestamp()


def load_team(workspace, store, *, since: float | None = None, rev: str = "HEAD",
              now: float | None = None,
              progress: Callable[[int, int], None] | None = None,
              graph: CodeGraph | None = None) -> TeamReport:
    """`graph`: the code graph at `rev` when the caller built it already."""
    now = time.time() if now is None else now
    head = resolve_ref(workspace.repo, rev, option="--rev")
    if graph is None:
        graph = build_graph(workspace.repo, workspace.config, store, rev=head)
    facts, membership, times = gather(workspace.repo, workspace.config, store, graph, head,
                                      progress=progress, now=now)
    paths = {node_id: node["path"] for node_id, node in graph.nodes.items()
             if node["kind"] in ("module", "package")}
    report = build_report(facts, membership, answer_counts(store), times,
                          default_since(now) if since is None else since, paths)
    return replace(report, spend=tuple(MonthSpend(**row) for row in spend_by_month(store)))
