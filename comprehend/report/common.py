"""What the renderers share: counts, headlines, evidence as text."""

from __future__ import annotations

import json
from typing import Any

from comprehend.adversary.findings import SEVERITY_ORDER, Finding, blocking
from comprehend.adversary.review import CheckResult


def headline(result: CheckResult) -> str:
    counts = {s: 0 for s in SEVERITY_ORDER}
    for f in result.findings:
        counts[f.severity] += 1
    parts = [f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: -SEVERITY_ORDER[kv[0]]) if n]
    counted = len(blocking(result.findings, result.fail_on))
    acked = sum(1 for f in result.findings if f.acknowledged is not None)
    what = ", ".join(parts) if parts else "no findings"
    acked_text = f" ({acked} acknowledged, not counted)" if acked else ""
    return (f"{result.verdict.upper()}: {what}; {counted} at or above --fail-on "
            f"{result.fail_on}{acked_text}")


def change_label(run: dict[str, Any]) -> str:
    head = (run.get("head") or "")[:12] or "the working tree"
    base = (run.get("base") or "")[:12]
    shard = f" (shard {run['shard']})" if run.get("shard") else ""
    return f"{base}..{head}{shard}" if run.get("head") else f"{head} against {base}{shard}"


def evidence_lines(finding: Finding) -> list[tuple[str, str]]:
    """(key, text) pairs in a stable order: why first, code last, the rerun command at the end."""
    ev = dict(finding.evidence)
    order = ["why"] + sorted(k for k in ev if k not in ("why", "code", "mutant", "diff", "rerun", "command")) \
        + ["mutant", "diff", "code", "command", "rerun"]
    out = []
    if finding.acknowledged is not None:
        out.append(("acknowledged", ack_text(finding)))
    if finding.ack_refused:
        out.append(("acknowledgment refused", finding.ack_refused))
    for key in order:
        if key in ev:
            out.append((key, as_text(ev[key])))
    if finding.fingerprint and finding.acknowledged is None:
        # what `comprehend ack` takes, once a person has reviewed the finding
        out.append(("fingerprint", finding.fingerprint))
    return out


def ack_text(finding: Finding) -> str:
    """An acknowledgment that counts, in one line: who, when, why."""
    ack = finding.acknowledged or {}
    return (f"by {ack.get('who', '?')} on {ack.get('at', '?')}: {ack.get('reason', '')} "
            "(shown, not counted toward --fail-on)")


def ack_label(finding: Finding) -> str:
    """The short mark beside a finding's title: '' when no acknowledgment concerns it."""
    if finding.acknowledged is not None:
        return "acknowledged"
    return "acknowledgment refused" if finding.ack_refused else ""


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    return json.dumps(value, sort_keys=True)


def by_file(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.file, f.start_line, f.rule)):
        grouped.setdefault(f.file, []).append(f)
    return grouped
