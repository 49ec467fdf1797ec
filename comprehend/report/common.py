"""What the renderers share: counts, headlines, evidence as text."""

from __future__ import annotations

import json
import shlex
from dataclasses import replace
from pathlib import Path
from typing import Any

from comprehend.adversary.findings import SEVERITY_ORDER, Finding, blocking
from comprehend.adversary.review import CheckResult
from comprehend.adversary.secrets import load_secret_scanner
from comprehend.errors import UserError

# Evidence keys that hold a command a person copies and runs.
COMMAND_KEYS = ("rerun", "command", "test_command")
# What a surviving mutant's rerun line calls its diff (adversary/mutation/rerun.py).
PATCH_FILE = "mutant.patch"
# A re-run command longer than this names test files (or folders) instead of test ids.
COMMAND_LIMIT = 300


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
    """(key, text) pairs in a stable order: why first, code last, the rerun command at the
    end; commands shortened to a line a person can copy (`short_command`)."""
    ev = dict(finding.evidence)
    last = ("mutant", "diff", "code", *COMMAND_KEYS)
    order = ["why"] + sorted(k for k in ev if k not in ("why", *last)) + list(last)
    out = []
    if finding.acknowledged is not None:
        out.append(("acknowledged", ack_text(finding)))
    if finding.ack_refused:
        out.append(("acknowledgment refused", finding.ack_refused))
    for key in order:
        if key in ev:
            text = as_text(ev[key])
            label = key
            if key == "mutant" and PATCH_FILE in str(ev.get("rerun", "")):
                label = f"mutant (save as {PATCH_FILE})"  # the file the rerun line applies
            out.append((label, short_command(text) if key in COMMAND_KEYS else text))
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


def rerun_command(finding: Finding) -> str | None:
    """The one command that re-runs a finding's evidence, shortened."""
    for key in COMMAND_KEYS:
        value = finding.evidence.get(key)
        if isinstance(value, str) and value:
            return short_command(value)
    return None


def short_command(command: str, limit: int = COMMAND_LIMIT) -> str:
    """A test command listing hundreds of test ids (`pytest -x a.py::t1 a.py::t2 ...`) as
    one that runs their files instead (node-id prefixes: a superset, same evidence), then
    their folders, so no report line runs to kilobytes. Short commands pass unchanged."""
    if len(command) <= limit:
        return command
    try:
        argv = shlex.split(command)
    except ValueError:
        return command
    ids = [a for a in argv if "::" in a and not a.startswith("-")]
    if not ids:
        return command
    rest = [a for a in argv if a not in ids]
    paths, unit = list(dict.fromkeys(a.split("::", 1)[0] for a in ids)), "files"
    shortened = shlex.join([*rest, *paths])
    while len(shortened) > limit and len(paths) > 1:
        parents = list(dict.fromkeys(str(Path(p).parent) for p in paths))
        if parents == paths:
            break
        paths, unit = parents, "folders"
        shortened = shlex.join([*rest, *paths])
    return f"{shortened}  # the {len(ids)} tests' {unit}"


def masked_result(result: CheckResult) -> CheckResult:
    """The result with every secret masked wherever it appears: titles, evidence (test
    output, mutant diffs, code), notes and run details. Patterns are comprehend's own
    always, and the repository's adversary/risky.toml too when it adds some (a change can
    add patterns, never take comprehend's away)."""
    scanners = [load_secret_scanner(None)[0]]
    root = result.run.get("repository")
    if root and Path(root).is_dir():
        try:
            scanners.append(load_secret_scanner(Path(root))[0])
        except UserError:  # a broken repository policy is reported elsewhere
            pass

    def mask(value: Any) -> Any:
        if isinstance(value, str):
            for scanner in scanners:
                value = scanner.mask(value)
            return value
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [mask(v) for v in value]
        return value

    findings = tuple(replace(f, title=mask(f.title), evidence=mask(f.evidence))
                     for f in result.findings)
    return replace(result, findings=findings, run=mask(result.run))



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
