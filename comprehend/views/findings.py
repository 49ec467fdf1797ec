"""What the review's Findings screen shows: every finding of every stored check run, with
its run, whether it is acknowledged, and its evidence in sections a person reads or
re-runs (the mutant's diff, the test, the command); and the failing count: findings of
each head's latest check at or above that run's threshold that nobody acknowledged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from comprehend.adversary.findings import SEVERITY_ORDER, at_or_above
from comprehend.store.connection import Store
from comprehend.store.runs import stored_findings
from comprehend.views.filters import Query

FILTER_KEYS = ("severity", "rule", "file", "run", "title")
# Evidence keys in reading order, with a label; keys not listed follow, by name.
EVIDENCE_LABELS = (
    ("why", "Why"), ("mutation", "Mutation"), ("mutant", "The mutant (save as mutant.patch)"),
    ("tests", "Closest tests"),
    ("old_assertion", "Expected before"), ("new_assertion", "Expected now"),
    ("code", "The test"), ("test", "Test"), ("rerun", "Re-run"), ("test_command", "Re-run"),
)
SORT_KEYS = ("severity", "rule", "file", "run")


@dataclass(frozen=True)
class EvidenceSection:
    key: str
    label: str
    text: str

    @property
    def long(self) -> bool:
        """Shown folded (expand to read): a diff, a test body, a long command."""
        return "\n" in self.text or (len(self.text) > 100 and self.key != "why")


@dataclass(frozen=True)
class FindingRow:
    rule: str
    severity: str
    confidence: float
    file: str
    start_line: int
    end_line: int
    title: str
    fingerprint: str
    run: int
    head: str | None
    evidence: tuple[EvidenceSection, ...] = ()
    acknowledged: str | None = None  # the reason, once acknowledged
    failing: bool = False  # counts toward the failing count (latest run, at threshold, not acked)

    def columns(self) -> dict[str, str]:
        return {"severity": self.severity, "rule": self.rule, "file": self.file,
                "run": str(self.run), "title": self.title}

    def matches(self, query: Query) -> bool:
        columns = self.columns()
        return query.matches(columns, "\n".join(columns.values()))

    @property
    def rerun(self) -> str | None:
        for section in self.evidence:
            if section.key in ("rerun", "test_command"):
                return section.text
        return None


@dataclass(frozen=True)
class FindingsView:
    rows: tuple[FindingRow, ...]  # newest run first, then as the run ordered them
    runs: int
    failing: int  # distinct fingerprints failing
    acknowledged: int = field(default=0)

    def filtered(self, query: Query, sort: str = "run") -> tuple[FindingRow, ...]:
        rows = [row for row in self.rows if row.matches(query)]
        return tuple(sorted(rows, key=sort_key(sort)))


def sort_key(sort: str):
    if sort == "severity":
        return lambda r: (-SEVERITY_ORDER[r.severity], -r.run, r.file, r.start_line)
    if sort == "rule":
        return lambda r: (r.rule, -r.run, r.file, r.start_line)
    if sort == "file":
        return lambda r: (r.file, r.start_line, -r.run)
    return lambda r: (-r.run, -SEVERITY_ORDER[r.severity], r.file, r.start_line)


def evidence_sections(evidence: Mapping[str, Any]) -> tuple[EvidenceSection, ...]:
    order = {key: i for i, (key, _label) in enumerate(EVIDENCE_LABELS)}
    labels = dict(EVIDENCE_LABELS)
    sections = []
    for key in sorted(evidence, key=lambda k: (order.get(k, len(order)), k)):
        value = evidence[key]
        if isinstance(value, list | tuple):
            text = "\n".join(str(v) for v in value)
        else:
            text = str(value)
        sections.append(EvidenceSection(key, labels.get(key, key.replace("_", " ").capitalize()), text))
    return tuple(sections)


def finding_row(stored: Mapping[str, Any], *, run: int, head: str | None,
                acknowledged: str | None = None, failing: bool = False) -> FindingRow:
    return FindingRow(stored["rule"], stored["severity"], stored["confidence"], stored["file"],
                      stored["start_line"], stored["end_line"], stored["title"],
                      stored["fingerprint"], run, head, evidence_sections(stored["evidence"]),
                      acknowledged, failing)


def load_findings(store: Store, acks: Mapping[str, str] | None = None) -> FindingsView:
    """Every stored check finding; `acks` maps an acknowledged fingerprint to its reason."""
    acks = acks or {}
    stored = stored_findings(store)
    latest: dict[tuple[str | None, str | None], int] = {}
    for item in stored:  # newest run first
        latest.setdefault((item["run_base"], item["run_head"]), item["run"])
    latest_runs = set(latest.values())
    rows = []
    for item in stored:
        ack = acks.get(item["fingerprint"])
        failing = (item["run"] in latest_runs and ack is None
                   and at_or_above(item["severity"], item["run_fail_on"] or "high"))
        rows.append(finding_row(item, run=item["run"], head=item["run_head"],
                                acknowledged=ack, failing=failing))
    failing_prints = {r.fingerprint for r in rows if r.failing}
    acked = {r.fingerprint for r in rows if r.acknowledged is not None}
    return FindingsView(tuple(rows), len({item["run"] for item in stored}), len(failing_prints),
                        len(acked))


def with_ack(view: FindingsView, fingerprint: str, reason: str) -> FindingsView:
    """The view after acknowledging `fingerprint`, without reading the store again."""
    rows = tuple(replace(r, acknowledged=reason, failing=False) if r.fingerprint == fingerprint
                 else r for r in view.rows)
    failing = len({r.fingerprint for r in rows if r.failing})
    acked = len({r.fingerprint for r in rows if r.acknowledged is not None})
    return replace(view, rows=rows, failing=failing, acknowledged=acked)
