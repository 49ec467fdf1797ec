"""One change opened from Changes: its diff with the lines AI wrote marked, the latest
check's findings at the lines they are about (the rest after the diff) with the latest
critic's beside them, `r` checks it, `c` asks the LLM critic about it."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from comprehend.errors import UserError
from comprehend.tui.widgets.check_progress import CheckProgress
from comprehend.tui.widgets.finding_card import finding_card
from comprehend.views.changes import ChangeDetail, ChangeRow, load_change_detail, refreshed

LINE_STYLE = {"file": "bold", "hunk": "cyan", "add": "green", "delete": "red", "meta": "dim"}


def diff_text(lines) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for line in lines:
        number = f"{line.line:>5} " if line.line is not None else "      "
        mark = ("AI ", "bold #d7a13a") if line.ai else ("   ", "")
        text.append(number, style="dim")
        text.append(*mark)
        text.append(line.text + "\n", style=LINE_STYLE.get(line.kind, ""))
    text.rstrip()
    return text


class ChangeDetailScreen(Screen[None]):
    HELP_TITLE = "Change"
    HELP = (
        ("esc", "back to Changes (cancels a running check or critic first)"),
        ("r", "run check on this change"),
        ("c", "ask the LLM critic about this change: its cost first; its findings appear "
              "here"),
        ("tab", "next finding; enter or click opens its evidence"),
        ("j / k, ↓ / ↑", "scroll"),
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "check", "Check"),
        Binding("c", "critic", "Critic"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
    ]

    def __init__(self, row: ChangeRow) -> None:
        super().__init__()
        self.row = row
        self.detail: ChangeDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text.assemble((self.row.sha[:8], "bold"), f"  {self.row.tool or 'ai'}  ",
                                   (self.row.author, "italic"), f"  {self.row.date[:10]}  ",
                                   self.row.subject), id="change-title", markup=False)
        yield VerticalScroll(id="change-body")
        yield CheckProgress()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#change-body").loading = True
        # A finished check: read the change again, with the new run's findings.
        self.app.data_signal.subscribe(self, lambda _version: self.load(self.row, fresh=True))
        self.load(self.row)

    @work(thread=True, exclusive=True, group="change-detail")
    def load(self, row: ChangeRow, fresh: bool = False) -> None:
        try:
            with self.app.workspace.open_store() as store:
                if fresh:
                    row = refreshed(store, row)
                detail = load_change_detail(self.app.workspace, store, row)
        except UserError as exc:
            self.app.call_from_thread(self.show_error, exc.message)
            return
        self.app.call_from_thread(self.show, detail)

    async def show(self, detail: ChangeDetail) -> None:
        self.detail, self.row = detail, detail.row
        body = self.query_one("#change-body", VerticalScroll)
        await body.remove_children()
        widgets = []
        verdict = detail.row.verdict
        summary = (f"latest check: {verdict.upper()}, {len(detail.findings)} finding(s)" if verdict
                   else "not checked yet: r runs the check here")
        widgets.append(Static(Text(f"{summary} · shell: {detail.check_command}", style="dim"),
                              classes="change-summary"))
        if detail.critic is not None:
            widgets.append(Static(Text(detail.critic.text(), style="dim"),
                                  classes="change-summary critic-summary"))
        chunk: list = []
        for line in detail.lines:
            chunk.append(line)
            if line.findings:
                widgets.append(Static(diff_text(chunk), classes="diff-chunk"))
                chunk = []
                widgets += [finding_card(detail.findings[i]) for i in line.findings]
        if chunk:
            widgets.append(Static(diff_text(chunk), classes="diff-chunk"))
        if detail.unplaced:
            widgets.append(Static(Text("Findings on lines outside this diff", style="bold"),
                                  classes="change-summary"))
            widgets += [finding_card(detail.findings[i]) for i in detail.unplaced]
        await body.mount_all(widgets)
        body.loading = False

    def show_error(self, message: str) -> None:
        body = self.query_one("#change-body", VerticalScroll)
        body.mount(Static(f"Cannot read this change: {message}", markup=False))
        body.loading = False

    def action_back(self) -> None:
        if not self.app.cancel_check():
            self.dismiss()

    def action_check(self) -> None:
        self.app.check_commit(self.row.sha, self.row.subject)

    def action_critic(self) -> None:
        self.app.ask_critic(self.row.sha, self.row.subject)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#change-body", VerticalScroll)
        if direction == "down":
            body.scroll_down(animate=False)
        else:
            body.scroll_up(animate=False)
