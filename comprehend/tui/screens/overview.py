"""Overview: what AI wrote, authors, files per language and recent commits, read in a worker
thread so the screen draws at once and stays responsive on a large history. The AI share
of current lines comes next, in the same worker: cold on a long history it blames every
file, so it shows its progress and stops between two chunks when the app quits. Then the
top-risk modules and the comprehension debt with its weekly sparkline; once the debt is
known, the risks are ranked again with low understanding in the product."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Sparkline, Static
from textual.worker import get_current_worker

from comprehend.errors import UserError
from comprehend.graph.build import build_graph
from comprehend.history.share import LineShare, PendingShare, line_share
from comprehend.tui.screens.base import ReviewScreen
from comprehend.tui.screens.changes import verdict_text
from comprehend.tui.widgets.key_table import KeyTable
from comprehend.views.overview import (
    DebtTrend,
    Overview,
    answers_version,
    author_label,
    authors_heading,
    class_label,
    commits_text,
    debt_text,
    human_size,
    load_debt,
    load_overview,
    plural,
    share_text,
    summary_line,
)
from comprehend.views.risk import BranchCheck, ModuleRisk, branch_checks, module_risks, risk_text


class OverviewScreen(ReviewScreen):
    MODE = "overview"
    HELP_TITLE = "Overview"
    HELP = (
        ("tab / shift+tab", "between authors, languages, checks, risks and recent commits"),
    )
    overview: Overview | None = None  # once the worker has read it
    debt: DebtTrend | None = None  # once the worker has computed it and there are answers
    answers: tuple | None = None  # answers_version the debt was computed from

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="overview"):
            yield Static("Reading the repository…", id="summary", markup=False)
            yield Static(id="written", markup=False)
            with Horizontal(id="debt-line"):
                yield Static("Debt    ", id="debt-label", markup=False)
                yield Sparkline([], id="debt-trend")
                yield Static("counting…", id="debt-text", markup=False)
            with Horizontal(id="overview-top"):
                yield KeyTable("Authors", id="authors")
                yield KeyTable("Files by language", id="languages")
            with Horizontal(id="overview-risk"):
                yield KeyTable("Latest check by branch", id="checks")
                yield KeyTable("Top-risk modules", id="risks")
            yield KeyTable("Recent commits", id="recent")

    def mounted(self) -> None:
        # Plain Text cells throughout: names like dependabot[bot] are not markup.
        self.query_one("#authors", KeyTable).add_columns("Commits", "Class", "Author", "Email")
        self.query_one("#languages", KeyTable).add_columns("Language", "Files", "Size")
        self.query_one("#recent", KeyTable).add_columns("Date", "Commit", "Class", "Author", "Subject")
        self.query_one("#risks", KeyTable).border_subtitle = "counting…"
        self.query_one("#debt-trend").display = False
        self.app.data_signal.subscribe(self, lambda _version: self.load_checks())
        self.query_one("#overview").loading = True

    def first_shown(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, name="overview")
    def load(self) -> None:
        worker = get_current_worker()
        workspace = self.app.workspace

        def progress(done: int, total: int) -> None:
            if not worker.is_cancelled:  # the app may be closing: nothing left to draw on
                self.app.call_from_thread(self.show_progress, done, total)

        overview = None
        try:
            with workspace.open_store() as store:
                overview = load_overview(workspace, store)
                self.app.call_from_thread(self.show, overview)
                self.app.call_from_thread(self.show_checks, branch_checks(workspace, store))
                share = line_share(workspace, store, overview.head, progress=progress,
                                   stopped=lambda: worker.is_cancelled)
                if share is None or worker.is_cancelled:
                    return  # stopped because the app is closing
                self.app.call_from_thread(self.show_share, share)
                graph = build_graph(workspace.repo, workspace.config, store, rev=overview.head)
                self.app.call_from_thread(self.show_risks, module_risks(graph, store, overview.head))
                self.read_debt(store, graph, overview.head)
        except UserError as exc:
            if overview is None:
                self.app.call_from_thread(self.show_error, exc.message)
            else:  # the commits are on screen; only the line share, risks or debt failed
                self.app.call_from_thread(self.show_written, f"cannot count: {exc.message}")
                self.app.call_from_thread(self.show_debt_error, exc.message)

    def read_debt(self, store, graph, head: str) -> None:
        """In a worker: the debt, then the risks again with it (both unchanged while nobody
        has answered a quiz)."""
        answers = answers_version(store)
        debt = load_debt(self.app.workspace, store, head, graph=graph)
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self.show_debt, debt, answers)
        if debt is not None:
            risks = module_risks(graph, store, head, debt=dict(debt.modules))
            self.app.call_from_thread(self.show_risks, risks)

    def on_screen_resume(self) -> None:
        # Back from the Quiz screen: answers recorded since move the debt and the risks.
        # Looked up after the frame, so the worker's thread does not delay it.
        if self.answers is not None:
            self.call_after_refresh(self.reload_debt, self.answers)

    @work(thread=True, exclusive=True, group="overview-debt")
    def reload_debt(self, answers: tuple) -> None:
        workspace = self.app.workspace
        try:
            with workspace.open_store() as store:
                if answers_version(store) == answers:
                    return
                head = self.overview.head
                self.read_debt(store, build_graph(workspace.repo, workspace.config, store, rev=head), head)
        except UserError as exc:
            self.app.call_from_thread(self.show_debt_error, exc.message)

    @work(thread=True, exclusive=True, name="overview-checks")
    def load_checks(self) -> None:
        """After a check ran: the verdicts again."""
        with self.app.workspace.open_store() as store:
            checks = branch_checks(self.app.workspace, store)
        self.app.call_from_thread(self.show_checks, checks)

    def show_checks(self, checks: tuple[BranchCheck, ...]) -> None:
        table = self.query_one("#checks", KeyTable)
        # Columns with their rows in one go: a header drawn before the rows arrive could keep
        # its narrower widths.
        table.clear(columns=True)
        table.add_columns("Branch", "Tip", "Verdict", "Findings")
        for c in checks:
            table.add_row(Text(c.branch), c.tip[:8], verdict_text(c.verdict),
                          Text(", ".join(f"{n} {s}" for s, n in c.counts) or ("none" if c.verdict else "")))
        table.border_subtitle = "r in Changes checks"

    def show_risks(self, risks: tuple[ModuleRisk, ...]) -> None:
        table = self.query_one("#risks", KeyTable)
        table.clear(columns=True)
        understood = self.debt is not None
        # The score next to the name: in a narrow terminal the factors are what is cut off.
        table.add_columns("Module", "Risk", "Rank", "AI", "Untested", *(("Debt",) if understood else ()))
        for r in risks:
            rank, ai, untested, debt, score = risk_text(r)
            cells = (score, rank, ai, untested, *((debt,) if understood else ()))
            table.add_row(Text(r.path), *(Text(c, justify="right") for c in cells))
        product = "rank x AI share x untested" + (" x debt" if understood else "")
        table.border_subtitle = product if risks else "no module with AI-written, untested code"

    def show_debt(self, debt: DebtTrend | None, answers: tuple) -> None:
        self.debt, self.answers = debt, answers
        trend = self.query_one("#debt-trend", Sparkline)
        trend.data = [d for _week, d in debt.weeks] if debt is not None else []
        trend.display = debt is not None
        self.query_one("#debt-text", Static).update(debt_text(debt))

    def show_debt_error(self, message: str) -> None:
        self.query_one("#debt-text", Static).update(f"cannot count: {message}")

    def show(self, overview: Overview) -> None:
        self.overview = overview
        self.query_one("#summary", Static).update(summary_line(overview))
        self.show_written("counting…")
        authors = self.query_one("#authors", KeyTable)
        authors.border_title = authors_heading(overview)
        for a in overview.authors:
            authors.add_row(number(a.commits), Text(author_label(a)), Text(a.name), Text(a.email))
        languages = self.query_one("#languages", KeyTable)
        for lang in overview.languages:
            languages.add_row(Text(lang.language), number(lang.files),
                              Text(human_size(lang.bytes), justify="right"))
        recent = self.query_one("#recent", KeyTable)
        for c in overview.recent:
            recent.add_row(c.authored_at[:10], c.sha[:8], Text(class_label(c.cls, c.tool)),
                           Text(c.author_name), Text(c.subject))
        recent.border_subtitle = f"latest {plural(len(overview.recent), 'commit')} of {overview.commits:,}"
        self.query_one("#overview").loading = False

    def show_progress(self, done: int, total: int) -> None:
        self.show_written(f"counting… blamed {done:,} of {plural(total, 'file')}")

    def show_share(self, share: LineShare | PendingShare) -> None:
        self.show_written(share_text(share))

    def show_written(self, lines: str) -> None:
        text = Text.assemble(("Commits ", "bold"), commits_text(self.overview), "\n",
                             ("Lines   ", "bold"), lines)
        self.query_one("#written", Static).update(text)

    def show_error(self, message: str) -> None:
        self.query_one("#summary", Static).update(f"Cannot read the repository: {message}")
        self.query_one("#written").display = False
        self.query_one("#debt-line").display = False
        self.query_one("#overview-top").display = False
        self.query_one("#overview-risk").display = False
        self.query_one("#recent").display = False
        self.query_one("#overview").loading = False


def number(n: int) -> Text:
    return Text(f"{n:,}", justify="right")
