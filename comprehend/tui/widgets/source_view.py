"""A file's source, read-only, syntax highlighted where a grammar is at hand, with some
lines marked: the lines AI wrote, or a finding's lines."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import TextArea

AI_STYLE = Style(bgcolor="#3a2f10")  # a dim amber under the lines AI wrote
FOCUS_STYLE = Style(bgcolor="#5a1a1a")  # a dim red under a finding's lines


class SourceView(TextArea):
    def __init__(self, *, id: str) -> None:
        super().__init__("", read_only=True, show_line_numbers=True, soft_wrap=False,
                         highlight_cursor_line=False,
                         id=id, theme="monokai")
        self.ai_lines: frozenset[int] = frozenset()
        self.focus_lines: frozenset[int] = frozenset()

    def show(self, text: str, language: str | None, *, ai_lines=frozenset(),
             focus_lines=frozenset(), line: int | None = None) -> None:
        """Load `text`; mark 1-based `ai_lines` and `focus_lines`; put `line` in view."""
        self.ai_lines, self.focus_lines = frozenset(ai_lines), frozenset(focus_lines)
        self.language = language
        self.load_text(text)
        self._line_cache.clear()
        if line is not None:
            self.call_after_refresh(self.go_to, line)

    def go_to(self, line: int) -> None:
        """Cursor on 1-based `line`, with a few lines of context above it."""
        row = max(line - 1, 0)
        self.move_cursor((row, 0))
        self.scroll_to(y=max(row - 3, 0), animate=False)

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        number = line_index + 1
        if number in self.focus_lines:
            line.stylize(FOCUS_STYLE)
        elif number in self.ai_lines:
            line.stylize(AI_STYLE)
        return line
