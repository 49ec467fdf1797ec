"""`--format text` (the default): findings grouped by file with their evidence, via rich."""

from __future__ import annotations

import io
import re

from rich.console import Console
from rich.text import Text

from comprehend.adversary.review import CheckResult
from comprehend.display import printable
from comprehend.report.common import (
    COMMAND_KEYS,
    ack_label,
    by_file,
    change_label,
    evidence_lines,
    headline,
)

_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow",
          "low": "cyan", "info": "dim"}


def render(result: CheckResult, *, color: bool = False, width: int | None = None) -> str:
    buffer = io.StringIO()
    width = width or 100
    console = Console(file=buffer, force_terminal=color, no_color=not color,
                      width=width, highlight=False, soft_wrap=True)
    out = _Printer(console, width)
    run = result.run
    out.line(Text(f"comprehend check {change_label(run)}", style="bold"), 0)
    for note in result.notes:
        out.line(Text(f"note: {printable(note, one_line=True)}", style="dim"), 2)
    for path, findings in by_file(result.findings).items():
        console.print()
        out.line(Text(printable(path, one_line=True), style="bold underline"), 0)
        for f in findings:
            lines = f"{f.start_line}" if f.start_line == f.end_line else f"{f.start_line}-{f.end_line}"
            head = Text()
            head.append(f"{f.severity.upper():<8}", style=_STYLE.get(f.severity, ""))
            head.append(f" {f.rule}", style="bold")
            head.append(f"  line {lines}  ")
            head.append(printable(f.title, one_line=True))
            if ack_label(f):
                head.append(f"  [{ack_label(f)}]",
                            style="bold green" if f.acknowledged is not None else "bold red")
            out.line(head, 2)
            for key, value in evidence_lines(f):
                value = printable(value)
                body = Text()
                body.append(f"{key}: ", style="dim")
                if "\n" in value:
                    out.line(body, 6)
                    for code_line in value.split("\n"):
                        out.line(Text(code_line, style="dim" if key == "code" else ""), 8)
                else:
                    body.append(value)  # a command is copied whole: never wrapped
                    out.line(body, 6, wrap=key not in COMMAND_KEYS)
    console.print()
    style = "bold green" if result.verdict == "pass" else "bold red"
    out.line(Text(headline(result), style=style), 0)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


class _Printer:
    """Lines wrapped at spaces only, so a word longer than the line (a test id, a path)
    stays whole on a line of its own rather than being cut where the width ends; rich's
    own wrapping folds such words."""

    def __init__(self, console: Console, width: int) -> None:
        self.console, self.width = console, width

    def line(self, text: Text, indent: int, *, wrap: bool = True) -> None:
        pad = " " * indent
        for part in (wrap_at_spaces(text, max(self.width - indent, 20)) if wrap else [text]):
            self.console.print(Text(pad) + part)


def wrap_at_spaces(text: Text, width: int) -> list[Text]:
    """`text` cut into lines of at most `width` characters at spaces; a longer word gets a
    line of its own, whole. Styles are kept."""
    plain, offsets, start = text.plain, [], 0
    for word in re.finditer(r"\S+", plain):
        if word.end() - start > width and word.start() > start and plain[start:word.start()].strip():
            offsets.append(word.start())
            start = word.start()
    lines = list(text.divide(offsets))
    for line in lines:
        line.rstrip()
    return lines
