"""`--format markdown`: a pull-request comment, and GitHub's job summary.

Everything from the repository (titles naming tests, file names, evidence, notes quoting
test output) is escaped: outside code, HTML and Markdown syntax are escaped and links and
@mentions are put in code spans, where GitHub neither links nor notifies; code goes in fences
longer than any backtick run it holds. The whole stays under GitHub's comment limit."""

from __future__ import annotations

import html
import re

from comprehend.adversary.findings import SEVERITY_ORDER, Finding
from comprehend.adversary.review import CheckResult
from comprehend.display import printable
from comprehend.report.common import COMMAND_KEYS, ack_label, change_label, evidence_lines, headline

_ICON = {"critical": "🛑", "high": "🔴", "medium": "🟠", "low": "🔵", "info": "⚪"}

# GitHub rejects comments over 65,536 characters; the job summary is capped at 1 MiB but
# shows little of it. Below the smaller, with room for the closing lines.
LIMIT = 60_000
# One evidence block (test output, a long diff) is cut here, so one finding cannot use
# the whole comment.
BLOCK_LIMIT = 4_000

# What GitHub turns into a link or a notification in text: URLs (with or without a
# scheme), e-mail-like and @mentions (users, teams), issue references (#12, GH-12, org/repo#12).
_LIVE = re.compile(
    r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)\S+"
    r"|[\w.+-]*@[\w-]+(?:[/.][\w.-]+)*"
    r"|(?:[\w.-]+/[\w.-]+)?#\d+|\bGH-\d+"
)
# Characters that start Markdown or HTML syntax inline. An underscore inside a word cannot
# open or close emphasis, so test_names stay readable; one at a word's edge is escaped.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]#!|~<>&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def code_span(text: str) -> str:
    """`text` as inline code whatever backticks it holds: a delimiter longer than any
    run inside, padded when the text starts or ends with a backtick."""
    text = printable(text, one_line=True)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def inline(text: str) -> str:
    """Repository text as one line of Markdown that renders as the same characters: HTML
    and Markdown syntax escaped, links and mentions as inert code spans."""
    text = printable(text, one_line=True)
    out, last = [], 0
    for m in _LIVE.finditer(text):
        out += [_escape(text[last:m.start()]), code_span(m.group())]
        last = m.end()
    return "".join(out) + _escape(text[last:])


def _escape(text: str) -> str:
    # backslash escapes for Markdown punctuation; & < > as entities so no HTML survives
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return escaped.replace("\\&", "&amp;").replace("\\<", "&lt;").replace("\\>", "&gt;")


def cell(value: str) -> str:
    """`inline`, for a table cell: a pipe never ends the cell."""
    return inline(value).replace("|", "\\|").replace("\\\\|", "\\|")


def fence(text: str) -> str:
    """A fenced code block holding `text` exactly (a fence longer than any backtick run in
    it, so no line of it closes the block), cut at BLOCK_LIMIT characters."""
    text = printable(text)
    if len(text) > BLOCK_LIMIT:
        cut = text[:BLOCK_LIMIT].rsplit("\n", 1)[0]
        text = f"{cut}\n… {len(text) - len(cut):,} more characters (in the JSON report)"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}\n{text}\n{ticks}"


def _mark(f) -> str:
    label = ack_label(f)
    if not label:
        return ""
    return f" **({'✔ ' if f.acknowledged is not None else '✘ '}{label})**"


def render(result: CheckResult, limit: int = LIMIT) -> str:
    verdict = {"pass": "✅ pass", "incomplete": "⚠️ incomplete", "error": "⛔ error"}.get(
        result.verdict, "❌ fail")
    head = [f"## comprehend check: {verdict}", "",
            f"{code_span(change_label(result.run))}: {inline(headline(result))}", ""]
    for note in result.notes:
        head.append(f"> {inline(note)}  ")
    if result.notes:
        head.append("")
    run = result.run
    foot = [f"<sub>policy {html.escape(str(run.get('policy_hash')))} · config "
            f"{html.escape(str(run.get('config_hash')))} · "
            f"{html.escape(str(run.get('tool', 'comprehend')))}</sub>"]
    body = _findings(result.findings, limit - _size(head) - _size(foot))
    return "\n".join(head + body + foot) + "\n"


def _findings(findings: tuple[Finding, ...], budget: int) -> list[str]:
    """The table and the details of as many findings as fit in `budget` characters, most
    severe first: table rows within half the budget, then details of those rows in order,
    then more rows with what is left, and a line saying what was left out."""
    if not findings:
        return []
    ordered = sorted(findings, key=lambda f: -SEVERITY_ORDER[f.severity])
    table = ["| severity | rule | location | finding |", "|---|---|---|---|"]
    budget -= 600 + _size(table) + 1  # room for the line saying what was left out
    rows = _rows_within(ordered, budget // 2)
    budget -= _size(rows)
    details: list[str] = []
    detailed = 0
    for f in ordered[:len(rows)]:
        block = _details(f)
        if _size(block) > budget:
            break
        details += block
        budget -= _size(block)
        detailed += 1
    rows += _rows_within(ordered[len(rows):], budget)
    out = table + rows + [""] + details
    left_out = ordered[len(rows):]
    if left_out or detailed < len(rows):
        out += [_left_out_line(left_out, len(rows) - detailed), ""]
    return out


def _rows_within(findings: list[Finding], budget: int) -> list[str]:
    rows: list[str] = []
    for f in findings:
        row = _row(f)
        if len(row) + 1 > budget:
            break
        rows.append(row)
        budget -= len(row) + 1
    return rows


def _left_out_line(left_out: list[Finding], undetailed: int) -> str:
    parts = []
    if left_out:
        counts: dict[str, int] = {}
        for f in left_out:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        by_severity = ", ".join(f"{n} {s}" for s, n in counts.items())
        parts.append(f"{len(left_out)} more findings ({by_severity}) are not shown")
    if undetailed:
        parts.append(f"the evidence of {undetailed} shown findings is left out")
    return (f"**{' and '.join(parts)}**, to stay under GitHub's comment size limit. The full "
            "report is in the JSON or SARIF file (`comprehend check --format json --output "
            "check.json`, or `--format sarif`).")


def _row(f: Finding) -> str:
    return (f"| {_ICON.get(f.severity, '')} {f.severity} | {code_span(f.rule)} | "
            f"{code_span(f'{f.file}:{f.start_line}').replace('|', chr(92) + '|')} | "
            f"{cell(f.title)}{_mark(f)} |")


def _details(f: Finding) -> list[str]:
    # inside an HTML block Markdown is not read: the summary is HTML, the path in <code>
    # so that no @name or URL in it becomes live
    where = html.escape(printable(f"{f.file}:{f.start_line}", one_line=True))
    out = ["<details>", f"<summary>{html.escape(f.rule)}: <code>{where}</code></summary>", ""]
    for key, value in evidence_lines(f):
        if "\n" in value or key in ("code", "mutant", "diff") or key.startswith("mutant ("):
            out += [f"**{inline(key)}**", "", fence(value), ""]
        elif key in COMMAND_KEYS:  # copied whole: a code span renders it as it is typed
            out.append(f"**{inline(key)}**: {code_span(value)}  ")
        else:
            out.append(f"**{inline(key)}**: {inline(value)}  ")
    return out + ["", "</details>", ""]


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)
