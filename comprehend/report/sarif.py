"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (stable rule ids, repository-
relative paths, partialFingerprints that survive line shifts)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from comprehend import __version__
from comprehend.adversary.findings import Finding
from comprehend.adversary.review import CheckResult
from comprehend.adversary.rules import RULES

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub ranks alerts with "security" tags by this score (0-10).
_SECURITY_SEVERITY = {"secret": "8.0"}


def _rule(rule_id: str, severity: str) -> dict[str, Any]:
    rule = RULES.get(rule_id)
    summary = rule.summary if rule else rule_id
    tags = ["security"] if rule_id in _SECURITY_SEVERITY else ["tests", "correctness"]
    props: dict[str, Any] = {"tags": tags, "precision": "high" if severity == "high" else "medium"}
    if rule_id in _SECURITY_SEVERITY:
        props["security-severity"] = _SECURITY_SEVERITY[rule_id]
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": summary.split(":")[0].rstrip(".") + "."},
        "fullDescription": {"text": summary},
        "help": {"text": f"{summary} Why: {rule.why}" if rule else summary},
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": props,
    }


def _message(f: Finding) -> str:
    why = f.evidence.get("why")
    rerun = f.evidence.get("rerun") or f.evidence.get("command")
    parts = [f.title]
    if why:
        parts.append(f"Why: {why}")
    if rerun:
        parts.append(f"Re-run: {rerun}")
    return "\n".join(parts)


def _suppressions(f: Finding) -> dict[str, Any]:
    """An acknowledged finding is a SARIF suppression (code scanning shows it as dismissed);
    a refused acknowledgment is a rejected one, and the result stays open."""
    if f.acknowledged is not None:
        return {"suppressions": [{"kind": "external", "status": "accepted",
                                  "justification": f"{f.acknowledged.get('reason', '')} "
                                                   f"({f.acknowledged.get('who', '')}, "
                                                   f"{f.acknowledged.get('at', '')})"}]}
    if f.ack_refused:
        return {"suppressions": [{"kind": "external", "status": "rejected",
                                  "justification": f.ack_refused}]}
    return {}


def sarif_log(result: CheckResult) -> dict[str, Any]:
    severity_of = {f.rule: f.severity for f in result.findings}
    rule_ids = list(RULES) + sorted({f.rule for f in result.findings} - set(RULES))
    rules = [_rule(r, severity_of.get(r, RULES[r].severity if r in RULES else "medium"))
             for r in rule_ids]
    index = {r: i for i, r in enumerate(rule_ids)}
    results = []
    for f in result.findings:
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.severity],
            "message": {"text": _message(f)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": quote(f.file), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": max(f.start_line, 1),
                           "endLine": max(f.end_line, f.start_line, 1)},
            }}],
            "partialFingerprints": {"comprehendFingerprint/v1": f.fingerprint},
            **_suppressions(f),
            "properties": {"severity": f.severity, "confidence": f.confidence,
                           "evidence": f.evidence},
        })
    run = result.run
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "comprehend",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }},
            "automationDetails": {"id": "comprehend/check/"},
            "invocations": [{
                "executionSuccessful": True,
                "properties": {"verdict": result.verdict, "failOn": result.fail_on,
                               "notes": result.notes, "base": run.get("base"),
                               "head": run.get("head"), "policyHash": run.get("policy_hash"),
                               "configHash": run.get("config_hash")},
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(result: CheckResult) -> str:
    return json.dumps(sarif_log(result), indent=2) + "\n"
