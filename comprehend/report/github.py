"""`--format github`: workflow-command annotations (::error/::warning/::notice), at most 10
of each as GitHub shows no more per step, and the full list for $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from comprehend.adversary.findings import Finding, at_or_above
from comprehend.adversary.review import CheckResult
from comprehend.report import markdown
from comprehend.report.common import headline

LIMIT = 10


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def level(finding: Finding, fail_on: str) -> str:
    if finding.acknowledged is not None:
        return "notice"
    if at_or_above(finding.severity, fail_on):
        return "error"
    return "warning" if at_or_above(finding.severity, "medium") else "notice"


def annotation(finding: Finding, fail_on: str) -> str:
    props = {
        "file": finding.file,
        "line": str(max(finding.start_line, 1)),
        "endLine": str(max(finding.end_line, finding.start_line, 1)),
        "title": f"{finding.rule} ({finding.severity})",
    }
    message = finding.title
    if finding.acknowledged is not None:
        message += f" [acknowledged {finding.acknowledged.get('who', '')}: " \
                   f"{finding.acknowledged.get('reason', '')}]"
    elif finding.ack_refused:
        message += f" [acknowledgment refused: {finding.ack_refused}]"
    why = finding.evidence.get("why")
    if why:
        message += f"\n{why}"
    rerun = finding.evidence.get("rerun") or finding.evidence.get("command")
    if rerun:
        message += f"\nRe-run: {rerun}"
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{level(finding, fail_on)} {joined}::{escape_data(message)}"


def render(result: CheckResult) -> str:
    shown = {"error": 0, "warning": 0, "notice": 0}
    lines, held = [], 0
    for f in result.findings:
        kind = level(f, result.fail_on)
        if shown[kind] >= LIMIT:
            held += 1
            continue
        shown[kind] += 1
        lines.append(annotation(f, result.fail_on))
    summary = f"comprehend check: {headline(result)}"
    if held:
        summary += f" ({held} more not annotated: see the job summary)"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def step_summary(result: CheckResult) -> str:
    return markdown.render(result)
