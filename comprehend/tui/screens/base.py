"""What every screen of the review has: the header, the screen bar and the footer."""

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

    def compose(self) -> ComposeResult:
        yield Header()
        yield ScreenBar(self.MODE)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> Iterable[Widget]:
        raise NotImplementedError
