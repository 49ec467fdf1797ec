"""What the review's Graph screen shows: modules (files) -> the symbols they define ->
each symbol's callers, callees and tests with the confidence of every edge, the impact
set of a selection, and a symbol's source with the lines AI wrote. The graph is built (or
read from its cache) once, in a worker; the questions after that are in memory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from comprehend.git import paths_at, read_blobs
from comprehend.store.connection import Store
from comprehend.store.history import load_lines

# Syntax highlighting in the source panel: textual's own highlight queries exist for
# these, and the grammar wheels the graph needs provide the parsers (no extra packages).
HIGHLIGHTED = {"python": "python", "javascript": "javascript", "go": "go", "rust": "rust",
               "java": "java"}
RELATIONS = ("callers", "callees", "tests")


@dataclass(frozen=True)
class GraphEntry:
    id: str
    label: str  # a module's path, a symbol's dotted name
    kind: str
    path: str
    start_line: int
    end_line: int
    test: bool  # test code
    rank: float  # PageRank, 1.0 for the highest-ranked node


@dataclass(frozen=True)
class GraphEdge:
    target: GraphEntry
    kind: str  # calls | tests | inherits | imports
    confidence: str  # resolved | name-match (a guess by a unique name)
    line: int  # where in the source the edge is written


@dataclass(frozen=True)
class GraphView:
    """Answers about one built graph. Frozen; the graph and its indices are shared and
    read-only after load_graph_view."""

    head: str
    modules: tuple[GraphEntry, ...]  # by path
    entries: dict[str, GraphEntry] = field(repr=False)
    _contains: dict[str, list[str]] = field(repr=False)
    _out: dict[str, list[tuple[str, str, str, int]]] = field(repr=False)
    _in: dict[str, list[tuple[str, str, str, int]]] = field(repr=False)
    _graph: Any = field(repr=False)

    def children(self, node_id: str) -> tuple[GraphEntry, ...]:
        """The symbols a module or class defines, in source order."""
        kids = [self.entries[c] for c in self._contains.get(node_id, ())
                if self.entries[c].kind not in ("module", "package")]
        return tuple(sorted(kids, key=lambda e: (e.start_line, e.label)))

    def relation(self, node_id: str, which: str) -> tuple[GraphEdge, ...]:
        """callers (calls and inherits into it), callees (calls out of it) or tests
        (tests edges into it, and test functions that call it)."""
        if which == "callers":
            items = [e for e in self._in.get(node_id, ()) if e[1] in ("calls", "inherits")
                     and not self.entries[e[0]].test]
        elif which == "callees":
            items = [e for e in self._out.get(node_id, ()) if e[1] in ("calls", "inherits")]
        else:
            items = [e for e in self._in.get(node_id, ()) if e[1] == "tests"
                     or (e[1] == "calls" and self.entries[e[0]].test)]
        seen: dict[str, GraphEdge] = {}
        for other, kind, confidence, line in items:
            if other in self.entries and other not in seen:
                seen[other] = GraphEdge(self.entries[other], kind, confidence, line)
        return tuple(sorted(seen.values(), key=lambda e: (e.confidence != "resolved", e.target.label)))

    def impact(self, node_id: str) -> tuple[GraphEntry, ...]:
        """What reaches this node (callers, subclasses, tests, importers), transitively."""
        ids = self._graph.impact([node_id])
        return tuple(sorted((self.entries[i] for i in ids if i in self.entries),
                            key=lambda e: (-e.rank, e.label)))

    def module_of(self, node_id: str) -> str | None:
        return self._graph.module_of(node_id)

    def find(self, text: str, limit: int = 200) -> tuple[GraphEntry, ...]:
        """Symbols and modules whose name or path holds `text` (case-insensitive)."""
        needle = text.lower()
        hits = [e for e in self.entries.values() if e.kind != "external"
                and (needle in e.label.lower() or needle in e.path.lower())]
        return tuple(sorted(hits, key=lambda e: (-e.rank, e.label))[:limit])


def load_graph_view(workspace, store: Store, progress=None) -> GraphView:
    from comprehend.graph.build import build_graph

    repo = workspace.repo
    graph = build_graph(repo, workspace.config, store, rev=repo.head, progress=progress)
    return graph_view(graph, repo.head)


def graph_view(graph, head: str) -> GraphView:
    ranks = graph.rank()
    top = max(ranks.values(), default=0.0) or 1.0
    entries: dict[str, GraphEntry] = {}
    for node_id, n in graph.nodes.items():
        label = n["qualname"] or (n["path"] if n["kind"] in ("module", "package") else node_id)
        entries[node_id] = GraphEntry(node_id, label, n["kind"], n["path"] or "", n["start_line"] or 0,
                                      n["end_line"] or 0, bool(n["is_test"] or n["test_case"]),
                                      ranks.get(node_id, 0.0) / top)
    contains: dict[str, list[str]] = defaultdict(list)
    out: dict[str, list[tuple[str, str, str, int]]] = defaultdict(list)
    into: dict[str, list[tuple[str, str, str, int]]] = defaultdict(list)
    for src, dst, data in graph.edges:
        if data["kind"] == "contains":
            contains[src].append(dst)
        else:
            out[src].append((dst, data["kind"], data["confidence"], data.get("line") or 0))
            into[dst].append((src, data["kind"], data["confidence"], data.get("line") or 0))
    files = set(graph.module_of_all().values())
    modules = tuple(sorted((entries[m] for m in files), key=lambda e: e.path))
    return GraphView(head, modules, entries, dict(contains), dict(out), dict(into), graph)


# --- A file's source, for the panel beside the tree ------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    path: str
    text: str
    language: str | None  # a TextArea language, None: plain text
    ai_lines: frozenset[int]  # 1-based lines AI wrote; empty when not attributed yet
    attributed: bool  # the line cache knows this file at this revision


def load_source(workspace, store: Store, path: str, rev: str) -> SourceFile:
    from comprehend.graph.languages import language_for

    repo = workspace.repo
    tracked = paths_at(repo, rev, [path]).get(path)
    if tracked is None:
        return SourceFile(path, "", None, frozenset(), False)
    text = read_blobs(repo, [tracked.blob]).get(tracked.blob, b"").decode("utf-8", "replace")
    ranges = load_lines(store, path, tracked.blob, rev)
    ai = frozenset(line for r in ranges or () if r.cls == "ai" for line in range(r.start, r.end + 1))
    return SourceFile(path, text, HIGHLIGHTED.get(language_for(path) or ""), ai, ranges is not None)
