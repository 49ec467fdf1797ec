"""The review app: six screens on keys 1-6 (Textual modes, so each keeps its state when
you switch away), `?` for help, `q` to quit."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from comprehend.tui.navigation import SCREENS
from comprehend.tui.screens.changes import ChangesScreen
from comprehend.tui.screens.findings import FindingsScreen
from comprehend.tui.screens.graph import GraphScreen
from comprehend.tui.screens.help import HelpScreen
from comprehend.tui.screens.overview import OverviewScreen
from comprehend.tui.screens.quiz import QuizScreen
from comprehend.tui.screens.team import TeamScreen
from comprehend.views.overview import where
from comprehend.workspace import Workspace

SCREEN_CLASSES = {
    "overview": OverviewScreen,
    "changes": ChangesScreen,
    "graph": GraphScreen,
    "findings": FindingsScreen,
    "quiz": QuizScreen,
    "team": TeamScreen,
}


class ReviewApp(App[None]):
    CSS_PATH = "comprehend.tcss"
    TITLE = "comprehend"
    MODES = {mode: SCREEN_CLASSES[mode] for mode, _label in SCREENS}
    DEFAULT_MODE = "overview"
    BINDINGS = [
        *(
            Binding(str(n), f"show_screen('{mode}')", label)
            for n, (mode, label) in enumerate(SCREENS, start=1)
        ),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        repo = workspace.repo
        self.sub_title = f"{repo.root.name} · {where(repo.branch, repo.head)}"

    def action_show_screen(self, mode: str) -> None:
        # A number key pressed over the help closes the help first, so the help does not
        # reappear on top when you come back to this screen.
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        self.switch_mode(mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
