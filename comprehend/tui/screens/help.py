"""The key help, on `?`: the keys of the screen it was opened on, then the keys that work
everywhere."""

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
    ("esc", "back, or close what is open"),
    ("ctrl+p", "commands: check a change, ask the critic, scan, switch screen, open a file"),
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

    def __init__(self, title: str = "Keys", screen_keys: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.screen_keys = screen_keys

    def compose(self) -> ComposeResult:
        rows = [*self.screen_keys, *KEYS]
        width = max(len(key) for key, _ in rows)
        lines = [f"[b]{key:>{width}}[/]  {what}" for key, what in self.screen_keys]
        if lines:
            lines.append("")
        lines += [f"[b]{key:>{width}}[/]  {what}" for key, what in KEYS]
        box = Static("\n".join(lines), id="help")
        box.border_title = f"Keys: {self.title_text}" if self.screen_keys else "Keys"
        box.border_subtitle = "esc to close"
        yield box
