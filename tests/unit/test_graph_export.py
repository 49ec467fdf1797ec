"""Exports: which nodes a view keeps, how --focus finds a node, the text formats."""

from __future__ import annotations

import json

import pytest
from graphkit import built_graph

from comprehend.graph.export import FocusNotFound, find_node, render, view

FILES = {
    "a.py": "from b import run as other\n\n\ndef run():\n    return other()\n",
    "b.py": 'def run():\n    return "b"\n',
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_focus_finds_ids_paths_and_unique_suffixes(graph) -> None:
    assert find_node(graph.nodes, "a.run") == "a.run"
    assert find_node(graph.nodes, "b.py") == "b"
    with pytest.raises(FocusNotFound, match=r"^--focus run: 2 nodes match \(a.run, b.run\); pass a full id$"):
        find_node(graph.nodes, "run")
    with pytest.raises(FocusNotFound, match=r"--focus a.rn: no such node \(did you mean a.run"):
        find_node(graph.nodes, "a.rn")


def test_views(graph) -> None:
    nodes, edges = view(graph, level="module")
    assert set(nodes) == {"a", "b"}
    assert [(s, d, a["kind"]) for s, d, a in edges] == [("a", "b", "imports")]
    nodes, edges = view(graph, focus="b.run", depth=0)
    assert (set(nodes), edges) == ({"b.run"}, [])
    nodes, edges = view(graph, focus="b.run", depth=1)
    assert set(nodes) == {"b", "b.run", "a.run"}


def test_formats(graph) -> None:
    nodes, edges = view(graph, focus="b.run", depth=1)
    data = json.loads(render(nodes, edges, "json"))
    assert sorted((e["source"], e["target"], e["kind"], e["confidence"]) for e in data["edges"]) == [
        ("a.run", "b.run", "calls", "resolved"), ("b", "b.run", "contains", "resolved")]
    assert render(nodes, edges, "mermaid").splitlines()[0] == "flowchart LR"
    assert '  "a.run" -> "b.run" [label="calls", style=solid];' in render(nodes, edges, "dot").splitlines()
    assert render(nodes, edges, "graphml").startswith("<?xml version='1.0' encoding='utf-8'?>")
