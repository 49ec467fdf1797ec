"""Asks before the critic is asked: what it would send and the most it could cost, from the
estimate (nothing has left the machine yet). y or enter asks, n or esc does not."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from comprehend.views.critic import cost_lines


class AskCriticScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "dismiss(True)", "Ask"),
        Binding("enter", "dismiss(True)", "Ask", show=False),
        Binding("n", "dismiss(False)", "Don't ask"),
        Binding("escape", "dismiss(False)", "Don't ask", show=False),
    ]

    def __init__(self, sha: str, subject: str, estimate, budget) -> None:
        super().__init__()
        self.lines = cost_lines(sha, subject, estimate, budget)

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-critic"):
            yield Static("\n".join(self.lines), id="ask-critic-text", markup=False)
            yield Static("y or enter: ask · n or esc: don't", classes="ask-critic-keys",
                         markup=False)
