"""One finding opened: the file as the check saw it, the finding's lines marked and in
view, and its evidence beside it (folded parts open with enter or a click)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from comprehend.errors import UserError
from comprehend.tui.finding_actions import acknowledge, open_in_editor
from comprehend.tui.widgets.finding_card import finding_card
from comprehend.tui.widgets.source_view import SourceView
from comprehend.views.findings import FindingRow
from comprehend.views.graph import SourceFile, load_source


class FindingDetailScreen(Screen[None]):
    HELP_TITLE = "Finding"
    HELP = (
        ("esc", "back to Findings"),
        ("a", "acknowledge it with a reason"),
        ("e", "open the file at this line in $EDITOR"),
        ("tab", "between the code and the evidence"),
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("a", "ack", "Acknowledge"),
        Binding("e", "edit", "Edit"),
    ]

    def __init__(self, finding: FindingRow) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="finding-detail"):
            yield SourceView(id="finding-source")
            with VerticalScroll(id="finding-evidence"):
                yield finding_card(self.finding)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#finding-source").loading = True
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        workspace = self.app.workspace
        rev = self.finding.head or workspace.repo.head
        try:
            with workspace.open_store() as store:
                source = load_source(workspace, store, self.finding.file, rev)
        except UserError as exc:
            source = SourceFile(self.finding.file, f"cannot read {self.finding.file}: {exc.message}",
                                None, frozenset(), False)
        self.app.call_from_thread(self.show, source)

    def show(self, source: SourceFile) -> None:
        view = self.query_one(SourceView)
        view.border_title = f"{source.path} @ {(self.finding.head or 'working tree')[:8]}"
        lines = range(self.finding.start_line, self.finding.end_line + 1)
        view.show(source.text, source.language, ai_lines=source.ai_lines, focus_lines=frozenset(lines),
                  line=self.finding.start_line)
        view.loading = False

    def action_back(self) -> None:
        self.dismiss()

    def action_ack(self) -> None:
        acknowledge(self, self.finding)

    def action_edit(self) -> None:
        open_in_editor(self, self.finding)
