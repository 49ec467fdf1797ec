"""The row of screen names under the header, the current one highlighted (tig/lazygit
style); a click on a name switches to it, as its number key does."""

from __future__ import annotations

from textual.widgets import Static

from comprehend.tui.navigation import SCREENS


class ScreenBar(Static):
    def __init__(self, current: str) -> None:
        parts = []
        for number, (mode, label) in enumerate(SCREENS, start=1):
            if mode == current:
                parts.append(f"[reverse b] {number} {label} [/]")
            else:
                parts.append(f"[@click=app.show_screen('{mode}')] {number} {label} [/]")
        super().__init__(" ".join(parts), classes="screen-bar")
