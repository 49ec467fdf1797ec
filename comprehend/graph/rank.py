"""PageRank over the dependency edges, personalizable toward chosen nodes (as aider's repo
map ranks code toward the files in a chat). Pure Python on index arrays: networkx's own
pagerank needs scipy, and importing networkx alone costs a warm build more than this."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# How much a dependency of each kind says "this matters to that".
EDGE_WEIGHTS = {"calls": 1.0, "inherits": 1.0, "imports": 0.5, "tests": 0.25}


def pagerank(
    nodes: list[str],
    edges: Iterable[tuple[str, str, float]],
    personalization: Mapping[str, float] | None = None,
    alpha: float = 0.85,
    max_iter: int = 100,
    tol: float = 1.0e-8,
) -> dict[str, float]:
    """Scores summing to 1. Rank flows along edges (from dependent to dependency); dangling
    nodes and the teleport both go to the personalization (uniform when None)."""
    count = len(nodes)
    if count == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    sources: list[int] = []
    targets: list[int] = []
    weights: list[float] = []
    out_weight = [0.0] * count
    for src, dst, weight in edges:
        i, j = index.get(src), index.get(dst)
        if i is None or j is None or weight <= 0:
            continue
        sources.append(i)
        targets.append(j)
        weights.append(weight)
        out_weight[i] += weight
    shares = [w / out_weight[i] for i, w in zip(sources, weights, strict=True)]
    teleport = _teleport(nodes, index, personalization)
    dangling = [i for i in range(count) if out_weight[i] == 0.0]
    rank = list(teleport)
    for _ in range(max_iter):
        previous = rank
        dangling_mass = alpha * sum(previous[i] for i in dangling)
        rank = [(1.0 - alpha + dangling_mass) * t for t in teleport]
        for i, j, share in zip(sources, targets, shares, strict=True):
            rank[j] += alpha * previous[i] * share
        if sum(abs(a - b) for a, b in zip(rank, previous, strict=True)) < count * tol:
            break
    return dict(zip(nodes, rank, strict=True))


def _teleport(nodes: list[str], index: dict[str, int], personalization: Mapping[str, float] | None) -> list[float]:
    count = len(nodes)
    if personalization:
        vector = [0.0] * count
        for node, weight in personalization.items():
            if node in index and weight > 0:
                vector[index[node]] += weight
        total = sum(vector)
        if total > 0:
            return [v / total for v in vector]
    return [1.0 / count] * count
