"""The Team screen (key 6): comprehension debt and its weekly trend, who understands which
module (a heat map of recall), knowledge islands, the LLM spend per month once a model was
used. Enter on a module starts a quiz about it."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from comprehend.errors import UserError
from comprehend.tui.screens.base import ReviewScreen
from comprehend.tui.widgets.key_table import KeyTable

MAX_MEMBERS = 12  # heat-map columns; the rest are in `comprehend team`


def recall_cell(value: float) -> Text:
    """A member's recall of a module as a shaded cell: the darker, the better known."""
    shade = int(235 - value * 190)
    return Text(f"{value * 100:3.0f}", justify="right",
                style=f"{'white' if value > 0.5 else 'black'} on rgb({shade},{min(shade + 20, 255)},255)")


class TeamScreen(ReviewScreen):
    MODE = "team"
    LABEL = "Team"
    HELP_TITLE = "Team"
    HELP = (
        ("enter", "on a module: start a quiz about it (Quiz screen)"),
        ("r", "recompute the report"),
        ("tab / shift+tab", "next / previous table"),
    )
    BINDINGS = [Binding("r", "reload", "Reload")]
    report = None

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="team"):
            yield Static("Computing comprehension debt...", id="team-summary")
            yield Sparkline([], id="team-trend")
            yield Static("", id="team-spend", markup=False)
            with Horizontal(id="team-tables"):
                yield KeyTable("Who understands which module (recall %)", id="team-heat")
                yield KeyTable("Knowledge islands", id="team-islands")

    def mounted(self) -> None:
        self.query_one("#team").loading = True

    def first_shown(self) -> None:
        self.load()

    def action_reload(self) -> None:
        self.query_one("#team").loading = True
        self.load()

    @work(thread=True, exclusive=True, name="team")
    def load(self) -> None:
        from comprehend.views.team import load_team

        try:
            with self.app.workspace.open_store() as store:
                report = load_team(self.app.workspace, store)
        except UserError as exc:
            self.app.call_from_thread(self.show_error, exc.message)
            return
        self.app.call_from_thread(self.show, report)

    def show_error(self, message: str) -> None:
        self.query_one("#team-summary", Static).update(f"Cannot compute the debt: {message}")
        self.query_one("#team").loading = False

    def show(self, report) -> None:
        self.report = report
        weeks = list(report.weeks)
        last = weeks[-1] if weeks else None
        summary = Text()
        summary.append("Comprehension debt ", style="bold")
        summary.append(f"{report.debt * 100:.1f}%", style="bold red" if report.debt > 0.5 else "bold")
        summary.append(f" of the weighted code no current member is likely to understand; "
                       f"AI-written code {report.debt_ai * 100:.1f}%. Truck factor "
                       f"{report.truck_factor}; {report.answers} answers.")
        if last is not None:
            summary.append(f"\n{weeks[0].week}..{last.week}: this week new code "
                           f"{last.new_code * 100:+.1f}, forgetting {last.forgetting * 100:+.1f}, "
                           f"repayment {last.repayment * 100:+.1f} points")
        self.query_one("#team-summary", Static).update(summary)
        self.query_one("#team-trend", Sparkline).data = [w.debt for w in weeks] or [0.0]
        spend = self.query_one("#team-spend", Static)
        spend.display = bool(report.spend)
        spend.update("LLM spend per month: " + " · ".join(m.text() for m in report.spend[:6]))

        members = [m.email for m in report.members][:MAX_MEMBERS]
        heat = self.query_one("#team-heat", KeyTable)
        heat.clear(columns=True)
        heat.add_column("module", key="module")
        heat.add_column("debt", key="debt")
        heat.add_column("AI", key="ai")
        for email in members:
            heat.add_column(email.split("@")[0][:10], key=email)
        for m in report.modules:
            recall = dict(m.recall)
            heat.add_row(Text(m.path), Text(f"{m.debt * 100:.0f}%", justify="right"),
                         Text(f"{m.ai_share * 100:.0f}%", justify="right"),
                         *(recall_cell(recall.get(e, 0.0)) for e in members), key=m.path)
        heat.border_subtitle = f"{len(report.modules)} modules, most debt first · enter: quiz"

        islands = self.query_one("#team-islands", KeyTable)
        islands.clear(columns=True)
        for key in ("module", "only", "lines"):
            islands.add_column(key, key=key)
        for i in report.islands:
            islands.add_row(Text(i.module), Text(i.member.split("@")[0]), Text(str(i.lines), justify="right"))
        islands.border_subtitle = f"{len(report.islands)} islands"
        self.query_one("#team").loading = False

    def on_data_table_row_selected(self, event: KeyTable.RowSelected) -> None:
        """Enter on a module of the heat map: a quiz about it, on the Quiz screen."""
        if event.data_table.id != "team-heat" or event.row_key.value is None:
            return
        self.app.switch_mode("quiz")
        self.app.screen.restart(about=str(event.row_key.value))
