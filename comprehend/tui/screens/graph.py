"""Graph: modules -> the symbols they define -> each symbol's callers, callees and tests,
every edge with its confidence, expanded lazily; beside it the selection's impact set and
its source (AI-written lines marked). enter on an edge follows it, backspace goes back,
`/` finds symbols by name."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from comprehend.errors import UserError
from comprehend.tui.screens.base import ReviewScreen
from comprehend.tui.widgets.filter_bar import FilterBar
from comprehend.tui.widgets.source_view import SourceView
from comprehend.views.graph import (
    RELATIONS,
    GraphEntry,
    GraphView,
    SourceFile,
    load_graph_view,
    load_source,
)

KIND_MARK = {"module": "▤", "package": "▣", "class": "◆", "function": "ƒ", "constant": "≡",
             "external": "○"}
IMPACT_SHOWN = 8


def entry_label(entry: GraphEntry) -> Text:
    mark = KIND_MARK.get(entry.kind, "·")
    return Text.assemble((f"{mark} ", "dim"), entry.label, (" test" if entry.test and entry.kind != "module" else "", "dim"))


class GraphScreen(ReviewScreen):
    MODE = "graph"
    HELP_TITLE = "Graph"
    HELP = (
        ("enter", "expand a module or symbol; on a caller, callee or test: follow it"),
        ("backspace", "back to where you followed from"),
        ("/", "find modules and symbols by name"),
        ("esc", "clear the find"),
        ("→ / ←", "expand / collapse"),
        ("tab", "to the source panel and back"),
    )
    BINDINGS = [
        Binding("slash", "filter", "Find"),
        Binding("backspace", "back", "Back"),
        Binding("escape", "clear", "Clear", show=False),
    ]
    view: GraphView | None = None

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="graph"):
            with Vertical(id="graph-left"):
                yield FilterBar("a module path or symbol name", id="graph-filter", then="#graph-tree")
                tree: Tree = Tree("modules", id="graph-tree")
                tree.show_root = False
                tree.auto_expand = False
                yield tree
            with Vertical(id="graph-right"):
                yield Static("Building the code graph…", id="graph-info", markup=False)
                yield SourceView(id="graph-source")
        self.history: list[str] = []
        self.sources: dict[str, SourceFile] = {}
        self.pending_path: str | None = None  # a file to open once the graph is loaded
        self.wanted: str | None = None  # the file the source panel should show

    def mounted(self) -> None:
        self.query_one("#graph-tree").loading = True

    def first_shown(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, name="graph")
    def load(self) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.say, f"Building the code graph… parsed {done:,} of {total:,} files")

        try:
            with self.app.workspace.open_store() as store:
                view = load_graph_view(self.app.workspace, store, progress)
        except UserError as exc:
            self.app.call_from_thread(self.say, f"Cannot build the code graph: {exc.message}")
            return
        self.app.call_from_thread(self.show, view)

    def say(self, text: str) -> None:
        self.query_one("#graph-info", Static).update(text)

    def show(self, view: GraphView) -> None:
        self.view = view
        self.fill(self.query_one(FilterBar).value)
        tree = self.query_one("#graph-tree", Tree)
        tree.loading = False
        self.say(f"{len(view.modules):,} modules, {len(view.entries):,} nodes at {view.head[:8]}; "
                 "enter expands, enter on an edge follows it")
        if self.pending_path is not None:
            self.open_path(self.pending_path)

    def fill(self, text: str) -> None:
        tree = self.query_one("#graph-tree", Tree)
        tree.clear()
        if self.view is None:
            return
        entries = self.view.find(text) if text.strip() else self.view.modules
        for entry in entries:
            self.add_entry(tree.root, entry)
        tree.border_title = f"Found {len(entries):,}" if text.strip() else "Modules"

    def add_entry(self, parent: TreeNode, entry: GraphEntry) -> TreeNode:
        expandable = entry.kind in ("module", "package", "class", "function", "constant")
        return parent.add(entry_label(entry), data=("entry", entry.id), allow_expand=expandable)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        self.populate(event.node)

    def populate(self, node: TreeNode) -> None:
        """Add a node's children the first time it opens."""
        if self.view is None or node.children or node.data is None:
            return
        kind, *rest = node.data
        if kind == "entry":
            entry = self.view.entries[rest[0]]
            for child in self.view.children(entry.id):
                self.add_entry(node, child)
            if entry.kind not in ("module", "package"):
                for which in RELATIONS:
                    edges = self.view.relation(entry.id, which)
                    node.add(Text.assemble(which, (f" {len(edges)}", "dim")),
                             data=("relation", entry.id, which), allow_expand=bool(edges))
        elif kind == "relation":
            for edge in self.view.relation(rest[0], rest[1]):
                style = "" if edge.confidence == "resolved" else "italic"
                node.add_leaf(Text.assemble((edge.target.label, style),
                                            (f"  {edge.confidence} · {edge.kind} · line {edge.line}", "dim")),
                              data=("edge", edge.target.id))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        data = event.node.data
        if self.view is None or data is None:
            return
        node_id = data[1]
        if node_id in self.view.entries:
            self.describe(self.view.entries[node_id])

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        data = event.node.data
        if data is None:
            return
        if data[0] == "edge":
            parent = event.node.parent.parent if event.node.parent else None
            if parent is not None and parent.data is not None:
                self.history.append(parent.data[1])
            self.select(data[1])
        else:
            event.node.toggle()

    def describe(self, entry: GraphEntry) -> None:
        assert self.view is not None
        impact = self.view.impact(entry.id)
        files = {e.path for e in impact}
        tests = [e for e in impact if e.test and e.kind != "module"]
        text = Text.assemble((entry.label, "bold"), f"  {entry.kind} · {entry.path}:{entry.start_line}"
                             f"-{entry.end_line} · rank {entry.rank:.2f}\n",
                             ("Impact: ", "bold"), f"{len(impact):,} in {len(files):,} files, "
                             f"{len(tests):,} tests")
        if impact:
            text.append("\n  " + ", ".join(e.label for e in impact[:IMPACT_SHOWN])
                        + (" …" if len(impact) > IMPACT_SHOWN else ""), style="dim")
        self.say_text(text)
        self.show_source(entry)

    def say_text(self, text: Text) -> None:
        self.query_one("#graph-info", Static).update(text)

    def show_source(self, entry: GraphEntry) -> None:
        if not entry.path or entry.kind == "external":
            return
        self.wanted = entry.path
        cached = self.sources.get(entry.path)
        if cached is not None:
            self.put_source(cached, entry.start_line)
        else:
            self.read_source(entry.path, entry.start_line)

    @work(thread=True, exclusive=True, group="graph-source")
    def read_source(self, path: str, line: int) -> None:
        assert self.view is not None
        with self.app.workspace.open_store() as store:
            source = load_source(self.app.workspace, store, path, self.view.head)
        self.app.call_from_thread(self.put_source, source, line)

    def put_source(self, source: SourceFile, line: int) -> None:
        self.sources[source.path] = source
        if source.path != self.wanted:  # read for a selection since moved on
            return
        view = self.query_one(SourceView)
        if view.border_title != source.path:
            view.show(source.text, source.language, ai_lines=source.ai_lines)
            view.border_title = source.path
        view.border_subtitle = (f"{len(source.ai_lines):,} lines by AI" if source.attributed
                                else "AI lines not attributed yet (the Overview counts them)")
        view.call_after_refresh(view.go_to, line)

    def open_path(self, path: str) -> None:
        """A file from the palette: its module in the tree, or just its source."""
        if self.view is None:
            self.pending_path = path
            return
        self.pending_path = None
        module = next((m for m in self.view.modules if m.path == path), None)
        if module is not None:
            self.select(module.id)
        else:
            self.say(f"{path} is not in the code graph (no grammar for it); its source:")
            self.wanted = path
            self.read_source(path, 1)

    def select(self, node_id: str) -> None:
        """Show `node_id` in the tree: expand its module and parents, move the cursor to it."""
        assert self.view is not None
        if self.query_one(FilterBar).value:
            self.query_one(FilterBar).value = ""
            self.fill("")
        module = self.view.module_of(node_id)
        tree = self.query_one("#graph-tree", Tree)
        target = self.find_node(tree.root, module or node_id, node_id)
        if target is not None:
            # Nodes just added have no line in the tree until it has laid them out.
            def move() -> None:
                tree.move_cursor(target)
                tree.scroll_to_node(target, animate=False)

            self.call_after_refresh(move)

    def find_node(self, root: TreeNode, module: str, node_id: str) -> TreeNode | None:
        assert self.view is not None
        wanted = self.view.entries[node_id]
        top = next((n for n in root.children if n.data and n.data[1] == module), None)
        if top is None or module == node_id:
            return top
        # Walk down through containers: expand each level until the node appears.
        frontier = [top]
        while frontier:
            node = frontier.pop(0)
            self.populate(node)
            node.expand()
            for child in node.children:
                if child.data and child.data[0] == "entry":
                    if child.data[1] == node_id:
                        return child
                    entry = self.view.entries[child.data[1]]
                    if entry.path == wanted.path and entry.start_line <= wanted.start_line <= entry.end_line:
                        frontier.append(child)
        return top

    def on_filter_bar_filtered(self, event: FilterBar.Filtered) -> None:
        self.fill(event.text)

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def action_clear(self) -> None:
        self.query_one(FilterBar).action_clear()

    def action_back(self) -> None:
        if self.history:
            self.select(self.history.pop())
