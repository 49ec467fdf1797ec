"""`--format text` (the default): findings grouped by file with their evidence, via rich."""

from __future__ import annotations

import io

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from comprehend.adversary.review import CheckResult
from comprehend.report.common import ack_label, by_file, change_label, evidence_lines, headline

_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow",
          "low": "cyan", "info": "dim"}


def render(result: CheckResult, *, color: bool = False, width: int | None = None) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color,
                      width=width or 100, highlight=False, soft_wrap=False)
    run = result.run
    console.print(Text(f"comprehend check {change_label(run)}", style="bold"))
    for note in result.notes:
        console.print(Padding(Text(f"note: {note}", style="dim"), (0, 0, 0, 2), expand=False))
    for path, findings in by_file(result.findings).items():
        console.print()
        console.print(Text(path, style="bold underline"))
        for f in findings:
            lines = f"{f.start_line}" if f.start_line == f.end_line else f"{f.start_line}-{f.end_line}"
            head = Text("  ")
            head.append(f"{f.severity.upper():<8}", style=_STYLE.get(f.severity, ""))
            head.append(f" {f.rule}", style="bold")
            head.append(f"  line {lines}  ")
            head.append(f.title)
            if ack_label(f):
                head.append(f"  [{ack_label(f)}]",
                            style="bold green" if f.acknowledged is not None else "bold red")
            console.print(head)
            for key, value in evidence_lines(f):
                body = Text(f"{key}: ", style="dim")
                if "\n" in value:
                    console.print(Padding(body, (0, 0, 0, 6), expand=False))
                    console.print(Padding(Text(value, style="dim" if key == "code" else ""),
                                          (0, 0, 0, 8), expand=False))
                elif key in ("rerun", "command"):  # one copy-pasteable line, never wrapped
                    console.print(Text("      ") + body + Text(value), soft_wrap=True)
                else:
                    body.append(value)
                    console.print(Padding(body, (0, 0, 0, 6), expand=False))
    console.print()
    style = "bold red" if result.verdict == "fail" else "bold green"
    console.print(Text(headline(result), style=style))
    # rich pads wrapped blocks to their width: trailing spaces are noise in logs and diffs
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
