"""What every screen of the review has: the header, the screen bar and the footer; and when
it starts reading its data: on its first visit, after its first frame."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header

from comprehend.tui.widgets.screen_bar import ScreenBar


class ReviewScreen(Screen[None]):
    MODE: ClassVar[str]  # the key in comprehend.tui.navigation.SCREENS
    HELP: ClassVar[tuple[tuple[str, str], ...]] = ()  # this screen's own keys, listed by `?`
    shown = False  # True from the first visit on

    def __init__(self) -> None:
        super().__init__()
        # Textual re-reads the whole stylesheet and restyles the app the first time a new
        # screen becomes current (its update count starts behind the app's): 50-150 ms on a
        # first switch, and redundant here, since a screen is styled from the current sheet
        # when it is mounted. A theme change later still bumps the app's count, and then
        # the next switch to this screen restyles it as Textual intends.
        self._css_update_count = self.app._css_update_count

    def compose(self) -> ComposeResult:
        yield Header()
        yield ScreenBar(self.MODE)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> Iterable[Widget]:
        raise NotImplementedError

    def on_mount(self) -> None:
        # The app may shut down while it composes screens ahead (prepare_screens): it prunes
        # their widgets first, and their mount arrives after, with nothing left to set up.
        if self.app.is_running:
            self.mounted()

    def mounted(self) -> None:
        """Set up the widgets compose made (table columns, loading marks)."""

    def on_screen_resume(self) -> None:
        # The app composes every screen before its first visit (ReviewApp.prepare_screens);
        # a screen reads its data only once someone looks at it, and only after its first
        # frame, so a worker thread does not hold the interpreter while that frame is drawn.
        if not self.shown and self.is_current:
            self.shown = True
            self.call_after_refresh(self.first_shown)

    def first_shown(self) -> None:
        """Start reading what the screen shows, in a worker."""
