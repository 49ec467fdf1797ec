"""The key help, on `?`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from comprehend.tui.navigation import SCREENS

KEYS: tuple[tuple[str, str], ...] = (
    *((str(n), f"{label} screen") for n, (_mode, label) in enumerate(SCREENS, start=1)),
    ("j / k, ↓ / ↑", "move in a list"),
    ("tab / shift+tab", "next / previous panel"),
    ("ctrl+p", "command palette"),
    ("?", "this help (esc closes it)"),
    ("q", "quit"),
)


class HelpScreen(ModalScreen[None]):
    # A modal screen stops the app's bindings, so the keys it lists are bound here too.
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "app.quit", "Quit", show=False),
        *(
            Binding(str(n), f"app.show_screen('{mode}')", label, show=False)
            for n, (mode, label) in enumerate(SCREENS, start=1)
        ),
    ]

    def compose(self) -> ComposeResult:
        width = max(len(key) for key, _ in KEYS)
        text = "\n".join(f"[b]{key:>{width}}[/]  {what}" for key, what in KEYS)
        box = Static(text, id="help")
        box.border_title = "Keys"
        box.border_subtitle = "esc to close"
        yield box
