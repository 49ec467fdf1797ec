"""The critic asked about one commit on its own, outside a check (the review app's `c` key):
its cost estimated first, then the same critic as `check --llm` (the base's configuration
and prompts, the AI-written lines in scope, claims that must execute), recorded as a run of
kind `review` with its findings and the audit rows of its model calls. Only the critic's
findings decide that run's verdict; a check's verdict on the commit is left as it was."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from comprehend.adversary import scope as scopes
from comprehend.adversary.basepolicy import BasePolicy, policy_at_base
from comprehend.adversary.changes import ChangeSpec, read_change, resolve_spec
from comprehend.adversary.critic import CriticEstimate, estimate_critic, run_critic
from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding, verdict
from comprehend.adversary.review import config_hash, now_iso, who_ran
from comprehend.adversary.rules import apply_severities, severities
from comprehend.config import Config
from comprehend.git import Repository
from comprehend.llm import Budget

RUN_KIND = "review"  # runs.kind of a critic asked from the review

Progress = Callable[[str], None]


@dataclass(frozen=True)
class AskedCritic:
    sha: str
    verdict: str  # pass | fail (from confirmed findings) | error (the critic stopped) | cancelled
    findings: tuple[Finding, ...]
    run_id: int | None  # None: cancelled before any model call, nothing recorded
    summary: dict[str, Any]  # the critic's: model, requests, tokens, cost, confirmed, ...
    stopped: str | None  # why the critic stopped (budget, model failure, cancelled)


@dataclass(frozen=True)
class _Prepared:
    spec: ChangeSpec
    policy: BasePolicy  # holds the base's policy folder until the run is over
    change: Change  # narrowed to the AI-written part
    scope: scopes.Scope

    @property
    def config(self) -> Config:
        return self.policy.config


def _prepare(repo: Repository, config: Config, store: Any, sha: str) -> _Prepared:
    spec = resolve_spec(repo, f"{sha}^", sha)
    policy = policy_at_base(repo, config, spec.base)  # never the change's own policy
    # ...but the model, its server and price are the asking person's: [llm] as they run it
    policy = dataclasses.replace(policy, config=dataclasses.replace(policy.config, llm=config.llm))
    change = read_change(repo, spec)
    scope = scopes.ai_scope(repo, policy.config, store, change)
    return _Prepared(spec, policy, scope.narrow(change), scope)


def estimate_ask(repo: Repository, config: Config, store: Any, sha: str,
                 model: str) -> CriticEstimate:
    """What asking about commit `sha` would send and cost at most; nothing is sent."""
    prepared = _prepare(repo, config, store, sha)
    return estimate_critic(repo, prepared.config, store, prepared.change, model)


def ask_critic(repo: Repository, config: Config, store: Any, sha: str, model: str,
               budget: Budget, progress: Progress | None = None,
               cancel: threading.Event | None = None) -> AskedCritic:
    """Ask the critic about commit `sha` against its first parent and record the run. With
    `cancel` set the critic stops at its next step (its tests are killed at once); a run that
    already called the model is still recorded (verdict `cancelled`) so its spend is audited."""
    say = progress or (lambda message: None)
    started, clock = now_iso(), time.monotonic()

    def step(message: str) -> None:
        if cancel is not None and cancel.is_set():
            raise InterruptedError("cancelled")
        say(message)

    step("reading the change")
    prepared = _prepare(repo, config, store, sha)
    config = prepared.config
    fail_on = config.adversary.fail_on
    report = run_critic(repo, config, store, prepared.change, model, budget, step, cancel)
    findings = sorted(apply_severities(list(report.findings), severities(config)),
                      key=lambda f: (f.rule != "llm-confirmed", f.file, f.start_line))
    outcome = ("cancelled" if report.cancelled else "error" if report.stopped
               else verdict(findings, fail_on))
    run_id = None
    if report.calls or not report.cancelled:
        from comprehend.store.runs import RunRecord, record_run

        summary = {
            "asked": "critic", "fail_on": fail_on, "scope": prepared.scope.description,
            "base_ref": prepared.spec.base_ref, "head_ref": prepared.spec.head_ref,
            "notes": [prepared.policy.note, *report.notes], "llm": report.summary,
            "seconds": round(time.monotonic() - clock, 2),
            "error": None if report.cancelled else report.stopped,
        }
        run_id = record_run(store, RunRecord(
            kind=RUN_KIND, started_at=started, finished_at=now_iso(), who=who_ran(repo),
            base=prepared.spec.base, head=prepared.spec.head,
            policy_hash=report.summary.get("prompt_hash") or "", config_hash=config_hash(config),
            verdict=outcome, summary=summary, model=model,
            prompt_hash=report.summary.get("prompt_hash"), tokens=report.summary.get("tokens"),
            cost_usd=report.summary.get("cost_usd"),
        ), [f.to_json() for f in findings], list(report.calls))
    return AskedCritic(sha, outcome, tuple(findings), run_id, report.summary,
                       None if outcome in ("pass", "fail") else report.stopped)
