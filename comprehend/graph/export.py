"""The graph in other tools' formats: node-link JSON (networkx), GraphML, DOT, Mermaid; at
symbol or module level, whole or around one node."""

from __future__ import annotations

import difflib
import io
import json
from collections import defaultdict, deque
from typing import Any

from comprehend.errors import UserError
from comprehend.graph.codegraph import CodeGraph

FORMATS = ("json", "dot", "graphml", "mermaid")
LEVELS = ("module", "symbol")
_MODULE_KINDS = frozenset({"package", "module", "external"})
_SHAPES = {"package": "folder", "module": "note", "class": "box", "function": "ellipse",
           "constant": "plaintext", "external": "component"}
_STYLES = {"contains": "dotted", "imports": "dashed", "calls": "solid", "inherits": "bold",
           "tests": "solid"}
_ARROWS = {"contains": "-.->", "imports": "-->", "calls": "-->", "inherits": "==>", "tests": "-->"}


class FocusNotFound(UserError):
    """--focus names no node, or more than one."""


def view(graph: CodeGraph, level: str = "symbol", focus: str | None = None,
         depth: int = 1) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """The nodes and edges to export: module level keeps packages, modules and externals
    with their imports and containment; focus keeps what lies within `depth` edges."""
    nodes, edges = graph.nodes, graph.edges
    if level == "module":
        nodes = {i: n for i, n in nodes.items() if n["kind"] in _MODULE_KINDS}
        edges = [(s, d, a) for s, d, a in edges if s in nodes and d in nodes]
    if focus is not None:
        center = find_node(nodes, focus)
        near = _within(center, edges, depth)
        nodes = {i: n for i, n in nodes.items() if i in near}
        edges = [(s, d, a) for s, d, a in edges if s in near and d in near]
    return nodes, edges


def find_node(nodes: dict[str, dict], name: str) -> str:
    """A node by id, by path (a module), or by a qualified-name suffix (Store.close)."""
    if name in nodes:
        return name
    matches = [i for i, n in nodes.items() if n["path"] == name and n["kind"] in ("module", "package")]
    if not matches:
        matches = [i for i, n in nodes.items()
                   if n.get("qualname") == name or i.endswith(("." + name, ":" + name, "::" + name, "/" + name))]
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(sorted(matches)[:5])
        raise FocusNotFound(f"--focus {name}: {len(matches)} nodes match ({shown}); pass a full id")
    close = difflib.get_close_matches(name, list(nodes), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise FocusNotFound(
        f"--focus {name}: no such node{hint}; list ids with `comprehend graph --format json`"
    )


def _within(center: str, edges: list[tuple[str, str, dict]], depth: int) -> set[str]:
    neighbours: dict[str, set[str]] = defaultdict(set)
    for src, dst, _ in edges:
        neighbours[src].add(dst)
        neighbours[dst].add(src)
    seen = {center}
    queue = deque([(center, 0)])
    while queue:
        node, distance = queue.popleft()
        if distance == depth:
            continue
        for other in neighbours[node]:
            if other not in seen:
                seen.add(other)
                queue.append((other, distance + 1))
    return seen


def render(nodes: dict[str, dict], edges: list[tuple[str, str, dict]], fmt: str) -> str:
    if fmt == "dot":
        return _dot(nodes, edges)
    if fmt == "mermaid":
        return _mermaid(nodes, edges)
    graph = _networkx(nodes, edges)
    import networkx as nx

    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(graph, buffer, encoding="utf-8")
        return buffer.getvalue().decode("utf-8")
    return json.dumps(nx.node_link_data(graph, edges="edges"), indent=1, ensure_ascii=False) + "\n"


def _networkx(nodes: dict[str, dict], edges: list[tuple[str, str, dict]]):
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    graph.add_edges_from((s, d, a["kind"], _scalars(a)) for s, d, a in edges)
    return graph


def _scalars(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if isinstance(v, str | int | float | bool)}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot(nodes: dict[str, dict], edges: list[tuple[str, str, dict]]) -> str:
    lines = ["digraph code {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    for node_id, node in nodes.items():
        lines.append(f"  {_quote(node_id)} [shape={_SHAPES[node['kind']]}, "
                     f"kind={_quote(node['kind'])}];")
    for src, dst, attrs in edges:
        style = _STYLES[attrs["kind"]]
        color = ', color="gray50"' if attrs.get("confidence") == "name-match" else ""
        lines.append(f"  {_quote(src)} -> {_quote(dst)} [label={_quote(attrs['kind'])}, "
                     f"style={style}{color}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid(nodes: dict[str, dict], edges: list[tuple[str, str, dict]]) -> str:
    names = {node_id: f"n{i}" for i, node_id in enumerate(nodes)}
    lines = ["flowchart LR"]
    for node_id, node in nodes.items():
        label = node_id.replace('"', "#quot;")
        if node["kind"] in ("package", "module"):
            lines.append(f'  {names[node_id]}[/"{label}"/]')
        elif node["kind"] == "external":
            lines.append(f'  {names[node_id]}(["{label}"])')
        else:
            lines.append(f'  {names[node_id]}["{label}"]')
    for src, dst, attrs in edges:
        lines.append(f"  {names[src]} {_ARROWS[attrs['kind']]}|{attrs['kind']}| {names[dst]}")
    return "\n".join(lines) + "\n"
