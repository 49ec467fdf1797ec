"""The progress of the check the app is running, wherever it is shown: a line saying
what it is doing and a bar (mutants done of all, once it knows how many)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


class CheckProgress(Horizontal):
    def __init__(self) -> None:
        super().__init__(classes="check-progress")
        self.display = False

    def compose(self) -> ComposeResult:
        yield Static("", classes="check-label", markup=False)
        yield ProgressBar(total=None, show_eta=False, classes="check-bar")

    def on_mount(self) -> None:
        self.app.check_signal.subscribe(self, self.update_from)
        state = self.app.check_state
        if state is not None:
            self.update_from(state)

    def update_from(self, state) -> None:
        self.display = state.running or bool(state.message)
        self.query_one(".check-label", Static).update(state.label())
        bar = self.query_one(ProgressBar)
        bar.display = state.running
        if state.total:
            bar.update(total=state.total, progress=state.done)
        else:
            bar.update(total=None)
