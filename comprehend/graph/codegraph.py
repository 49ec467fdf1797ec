"""The code graph as the rest of comprehend sees it: a networkx MultiDiGraph (`.g`) and the
questions asked of it most (what is at this line, who calls this, what does a change
reach, which tests cover it, which modules matter most).

The answers are computed on plain adjacency lists, and `.g` is built on first use: a warm
build of a large repository then neither imports networkx nor builds its objects."""

from __future__ import annotations

import marshal
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from comprehend.graph.languages import language_for
from comprehend.graph.rank import EDGE_WEIGHTS, pagerank

NODE_KINDS = ("package", "module", "class", "function", "constant", "external")
EDGE_KINDS = ("contains", "imports", "calls", "inherits", "tests")
CONFIDENCES = ("resolved", "name-match")
# Edges along which a change travels back to what depends on it.
_IMPACT_KINDS = frozenset({"calls", "inherits", "tests"})
# Of the encoded graph in the store's graph cache: marshal, not JSON, because a cold build
# of Django spends 0.04 s more in json.dumps and a warm one 0.01 s more in json.loads; the
# cache is private to comprehend, and whatever does not decode is rebuilt.
FORMAT = 2
_NODE_KIND = {kind: index for index, kind in enumerate(NODE_KINDS)}
_EDGE_KIND = {kind: index for index, kind in enumerate(EDGE_KINDS)}
_CONFIDENCE = {confidence: index for index, confidence in enumerate(CONFIDENCES)}


@dataclass
class CodeGraph:
    """Not frozen: `.g` and the adjacency lists are views built on first use. Treat the
    nodes, edges and spans as read-only; every consumer shares them."""

    # id -> kind, path, language, start_line, end_line, is_test, test_case (a test function),
    # qualname (a symbol's dotted name within its file; "" for modules and externals)
    nodes: dict[str, dict[str, Any]]
    edges: list[tuple[str, str, dict[str, Any]]]  # (source, target, kind/confidence/line/...)
    spans: dict[str, list[tuple[int, int, str]]]  # path -> (start, end, id) of each definition
    stats: dict[str, Any]  # files, by_language, skipped, parse_error_files, parsed_now
    files: list[tuple[str, str, str | None, int]] = field(default_factory=list)  # path, blob, language, lines
    key: str = ""  # the content key it is cached under
    _g: Any = field(default=None, repr=False)
    _succ: dict | None = field(default=None, repr=False)
    _pred: dict | None = field(default=None, repr=False)

    # --- networkx ------------------------------------------------------------------------

    @property
    def g(self):
        """The graph as a networkx MultiDiGraph; edges are keyed by their kind."""
        if self._g is None:
            import networkx as nx

            graph = nx.MultiDiGraph()
            graph.add_nodes_from(self.nodes.items())
            graph.add_edges_from((src, dst, data["kind"], data) for src, dst, data in self.edges)
            self._g = graph
        return self._g

    # --- adjacency -----------------------------------------------------------------------

    def _adjacency(self) -> tuple[dict, dict]:
        if self._succ is None:
            succ: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
            pred: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
            for src, dst, data in self.edges:
                succ[data["kind"]][src].append(dst)
                pred[data["kind"]][dst].append(src)
            self._succ, self._pred = succ, pred
        return self._succ, self._pred

    def _known(self, node_id: str) -> None:
        if node_id not in self.nodes:
            raise KeyError(f"no node {node_id!r} in the code graph")

    # --- questions -----------------------------------------------------------------------

    def symbols_at(self, path: str, line: int) -> list[str]:
        """The definitions containing `line` of `path`, innermost first ([] outside any)."""
        hits = [(end - start, -start, node_id) for start, end, node_id in self.spans.get(path, ())
                if start <= line <= end]
        ordered: list[str] = []
        for _, _, node_id in sorted(hits):
            if node_id not in ordered:
                ordered.append(node_id)
        return ordered

    def callers(self, node_id: str) -> list[str]:
        self._known(node_id)
        return sorted(set(self._adjacency()[1]["calls"].get(node_id, ())))

    def callees(self, node_id: str) -> list[str]:
        self._known(node_id)
        return sorted(set(self._adjacency()[0]["calls"].get(node_id, ())))

    def impact(self, node_ids: Iterable[str]) -> set[str]:
        """Everything that reaches the given nodes (they themselves excluded): callers,
        subclasses and tests, transitively. A member's change reaches its enclosing
        classes' users; a module's reaches the modules importing it."""
        succ, pred = self._adjacency()
        start = set(node_ids)
        for node_id in start:
            self._known(node_id)
        seen: set[str] = set()
        queue = deque(start)
        while queue:
            node_id = queue.popleft()
            for kind in _IMPACT_KINDS:
                for source in pred[kind].get(node_id, ()):
                    if source not in seen:
                        seen.add(source)
                        queue.append(source)
            for container in pred["contains"].get(node_id, ()):
                if self.nodes[container]["kind"] == "class" and container not in seen:
                    seen.add(container)
                    queue.append(container)
            if self.nodes[node_id]["kind"] in ("module", "package"):
                for importer in pred["imports"].get(node_id, ()):
                    if importer not in seen:
                        seen.add(importer)
                        queue.append(importer)
        return seen - start

    def tests_of(self, node_ids: Iterable[str]) -> set[str]:
        """Test functions that reach the given nodes: through a `tests` edge to one of them,
        or to (or through a call into) anything that reaches them."""
        ids = set(node_ids)
        reached = self.impact(ids) | ids
        return {node_id for node_id in reached if self.nodes[node_id]["test_case"]}

    def import_cycles(self) -> list[list[str]]:
        """Groups of modules that import each other at import time (strongly connected
        components; imports under TYPE_CHECKING or inside functions are left out), each
        sorted, largest group first."""
        adjacency: dict[str, list[str]] = defaultdict(list)
        for src, dst, data in self.edges:
            if data["kind"] == "imports" and not data.get("type_checking") and not data.get("deferred"):
                adjacency[src].append(dst)
        groups = [sorted(c) for c in _strongly_connected(adjacency) if len(c) > 1]
        return sorted(groups, key=lambda c: (-len(c), c))

    def rank(self, personalize: Iterable[str] | Mapping[str, float] | None = None) -> dict[str, float]:
        """PageRank of every node over calls, imports, inherits and tests edges (a node
        ranks high when much depends on it). `personalize` (ids, or ids -> weights)
        biases the ranking toward those nodes and what they depend on."""
        weights = None
        if personalize is not None:
            weights = dict(personalize) if isinstance(personalize, Mapping) else dict.fromkeys(personalize, 1.0)
        edges = ((src, dst, EDGE_WEIGHTS.get(data["kind"], 0.0)) for src, dst, data in self.edges)
        return pagerank(list(self.nodes), edges, weights)

    def module_rank(self, limit: int = 10) -> list[tuple[str, float]]:
        """Modules by the rank of the code they hold: PageRank over the module-level graph
        (each symbol edge counted between the modules of its ends)."""
        owner = self.module_of_all()
        weights: dict[tuple[str, str], float] = defaultdict(float)
        for src, dst, data in self.edges:
            weight = EDGE_WEIGHTS.get(data["kind"], 0.0)
            a, b = owner.get(src), owner.get(dst)
            if weight and a and b and a != b:
                weights[(a, b)] += weight
        modules = sorted({m for m in owner.values()})
        scores = pagerank(modules, ((a, b, w) for (a, b), w in weights.items()))
        ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return ordered[:limit]

    def module_of_all(self) -> dict[str, str]:
        """node id -> the id of the module (file) holding it; modules map to themselves."""
        succ, _ = self._adjacency()
        owner: dict[str, str] = {}
        for node_id, node in self.nodes.items():
            # a file's node; a package is one when it is a file too (__init__.py, lib.rs)
            if node["kind"] == "module" or (node["kind"] == "package" and language_for(node["path"])):
                owner[node_id] = node_id
                stack = [node_id]
                while stack:
                    for child in succ["contains"].get(stack.pop(), ()):
                        if self.nodes[child]["kind"] not in ("module", "package") and child not in owner:
                            owner[child] = node_id
                            stack.append(child)
        return owner

    def module_of(self, node_id: str) -> str | None:
        self._known(node_id)
        return self.module_of_all().get(node_id)

    # --- the store's graph cache ---------------------------------------------------------

    def encode(self) -> bytes:
        order = {node_id: i for i, node_id in enumerate(self.nodes)}
        nodes = [(node_id, _NODE_KIND[n["kind"]], n["path"], n["language"], n["start_line"],
                  n["end_line"], n["is_test"] | n["test_case"] << 1, n["qualname"])
                 for node_id, n in self.nodes.items()]
        edges = [(order[src], order[dst], _EDGE_KIND[d["kind"]], _CONFIDENCE[d["confidence"]],
                  d["line"], bool(d.get("type_checking")) | bool(d.get("deferred")) << 1)
                 for src, dst, d in self.edges]
        spans = [[path, [[start, end, order[node_id]] for start, end, node_id in entries]]
                 for path, entries in self.spans.items()]
        return marshal.dumps({"format": FORMAT, "nodes": nodes, "edges": edges, "spans": spans,
                              "stats": self.stats, "files": self.files})

    @classmethod
    def decode(cls, encoded: bytes | str, key: str = "") -> CodeGraph | None:
        """The graph `encode` wrote, or None for anything else (an older format, a newer
        Python's marshal, a damaged row): the caller builds the graph again."""
        if not isinstance(encoded, bytes):
            return None  # format 1 was JSON text
        try:
            data = marshal.loads(encoded)
        except (EOFError, ValueError, TypeError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        ids = [row[0] for row in data["nodes"]]
        nodes = {
            node_id: {"kind": NODE_KINDS[kind], "path": path, "language": language,
                      "start_line": start, "end_line": end, "is_test": bool(flags & 1),
                      "test_case": bool(flags & 2), "qualname": qualname}
            for node_id, kind, path, language, start, end, flags, qualname in data["nodes"]
        }
        edges = []
        for src, dst, kind, confidence, line, flags in data["edges"]:
            attrs: dict[str, Any] = {"kind": EDGE_KINDS[kind], "confidence": CONFIDENCES[confidence],
                                     "line": line}
            if kind == 1:  # imports
                attrs["type_checking"] = bool(flags & 1)
                attrs["deferred"] = bool(flags & 2)
            edges.append((ids[src], ids[dst], attrs))
        spans = {path: [(start, end, ids[i]) for start, end, i in entries] for path, entries in data["spans"]}
        files = [tuple(row) for row in data["files"]]
        return cls(nodes=nodes, edges=edges, spans=spans, stats=data["stats"], files=files, key=key)


def _strongly_connected(adjacency: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion (import graphs can be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in list(adjacency):
        if root in index:
            continue
        work = [(root, iter(adjacency.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(adjacency.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components
