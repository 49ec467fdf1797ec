"""The code graph's part of `comprehend scan`: files, symbols, edges, parse errors, the
modules that matter most. Keys are stable and documented in README (scan and graph)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from comprehend.graph.codegraph import EDGE_KINDS, CodeGraph

TOP_MODULES = 10
LISTED = 20  # at most this many parse-error files and import cycles are listed


def summarize(graph: CodeGraph) -> dict[str, Any]:
    kinds = Counter(node["kind"] for node in graph.nodes.values())
    edges = Counter(data["kind"] for _, _, data in graph.edges)
    confidence = Counter(data["confidence"] for _, _, data in graph.edges
                         if data["kind"] in ("calls", "inherits", "tests"))
    stats = graph.stats
    cycles = graph.import_cycles()
    nodes = graph.nodes
    top = [
        {"module": module_id, "path": nodes[module_id]["path"], "rank": round(score, 4)}
        for module_id, score in graph.module_rank(TOP_MODULES)
    ]
    return {
        "files": {
            "total": stats["files"],
            "by_language": stats["by_language"],
            "skipped": stats["skipped"],
        },
        "symbols": kinds["class"] + kinds["function"] + kinds["constant"],
        "edges": {kind: edges[kind] for kind in EDGE_KINDS},
        "parse_errors": len(stats["parse_error_files"]),
        "top_modules": top,
        "graph": {
            "modules": kinds["module"],
            "packages": kinds["package"],
            "classes": kinds["class"],
            "functions": kinds["function"],
            "constants": kinds["constant"],
            "externals": kinds["external"],
            "test_functions": sum(1 for node in nodes.values() if node["test_case"]),
            "name_matched": confidence["name-match"],
            "import_cycles": len(cycles),
            "largest_cycles": cycles[:LISTED],
            "parse_error_files": stats["parse_error_files"][:LISTED],
            "parsed_now": stats.get("parsed_now", 0),
        },
    }
