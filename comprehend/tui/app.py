"""The review app: six screens on keys 1-6 (Textual modes, so each keeps its state when
you switch away), `?` for the keys of the screen, ctrl+p for comprehend's commands, `q` to
quit. The app holds what screens share: the workspace, the check that may be running,
and a signal that stored data changed (a check finished, a finding was acknowledged)."""

from __future__ import annotations

import gc

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.signal import Signal

from comprehend.llm import Budget
from comprehend.tui.check_runner import CheckState, cancel_check, start_check
from comprehend.tui.commands import ReviewCommands
from comprehend.tui.critic_ask import ask_critic
from comprehend.tui.navigation import SCREENS
from comprehend.tui.scan_runner import run_scan
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
    COMMANDS = App.COMMANDS | {ReviewCommands}
    # Classes on the screen by terminal size, for the stylesheet: 80x24 and 200x60 both work.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    BINDINGS = [
        *(
            Binding(str(n), f"show_screen('{mode}')", label)
            for n, (mode, label) in enumerate(SCREENS, start=1)
        ),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, workspace: Workspace, *, llm: str | None = None,
                 budget: Budget | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        # the critic's model (`review --llm`, else [llm] model; None: `c` says how to set one)
        self.critic_model = llm or workspace.config.llm.model
        self.critic_budget = budget or Budget()
        repo = workspace.repo
        self.sub_title = f"{repo.root.name} · {where(repo.branch, repo.head)}"
        self.check_state: CheckState | None = None
        self.check_signal: Signal[CheckState] = Signal(self, "check")
        self.data_version = 0  # goes up when a check or an acknowledgment changes the store
        self.data_signal: Signal[int] = Signal(self, "data")

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        # Notices carry paths, config keys (`[llm] model`) and error text, never markup: read
        # as markup, `[llm]` vanished from the line saying how to configure a model.
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_ready(self) -> None:
        self.prepare_screens()

    @work(group="prepare", exclusive=True)
    async def prepare_screens(self) -> None:
        """After the first frame, compose the screens not visited yet, one after another, so
        that a first visit costs what a later one does: a layout and a frame. Composing and
        styling a screen's widgets is most of a first switch's 100-300 ms; done here it
        happens while the person reads the Overview. A screen reads its data on its first
        visit (ReviewScreen.first_shown), so nothing here touches git or the store."""
        for mode, _label in SCREENS:
            # Textual has no public call to build a mode's screen without switching to it;
            # _init_mode is what switch_mode calls the first time, minus the switch.
            if not self.is_running:  # shutting down: it closes the stacks it finds; adding
                return  # one while it iterates them breaks the shutdown
            if mode not in self._screen_stacks:
                await self._init_mode(mode)
        # What exists now (Textual, the app, every screen's widgets) lives as long as the
        # app: out of the cyclic collector's sight, a full collection no longer walks it.
        # Such a collection stops every thread, and it came in the middle of a switch at
        # times, for 100-300 ms. Freed by reference counting as before; on_unmount hands
        # it back, so a process that runs apps one after another (tests) leaks nothing.
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()

    def action_show_screen(self, mode: str) -> None:
        # A number key pressed over the help closes the help first, so the help does not
        # reappear on top when you come back to this screen.
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        self.switch_mode(mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            keys = getattr(self.screen, "HELP", ())
            title = getattr(self.screen, "HELP_TITLE", None) or "Keys"
            self.push_screen(HelpScreen(title, keys))

    # --- a check of one commit, shared by Changes, an opened change and the palette --------

    def check_commit(self, sha: str, subject: str) -> None:
        start_check(self, sha, subject)

    def ask_critic(self, sha: str, subject: str) -> None:
        ask_critic(self, sha, subject)

    def cancel_check(self) -> bool:
        return cancel_check(self)

    @property
    def check_running(self) -> bool:
        return self.check_state is not None and self.check_state.running

    def publish_check(self, state: CheckState) -> None:
        self.check_state = state
        self.check_signal.publish(state)

    def check_finished(self, state: CheckState) -> None:
        self.publish_check(state)
        self.notify(state.message, severity="error" if state.outcome in ("fail", "error") else "information")
        if state.outcome in ("pass", "fail") or state.job == "critic":
            self.data_changed()

    def current_change(self) -> tuple[str, str] | None:
        """(sha, subject) of the change the current screen is about, if any."""
        row = getattr(self.screen, "row", None) or (
            self.screen.selected() if isinstance(self.screen, ChangesScreen) else None)
        return (row.sha, row.subject) if row is not None else None

    def head_change(self) -> tuple[str, str]:
        return self.workspace.repo.head, "HEAD"

    async def open_file(self, path: str) -> None:
        await self.switch_mode("graph")
        self.screen.open_path(path)

    def scan(self) -> None:
        run_scan(self)

    def data_changed(self) -> None:
        self.data_version += 1
        self.data_signal.publish(self.data_version)
