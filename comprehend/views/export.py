"""The review's views as one JSON document (`comprehend review --json`): the same records
the screens draw, so a script sees what a person sees."""

from __future__ import annotations

import dataclasses
from typing import Any

from comprehend.store.connection import Store


def review_json(workspace, store: Store) -> dict[str, Any]:
    from comprehend.adversary.acks import load_acks
    from comprehend.graph.build import build_graph
    from comprehend.history.share import line_share
    from comprehend.views.changes import load_changes
    from comprehend.views.findings import load_findings
    from comprehend.views.overview import SUMMARY_BLAME_BUDGET, load_debt, load_overview, share_text
    from comprehend.views.risk import branch_checks, module_risks

    overview = load_overview(workspace, store)
    share = line_share(workspace, store, overview.head, budget=SUMMARY_BLAME_BUDGET)
    graph = build_graph(workspace.repo, workspace.config, store, rev=overview.head)
    acks = {a.fingerprint: a.reason for a in load_acks(workspace.repo.root)}
    findings = load_findings(store, acks)
    debt = load_debt(workspace, store, overview.head, graph=graph)  # None before any answer
    return {
        "overview": _plain(overview),
        "lines": share_text(share),
        "checks": _plain(branch_checks(workspace, store)),
        "risks": _plain(module_risks(graph, store, overview.head,
                                     debt=None if debt is None else dict(debt.modules))),
        "debt": _plain(debt),
        "changes": _plain(load_changes(workspace, store)),
        "findings": {"failing": findings.failing, "acknowledged": findings.acknowledged,
                     "rows": _plain(findings.rows)},
    }


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
