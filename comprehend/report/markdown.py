"""`--format markdown`: a pull-request comment, and GitHub's job summary."""

from __future__ import annotations

import html

from comprehend.adversary.review import CheckResult
from comprehend.report.common import ack_label, change_label, evidence_lines, headline

_ICON = {"critical": "🛑", "high": "🔴", "medium": "🟠", "low": "🔵", "info": "⚪"}


def cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def fence(text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}\n{text}\n{ticks}"


def _mark(f) -> str:
    label = ack_label(f)
    if not label:
        return ""
    return f" **({'✔ ' if f.acknowledged is not None else '✘ '}{label})**"


def render(result: CheckResult) -> str:
    verdict = "✅ pass" if result.verdict == "pass" else "❌ fail"
    out = [f"## comprehend check: {verdict}", "",
           f"`{change_label(result.run)}`: {headline(result)}", ""]
    for note in result.notes:
        out.append(f"> {note}  ")
    if result.notes:
        out.append("")
    if result.findings:
        out += ["| severity | rule | location | finding |", "|---|---|---|---|"]
        for f in result.findings:
            out.append(f"| {_ICON.get(f.severity, '')} {f.severity} | `{f.rule}` | "
                       f"`{cell(f.file)}:{f.start_line}` | {cell(f.title)}{_mark(f)} |")
        out.append("")
        for f in result.findings:
            out += ["<details>",
                    f"<summary>{f.rule}: {html.escape(f.file)}:{f.start_line}</summary>", ""]
            for key, value in evidence_lines(f):
                if "\n" in value or key in ("code", "mutant", "diff"):
                    out += [f"**{key}**", "", fence(value), ""]
                else:
                    out.append(f"**{key}**: {cell(value)}  ")
            out += ["", "</details>", ""]
    run = result.run
    out.append(f"<sub>policy {run.get('policy_hash')} · config {run.get('config_hash')} · "
               f"{run.get('tool', 'comprehend')}</sub>")
    return "\n".join(out) + "\n"
