"""Findings: what the adversary reports, and the verdict computed from them in code."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. surviving-mutant, test-cannot-fail, rewritten-expectation
    severity: Severity
    confidence: float  # 0..1: how sure the rule is that this is a real problem
    file: str  # repository-relative, forward slashes
    start_line: int
    end_line: int
    title: str  # one line a reviewer reads first
    # What a person re-runs or reads to confirm it: a mutant diff and a test command,
    # the test body and why it cannot fail, the old and new expectation, ...
    evidence: dict[str, Any] = field(default_factory=dict)
    # Stable across runs and line shifts: set by `with_fingerprint` from the rule, the file
    # and a rule-chosen anchor (a test name, a normalized mutant), never the line number.
    fingerprint: str = ""
    # A person's acknowledgment that counts ({reason, who, at}; see adversary/acks.py): the
    # finding is still reported, marked, but no longer counts toward --fail-on.
    acknowledged: dict[str, str] | None = None
    # Why an acknowledgment of this finding does not count (an AI-authored commit added it,
    # or the change under review did); the finding counts as if unacknowledged.
    ack_refused: str | None = None

    @property
    def counts(self) -> bool:
        """Whether it counts toward --fail-on (an acknowledged finding does not)."""
        return self.acknowledged is None

    def with_fingerprint(self, anchor: str) -> Finding:
        digest = hashlib.sha256(f"{self.rule}\0{self.file}\0{anchor}".encode()).hexdigest()[:32]
        return Finding(**{**asdict(self), "fingerprint": digest})

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("acknowledged", "ack_refused"):  # absent unless set: older readers agree
            if data[key] is None:
                del data[key]
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> Finding:
        return Finding(**data)


def at_or_above(severity: str, threshold: str) -> bool:
    return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[threshold]


def verdict(findings: list[Finding], fail_on: str) -> Literal["pass", "fail"]:
    """Computed from findings alone: no model output can approve anything."""
    return "fail" if any(f.counts and at_or_above(f.severity, fail_on) for f in findings) \
        else "pass"


def blocking(findings, fail_on: str) -> list[Finding]:
    """The findings that make the verdict fail: at or above fail_on, not acknowledged."""
    return [f for f in findings if f.counts and at_or_above(f.severity, fail_on)]


def dumps(findings: list[Finding]) -> str:
    return json.dumps([f.to_json() for f in findings], indent=2, sort_keys=True)
