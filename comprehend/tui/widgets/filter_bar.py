"""The `/` filter line of a list: hidden until `/`, filters as you type, enter keeps the
filter and returns to the list, esc clears it."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    BINDINGS = [Binding("escape", "clear", "Clear filter")]

    class Filtered(Message):
        def __init__(self, bar: FilterBar, text: str) -> None:
            super().__init__()
            self.bar = bar
            self.text = text

    def __init__(self, hint: str, *, id: str, then: str) -> None:
        super().__init__(placeholder=f"filter: {hint}", id=id, classes="filter-bar")
        self.then = then  # the selector of the list it filters: focused when done
        # Hidden and out of the focus chain until `/`: a focused input would take the
        # screen's letter and number keys.
        self.display = False
        self.can_focus = False

    def open(self) -> None:
        self.display = self.can_focus = True
        self.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Filtered(self, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.display = bool(self.value)
        self.can_focus = False
        self.screen.query_one(self.then).focus()

    def action_clear(self) -> None:
        self.value = ""
        self.display = self.can_focus = False
        self.screen.query_one(self.then).focus()
