"""Asks why a finding is acknowledged: a reason is required (it goes into the
acknowledgments file `check` reads, beside the fingerprint)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from comprehend.views.findings import FindingRow


class AckScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, finding: FindingRow) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        with Vertical(id="ack"):
            yield Static(f"Acknowledge {self.finding.rule} in {self.finding.file}:"
                         f"{self.finding.start_line}\n{self.finding.title}", markup=False)
            yield Input(placeholder="why this is acceptable (required); enter saves, esc cancels",
                        id="ack-reason")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if reason:
            self.dismiss(reason)
        else:
            self.notify("a reason is required", severity="warning")
