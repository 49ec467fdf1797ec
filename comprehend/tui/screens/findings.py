"""Findings: every stored finding in a sortable table (`s` or a click on a heading),
filtered with `/` (severity:, rule:, file:, run:); enter opens it, `a` acknowledges it with
a reason, `e` opens its file at its line in $EDITOR."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget

from comprehend.errors import UserError
from comprehend.tui.finding_actions import acknowledge, open_in_editor
from comprehend.tui.screens.base import ReviewScreen
from comprehend.tui.widgets.filter_bar import FilterBar
from comprehend.tui.widgets.finding_card import severity_text
from comprehend.tui.widgets.key_table import KeyTable
from comprehend.views.filters import describe, parse_query
from comprehend.views.findings import (
    FILTER_KEYS,
    SORT_KEYS,
    FindingRow,
    FindingsView,
    load_findings,
)

COLUMNS = (("severity", "Severity"), ("rule", "Rule"), ("file", "File"), ("lines", "Lines"),
           ("run", "Run"), ("ack", "Ack"), ("title", "Title"))


def load_acks_for(root) -> dict[str, str]:
    """fingerprint -> reason, from the acknowledgments file `check` reads."""
    from comprehend.adversary.acks import load_acks

    return {ack.fingerprint: ack.reason for ack in load_acks(root)}


class FindingsScreen(ReviewScreen):
    MODE = "findings"
    HELP_TITLE = "Findings"
    HELP = (
        ("enter", "open the finding: its code with its lines marked, its evidence"),
        ("a", "acknowledge it with a reason (written where `check` reads it)"),
        ("e", "open its file at its line in $EDITOR"),
        ("s", "sort by the next column: severity, rule, file, run"),
        ("/", "filter: words, severity: rule: file: run:"),
        ("esc", "clear the filter"),
    )
    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("a", "ack", "Acknowledge"),
        Binding("e", "edit", "Edit"),
        Binding("s", "sort", "Sort"),
        Binding("escape", "clear", "Clear", show=False),
    ]
    view: FindingsView | None = None
    sort = "run"

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="findings"):
            yield FilterBar(", ".join(f"{k}:" for k in FILTER_KEYS), id="findings-filter", then="#finding-list")
            yield KeyTable("Findings", id="finding-list")

    def mounted(self) -> None:
        table = self.query_one("#finding-list", KeyTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        self.query_one("#findings").loading = True
        self.app.data_signal.subscribe(self, lambda _version: self.load())

    def first_shown(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, name="findings")
    def load(self) -> None:
        try:
            acks = load_acks_for(self.app.workspace.repo.root)
            with self.app.workspace.open_store() as store:
                view = load_findings(store, acks)
        except UserError as exc:
            self.app.call_from_thread(self.show_error, exc.message)
            return
        self.app.call_from_thread(self.show, view)

    def show(self, view: FindingsView) -> None:
        self.view = view
        self.refill()
        self.query_one("#findings").loading = False

    def show_error(self, message: str) -> None:
        self.query_one("#finding-list", KeyTable).border_subtitle = f"cannot read: {message}"
        self.query_one("#findings").loading = False

    def refill(self) -> None:
        if self.view is None:
            return
        table = self.query_one("#finding-list", KeyTable)
        keep = self.selected()
        query = parse_query(self.query_one(FilterBar).value, FILTER_KEYS)
        rows = self.view.filtered(query, self.sort)
        table.clear()
        for i, f in enumerate(rows):
            lines = str(f.start_line) if f.end_line == f.start_line else f"{f.start_line}-{f.end_line}"
            table.add_row(severity_text(f.severity), Text(f.rule), Text(f.file),
                          Text(lines, justify="right"), Text(str(f.run), justify="right"),
                          Text("ack" if f.acknowledged else "", style="italic"), Text(f.title),
                          key=f"{f.run}:{i}:{f.fingerprint}")
        self.rows = rows
        table.border_title = (f"Findings: {self.view.failing:,} failing, "
                              f"{self.view.acknowledged:,} acknowledged")
        table.border_subtitle = (describe(query, len(rows), len(self.view.rows), "findings")
                                 + f" · sorted by {self.sort}")
        if keep is not None:
            for i, f in enumerate(rows):
                if (f.run, f.fingerprint) == (keep.run, keep.fingerprint):
                    table.move_cursor(row=i)
                    break

    def selected(self) -> FindingRow | None:
        table = self.query_one("#finding-list", KeyTable)
        rows = getattr(self, "rows", ())
        if not rows or table.row_count == 0:
            return None
        return rows[min(table.cursor_row, len(rows) - 1)]

    def on_filter_bar_filtered(self, _event: FilterBar.Filtered) -> None:
        self.refill()

    def on_data_table_header_selected(self, event: KeyTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key in SORT_KEYS:
            self.sort = key
            self.refill()

    def on_data_table_row_selected(self, _event: KeyTable.RowSelected) -> None:
        finding = self.selected()
        if finding is not None:
            from comprehend.tui.screens.finding_detail import FindingDetailScreen

            self.app.push_screen(FindingDetailScreen(finding))

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def action_clear(self) -> None:
        self.query_one(FilterBar).action_clear()

    def action_sort(self) -> None:
        self.sort = SORT_KEYS[(SORT_KEYS.index(self.sort) + 1) % len(SORT_KEYS)]
        self.refill()

    def action_ack(self) -> None:
        finding = self.selected()
        if finding is not None:
            acknowledge(self, finding)

    def action_edit(self) -> None:
        finding = self.selected()
        if finding is not None:
            open_in_editor(self, finding)
