"""The audit trail: every `comprehend check` run and its findings, with who ran it, on
which base and head, and the hashes of the configuration and policy that decided it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from comprehend.store.connection import Store, path_from, path_value


@dataclass(frozen=True)
class RunRecord:
    kind: str  # check | review | quiz
    started_at: str  # ISO 8601, UTC
    finished_at: str
    who: str | None
    base: str | None
    head: str | None  # None: the working tree
    policy_hash: str
    config_hash: str
    verdict: str
    summary: dict[str, Any]
    # The LLM critic's model, prompts' content hash and spend (None: no model was used).
    model: str | None = None
    prompt_hash: str | None = None
    tokens: int | None = None
    cost_usd: float | None = None


# A finding as the store keeps it: a plain dict with these keys (evidence a JSON-able dict).
FINDING_KEYS = ("rule", "severity", "confidence", "file", "start_line", "end_line", "title",
                "evidence", "fingerprint")


def record_run(store: Store, run: RunRecord, findings: list[dict[str, Any]],
               llm_calls: list[dict[str, Any]] = ()) -> int:
    """Write the run, its findings (plain dicts, FINDING_KEYS) and its model calls (plain
    dicts, LLM_CALL_KEYS) in one transaction; returns the run id. A file name that is not
    UTF-8 is kept as its bytes (path_value)."""
    from comprehend.store.llm import insert_llm_calls

    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO runs (kind, started_at, finished_at, who, base, head, policy_hash, "
            "config_hash, verdict, summary, model, prompt_hash, tokens, cost_usd) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run.kind, run.started_at, run.finished_at, run.who, run.base, run.head,
             run.policy_hash, run.config_hash, run.verdict, json.dumps(run.summary, sort_keys=True),
             run.model, run.prompt_hash, run.tokens, run.cost_usd),
        )
        run_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO findings (run, rule, severity, confidence, file, start_line, end_line, "
            "title, evidence, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, f["rule"], f["severity"], f["confidence"], path_value(f["file"]), f["start_line"],
              f["end_line"], path_value(f["title"]), json.dumps(f["evidence"], sort_keys=True),
              f["fingerprint"]) for f in findings],
        )
        insert_llm_calls(conn, run_id, list(llm_calls))
    return run_id


def recent_runs(store: Store, kind: str = "check", limit: int = 20) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        "SELECT id, kind, started_at, finished_at, who, base, head, policy_hash, config_hash, "
        "verdict, summary, model, prompt_hash, tokens, cost_usd FROM runs WHERE kind = ? ORDER BY id DESC LIMIT ?", (kind, limit))
    names = [d[0] for d in rows.description]
    result = []
    for row in rows.fetchall():
        item = dict(zip(names, row, strict=True))
        item["summary"] = json.loads(item["summary"] or "{}")
        result.append(item)
    return result


def run_findings(store: Store, run_id: int) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        "SELECT rule, severity, confidence, file, start_line, end_line, title, evidence, "
        "fingerprint FROM findings WHERE run = ? ORDER BY rowid", (run_id,))
    return [{**dict(zip(FINDING_KEYS, r, strict=True)), "file": path_from(r[3]),
             "title": path_from(r[6]), "evidence": json.loads(r[7])} for r in rows.fetchall()]


# A stored finding with the run it came from, for the review: FINDING_KEYS plus these.
RUN_KEYS = ("run", "run_started_at", "run_base", "run_head", "run_verdict", "run_fail_on")


def stored_findings(store: Store, kind: str = "check") -> list[dict[str, Any]]:
    """Every finding of every run of `kind`, newest run first, each with its run's keys."""
    rows = store.conn.execute(
        "SELECT f.rule, f.severity, f.confidence, f.file, f.start_line, f.end_line, f.title, "
        "f.evidence, f.fingerprint, r.id, r.started_at, r.base, r.head, r.verdict, r.summary "
        "FROM findings f JOIN runs r ON r.id = f.run WHERE r.kind = ? "
        "ORDER BY r.id DESC, f.rowid", (kind,))
    result = []
    for r in rows.fetchall():
        item = dict(zip(FINDING_KEYS, r[:9], strict=True))
        item["evidence"] = json.loads(r[7])
        fail_on = json.loads(r[14] or "{}").get("fail_on")
        item.update(zip(RUN_KEYS, (*r[9:14], fail_on), strict=True))
        result.append(item)
    return result


def latest_runs_for(store: Store, heads: list[str], kind: str = "check") -> dict[str, dict[str, Any]]:
    """The newest run of `kind` on each of the given head commits that has one."""
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(heads), 500):
        chunk = heads[i:i + 500]
        rows = store.conn.execute(
            "SELECT id, head, base, started_at, verdict, summary FROM runs WHERE kind = ? AND "
            f"head IN ({','.join('?' * len(chunk))}) ORDER BY id", (kind, *chunk))
        for run_id, head, base, started, outcome, summary in rows.fetchall():
            found[head] = {"id": run_id, "head": head, "base": base, "started_at": started,
                           "verdict": outcome, "summary": json.loads(summary or "{}")}
    return found


def findings_by_fingerprint(store: Store, prefix: str, limit: int = 20) -> list[dict[str, Any]]:
    """The newest recorded finding for each fingerprint starting with `prefix` (a whole
    fingerprint or a prefix a person copied), newest run first."""
    pattern = prefix.replace("\\", "").replace("%", "").replace("_", "") + "%"
    rows = store.conn.execute(
        "SELECT f.rule, f.severity, f.confidence, f.file, f.start_line, f.end_line, f.title, "
        "f.evidence, f.fingerprint FROM findings f WHERE f.fingerprint LIKE ? "
        "AND f.rowid = (SELECT MAX(g.rowid) FROM findings g WHERE g.fingerprint = f.fingerprint) "
        "ORDER BY f.rowid DESC LIMIT ?", (pattern, limit))
    return [{**dict(zip(FINDING_KEYS, r, strict=True)), "file": path_from(r[3]),
             "title": path_from(r[6]), "evidence": json.loads(r[7])} for r in rows.fetchall()]
