"""The Overview's second part: the latest check's verdict on each local branch, and the
modules most at risk: much depends on them (graph rank) x AI wrote much of them (AI share
of their lines) x little would catch a mistake in them (share of their symbols no test
reaches, or where a stored check found a mutant no test kills) x, once someone has answered
a quiz, the team no longer understands them (the module's comprehension debt). A module AI
did not touch, one whose every symbol a test reaches and no mutant survived in, or one the
team fully understands, scores 0."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from comprehend.git import local_branches
from comprehend.store.connection import Store
from comprehend.store.runs import latest_runs_for, stored_findings
from comprehend.store.share import cached_counts

_REACH = ("calls", "inherits", "tests")


@dataclass(frozen=True)
class BranchCheck:
    branch: str
    tip: str
    verdict: str | None  # pass | fail of the latest check on the tip; None: not checked
    run: int | None
    counts: tuple[tuple[str, int], ...] = ()  # findings by severity, most severe first


@dataclass(frozen=True)
class ModuleRisk:
    path: str
    rank: float  # module PageRank, 1.0 for the top module
    ai_share: float  # of its lines, 0..1
    untested: float  # share of its symbols no test reaches or with a surviving mutant, 0..1
    score: float  # rank x ai_share x untested (x debt when known)
    debt: float | None = None  # its comprehension debt, 0..1; None before any quiz answer


def branch_checks(workspace, store: Store) -> tuple[BranchCheck, ...]:
    branches = local_branches(workspace.repo)
    runs = latest_runs_for(store, [tip for _name, tip in branches])
    result = []
    for name, tip in branches:
        run = runs.get(tip)
        counts = tuple((s, n) for s, n in reversed(list((run or {}).get("summary", {})
                                                        .get("counts", {}).items())) if n)
        result.append(BranchCheck(name, tip, run["verdict"] if run else None,
                                  run["id"] if run else None, counts))
    return tuple(result)


def module_risks(graph, store: Store, rev: str, limit: int = 8,
                 debt: dict[str, float] | None = None) -> tuple[ModuleRisk, ...]:
    """Top modules by risk at `rev`, from the built graph, the line cache (files not
    attributed yet count no AI share) and the stored surviving mutants; `debt`, module path
    -> comprehension debt (the team report's), adds low understanding to the product (a
    module it lacks counts as understood by nobody)."""
    survivors: dict[str, set[int]] = defaultdict(set)
    for f in stored_findings(store):
        if f["rule"] == "surviving-mutant":
            survivors[f["file"]].add(f["start_line"])
    lines: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in cached_counts(store, rev):
        lines[row.file][1] += row.lines
        if row.cls == "ai":
            lines[row.file][0] += row.lines
    owner = graph.module_of_all()
    reached = _reached_from_tests(graph)
    symbols: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for node_id, module in owner.items():
        node = graph.nodes[node_id]
        if node_id == module or node["is_test"] or node["kind"] not in ("function", "class"):
            continue
        symbols[module][1] += 1
        start, end, path = node["start_line"], node["end_line"], node["path"]
        if node_id in reached and not any(start <= n <= end for n in survivors.get(path, ())):
            symbols[module][0] += 1
    ranked = dict(graph.module_rank(limit=len(graph.nodes)))
    top = max(ranked.values(), default=0.0) or 1.0
    risks = []
    for module, rank in ranked.items():
        node = graph.nodes[module]
        ai, total = lines.get(node["path"], (0, 0))
        if node["is_test"] or not total or not ai:
            continue
        tested, count = symbols.get(module, (0, 0))
        untested = 1 - tested / count if count else (0.0 if module in reached else 1.0)
        share = ai / total
        score = rank / top * share * untested
        unknown = None if debt is None else debt.get(node["path"], 1.0)
        if unknown is not None:
            score *= unknown
        if score > 0:
            risks.append(ModuleRisk(node["path"], rank / top, share, untested, score, unknown))
    risks.sort(key=lambda r: (-r.score, r.path))
    return tuple(risks[:limit])


def _reached_from_tests(graph) -> set[str]:
    """Every node a test function reaches through calls, inherits and tests edges."""
    out: dict[str, list[str]] = defaultdict(list)
    for src, dst, data in graph.edges:
        if data["kind"] in _REACH:
            out[src].append(dst)
    stack = [node_id for node_id, n in graph.nodes.items() if n["test_case"]]
    seen = set(stack)
    while stack:
        for nxt in out.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def risk_text(risk: ModuleRisk) -> tuple[str, str, str, str, str]:
    """Cells for a table: rank, AI share, untested share, debt (blank before any quiz
    answer), score."""
    return (f"{risk.rank:.2f}", f"{100 * risk.ai_share:.0f}%", f"{100 * risk.untested:.0f}%",
            "" if risk.debt is None else f"{100 * risk.debt:.0f}%", f"{risk.score:.2f}")
