"""Overview: commits, authors, files per language and recent commits, read in a worker
thread so the screen draws at once and stays responsive on a large history."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from comprehend.errors import UserError
from comprehend.overview import Overview, human_size, load_overview, plural, summary_line
from comprehend.tui.screens.base import ReviewScreen
from comprehend.tui.widgets.key_table import KeyTable


class OverviewScreen(ReviewScreen):
    MODE = "overview"

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="overview"):
            yield Static("Reading the repository…", id="summary", markup=False)
            with Horizontal(id="overview-top"):
                yield KeyTable("Authors", id="authors")
                yield KeyTable("Files by language", id="languages")
            yield KeyTable("Recent commits", id="recent")

    def on_mount(self) -> None:
        # Plain Text cells throughout: names like dependabot[bot] are not markup.
        self.query_one("#authors", KeyTable).add_columns("Commits", "Author", "Email")
        self.query_one("#languages", KeyTable).add_columns("Language", "Files", "Size")
        self.query_one("#recent", KeyTable).add_columns("Date", "Commit", "Author", "Subject")
        self.query_one("#overview").loading = True
        self.load()

    @work(thread=True, exclusive=True, name="overview")
    def load(self) -> None:
        try:
            overview = load_overview(self.app.workspace.repo)
        except UserError as exc:
            self.app.call_from_thread(self.show_error, exc.message)
            return
        self.app.call_from_thread(self.show, overview)

    def show(self, overview: Overview) -> None:
        self.query_one("#summary", Static).update(summary_line(overview))
        authors = self.query_one("#authors", KeyTable)
        for a in overview.authors:
            authors.add_row(number(a.commits), Text(a.name), Text(a.email))
        languages = self.query_one("#languages", KeyTable)
        for lang in overview.languages:
            languages.add_row(Text(lang.language), number(lang.files),
                              Text(human_size(lang.bytes), justify="right"))
        recent = self.query_one("#recent", KeyTable)
        for c in overview.recent:
            recent.add_row(c.authored_at[:10], c.sha[:8], Text(c.author_name), Text(c.subject))
        recent.border_subtitle = f"latest {plural(len(overview.recent), 'commit')} of {overview.commits}"
        self.query_one("#overview").loading = False

    def show_error(self, message: str) -> None:
        self.query_one("#summary", Static).update(f"Cannot read the repository: {message}")
        self.query_one("#overview-top").display = False
        self.query_one("#recent").display = False
        self.query_one("#overview").loading = False


def number(n: int) -> Text:
    return Text(str(n), justify="right")
