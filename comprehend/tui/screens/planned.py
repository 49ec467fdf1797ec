"""A screen whose capability has not landed yet: it says what will appear there, and
shows no made-up data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.containers import Center, Middle
from textual.widget import Widget
from textual.widgets import Static

from comprehend.tui.screens.base import ReviewScreen


class PlannedScreen(ReviewScreen):
    LABEL: ClassVar[str]
    WILL_SHOW: ClassVar[str]  # what this screen will show, in a sentence or two

    def compose_body(self) -> Iterable[Widget]:
        with Middle(classes="planned"), Center():
            note = Static(f"Not built yet.\n\n{self.WILL_SHOW}", classes="planned-note")
            note.border_title = self.LABEL
            yield note
