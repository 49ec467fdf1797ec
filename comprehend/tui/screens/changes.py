"""Changes: the AI-authored commits on every local branch and the branches with their
latest check; `/` filters (tool:, author:, path:, branch:, since:, until:), enter opens a
change, `r` checks the selected one in a worker, `c` asks the LLM critic about it (its cost
shown first; esc cancels either)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget

from comprehend.errors import UserError
from comprehend.tui.screens.base import ReviewScreen
from comprehend.tui.widgets.check_progress import CheckProgress
from comprehend.tui.widgets.filter_bar import FilterBar
from comprehend.tui.widgets.key_table import KeyTable
from comprehend.views.changes import FILTER_KEYS, ChangeRow, ChangesView, load_changes
from comprehend.views.filters import describe, parse_query

VERDICT_STYLE = {"pass": "green", "fail": "bold red"}


def verdict_text(verdict: str | None) -> Text:
    return Text(verdict or "—", style=VERDICT_STYLE.get(verdict or "", "dim"))


class ChangesScreen(ReviewScreen):
    MODE = "changes"
    HELP_TITLE = "Changes"
    HELP = (
        ("enter", "open the change: its diff, AI lines marked, findings inline; on a branch: "
                  "its changes"),
        ("r", "check the selected change in the background (esc cancels)"),
        ("c", "ask the LLM critic about the selected change: its cost first, then its "
              "claims run as tests (esc cancels)"),
        ("/", "filter: words, tool: author: path: branch: since: until:"),
        ("esc", "cancel the running check or critic, or clear the filter"),
    )
    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("r", "check", "Check"),
        Binding("c", "critic", "Critic"),
        Binding("escape", "cancel", "Cancel", show=False),
    ]
    view: ChangesView | None = None

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="changes"):
            yield FilterBar(", ".join(f"{k}:" for k in FILTER_KEYS) + " since: until:", id="changes-filter", then="#change-list")
            yield KeyTable("Branches", id="branches")
            yield KeyTable("AI-authored changes", id="change-list")
            yield CheckProgress()

    def mounted(self) -> None:
        self.query_one("#branches", KeyTable).add_columns("Branch", "Tip", "AI commits", "Latest check")
        self.query_one("#change-list", KeyTable).add_columns(
            "Date", "Commit", "Tool", "Author", "Branch", "Check", "Subject")
        self.query_one("#changes").loading = True
        self.query_one("#change-list").focus()  # the list you act on, before the branches
        self.app.data_signal.subscribe(self, lambda _version: self.load())

    def first_shown(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, name="changes")
    def load(self) -> None:
        try:
            with self.app.workspace.open_store() as store:
                view = load_changes(self.app.workspace, store)
        except UserError as exc:
            self.app.call_from_thread(self.show_error, exc.message)
            return
        self.app.call_from_thread(self.show, view)

    def show(self, view: ChangesView) -> None:
        self.view = view
        branches = self.query_one("#branches", KeyTable)
        branches.clear()
        for b in view.branches:
            branches.add_row(Text(b.name), b.tip[:8], Text(f"{b.ai_commits:,}", justify="right"),
                             verdict_text(b.verdict))
        self.refill()
        self.query_one("#changes").loading = False

    def refill(self) -> None:
        if self.view is None:
            return
        table = self.query_one("#change-list", KeyTable)
        selected = self.selected()
        query = parse_query(self.query_one(FilterBar).value, FILTER_KEYS)
        rows = self.view.filtered(query)
        table.clear()
        for row in rows:
            table.add_row(row.date[:10], row.sha[:8], Text(row.tool or "ai"), Text(row.author),
                          Text(row.branch), verdict_text(row.verdict), Text(row.subject), key=row.sha)
        table.border_subtitle = describe(query, len(rows), len(self.view.rows), "AI-authored commits")
        if selected is not None and selected.sha in {r.sha for r in rows}:
            table.move_cursor(row=table.get_row_index(selected.sha))

    def show_error(self, message: str) -> None:
        self.query_one("#change-list", KeyTable).border_subtitle = f"cannot read: {message}"
        self.query_one("#changes").loading = False

    def selected(self) -> ChangeRow | None:
        table = self.query_one("#change-list", KeyTable)
        if self.view is None or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.view.rows if r.sha == key), None)

    def on_filter_bar_filtered(self, _event: FilterBar.Filtered) -> None:
        self.refill()

    def on_data_table_row_selected(self, event: KeyTable.RowSelected) -> None:
        if event.data_table.id == "branches" and self.view is not None:
            bar = self.query_one(FilterBar)
            bar.value = f"branch:{self.view.branches[event.cursor_row].name}"
            bar.display = True
            self.query_one("#change-list").focus()
        elif event.data_table.id == "change-list":
            row = self.selected()
            if row is not None:
                from comprehend.tui.screens.change_detail import ChangeDetailScreen

                self.app.push_screen(ChangeDetailScreen(row))

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def action_check(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.check_commit(row.sha, row.subject)

    def action_critic(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.ask_critic(row.sha, row.subject)

    def action_cancel(self) -> None:
        if not self.app.cancel_check():
            self.query_one(FilterBar).action_clear()
