"""The LLM audit trail: one row per model call (answered or served from the cache), tied to
the run it served, so "which prompt and which model produced this finding, at what cost"
has an answer, and spend can be summed per month."""

from __future__ import annotations

import sqlite3
from typing import Any

from comprehend.store.connection import Store

# A call as the store keeps it: a plain dict with these keys.
LLM_CALL_KEYS = ("called_at", "purpose", "model", "prompt_hash", "input_hash", "prompt_tokens",
                 "completion_tokens", "tokens", "cost_usd", "cached", "redactions", "outcome")


def insert_llm_calls(conn: sqlite3.Connection, run_id: int | None,
                     calls: list[dict[str, Any]]) -> None:
    """Inside the caller's transaction (record_run's)."""
    conn.executemany(
        f"INSERT INTO llm_calls (run, {', '.join(LLM_CALL_KEYS)}) "
        f"VALUES (?, {', '.join('?' for _ in LLM_CALL_KEYS)})",
        [(run_id, *(int(c[k]) if k == "cached" else c[k] for k in LLM_CALL_KEYS)) for c in calls],
    )


def add_llm_calls(store: Store, run_id: int, calls: list[dict[str, Any]]) -> None:
    """More calls for a run that goes on (a quiz session), its tokens and cost summed in."""
    with store.transaction() as conn:
        insert_llm_calls(conn, run_id, calls)
        conn.execute("UPDATE runs SET tokens = coalesce(tokens, 0) + ?, "
                     "cost_usd = coalesce(cost_usd, 0) + ? WHERE id = ?",
                     (sum(int(c["tokens"]) for c in calls),
                      sum(float(c["cost_usd"]) for c in calls), run_id))


def run_llm_calls(store: Store, run_id: int) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        f"SELECT {', '.join(LLM_CALL_KEYS)} FROM llm_calls WHERE run = ? ORDER BY rowid",
        (run_id,))
    return [{**dict(zip(LLM_CALL_KEYS, r, strict=True)), "cached": bool(r[9])}
            for r in rows.fetchall()]


def spend_by_month(store: Store) -> list[dict[str, Any]]:
    """Month (YYYY-MM) -> calls, cached calls, tokens and cost, newest first."""
    rows = store.conn.execute(
        "SELECT substr(called_at, 1, 7) AS month, count(*), sum(cached), sum(tokens), "
        "sum(cost_usd) FROM llm_calls GROUP BY month ORDER BY month DESC")
    return [{"month": m, "calls": n, "cached": int(c or 0), "tokens": int(t or 0),
             "cost_usd": round(float(u or 0.0), 6)} for m, n, c, t, u in rows.fetchall()]
