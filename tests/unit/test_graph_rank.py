"""PageRank against values solved by hand, and the warm path's promise: a cached graph
comes back without importing networkx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo
from graphkit import commit_files

from comprehend.graph.rank import pagerank


def test_two_nodes_one_edge() -> None:
    # a -> b; b dangles and teleports uniformly. Solving the two linear equations:
    # ra = 0.075 + 0.425 rb, rb = 0.075 + 0.85 ra + 0.425 rb
    ranks = pagerank(["a", "b"], [("a", "b", 1.0)])
    assert ranks["a"] == pytest.approx(0.350877193, abs=1e-6)
    assert ranks["b"] == pytest.approx(0.649122807, abs=1e-6)


def test_personalization_teleports_only_to_the_chosen_nodes() -> None:
    # ra = 0.15 + 0.85 rb (b's dangling mass goes to a too), rb = 0.85 ra
    ranks = pagerank(["a", "b", "c"], [("a", "b", 1.0)], personalization={"a": 1.0})
    assert ranks["a"] == pytest.approx(0.15 / (1 - 0.85 * 0.85), abs=1e-6)
    assert ranks["b"] == pytest.approx(0.85 * 0.15 / (1 - 0.85 * 0.85), abs=1e-6)
    assert ranks["c"] == 0.0


def test_weights_split_a_node_s_rank() -> None:
    ranks = pagerank(["s", "x", "y"], [("s", "x", 3.0), ("s", "y", 1.0)], personalization={"s": 1.0})
    assert ranks["x"] == pytest.approx(3 * ranks["y"])
    assert pagerank([], []) == {}


def test_warm_build_does_not_import_networkx(repo: GitRepo, tmp_path: Path, clean_env: dict[str, str]) -> None:
    commit_files(repo, {"a.py": "def f():\n    return g()\n\n\ndef g():\n    return 1\n"})
    db = tmp_path / "store.db"
    code = (
        "import sys\n"
        "from comprehend.config import Config\n"
        "from comprehend.graph.build import build_graph\n"
        "from comprehend.git import open_repository\n"
        "from comprehend.store import open_store\n"
        f"repo = open_repository({str(repo.path)!r})\n"
        f"with open_store({str(db)!r}) as store:\n"
        "    graph = build_graph(repo, Config(), store)\n"
        "    print(graph.stats['parsed_now'], 'networkx' in sys.modules, graph.callers('a.g'))\n"
        "    graph.g\n"
        "    print('networkx' in sys.modules)\n"
    )
    outputs = [subprocess.run([sys.executable, "-c", code], env=clean_env, capture_output=True, text=True,
                              timeout=60) for _ in range(2)]
    assert [p.stdout for p in outputs] == ["1 False ['a.f']\nTrue\n", "0 False ['a.f']\nTrue\n"]
