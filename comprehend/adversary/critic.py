"""The LLM critic: a model in a separate context proposes tests that should fail on the
change; comprehend runs them, and only a test that fails as claimed becomes a finding that
counts (`llm-confirmed`). Everything else is an `llm-unconfirmed` note the verdict ignores.

The stage: context (critic_context.py, redacted) -> prompts (policy: adversary/critic-*.md)
with each input in a nonce-fenced block -> one call (llm.py: budget, cache, audit) -> the
answer checked against its schema (critic_answer.py), one repair request if it does not fit
-> each proposed test run on head, and on base for a claimed regression (critic_tests.py).
A budget stop, a failing model or an answer still malformed after the repair stops the
check with an error (exit 2), keeping the findings made so far."""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from comprehend.adversary.changes import Sources
from comprehend.adversary.critic_answer import (
    MAX_CLAIMS,
    SCHEMA_TEXT,
    Claim,
    MalformedAnswer,
    parse_answer,
)
from comprehend.adversary.critic_context import CriticContext, build_context
from comprehend.adversary.critic_tests import TestOutcome, run_claim_tests
from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.adversary.injection import printable
from comprehend.adversary.outbound import load_outbound
from comprehend.adversary.rules import rule_finding
from comprehend.config import Config
from comprehend.errors import UserError
from comprehend.git import Repository
from comprehend.llm import Budget, Estimate, LlmClient, digest
from comprehend.policy import PolicyFile, policy_file, policy_hash

PROMPT_FILES = ("critic-system.md", "critic-task.md", "critic-repair.md")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CriticReport:
    findings: tuple[Finding, ...]
    calls: tuple[dict[str, Any], ...]  # audit rows (store/llm.py)
    summary: dict[str, Any]  # for the run record and reports
    stopped: str | None = None  # the one line to exit 2 with; None when the critic finished
    notes: tuple[str, ...] = field(default=())
    cancelled: bool = False  # stopped by the person who asked (the review app's esc)


@dataclass(frozen=True)
class Prompts:
    system: str
    task: str
    repair: str
    files: tuple[PolicyFile, ...]

    @property
    def hash(self) -> str:
        return policy_hash(list(self.files))


def load_prompts(repo_root) -> Prompts:
    files = tuple(policy_file("adversary", name, repo_root) for name in PROMPT_FILES)
    return Prompts(files[0].text, files[1].text, files[2].text, files)


def run_critic(repo: Repository, config: Config, store: Any, change: Change, model: str,
               budget: Budget, progress: Progress | None = None,
               cancel: threading.Event | None = None) -> CriticReport:
    """Ask, judge, report. Setting `cancel` (or a progress callback raising
    InterruptedError) stops the critic at its next step, its proposed tests at once (their
    sandbox removed): the report then says `cancelled`, with the calls already made."""
    say = progress or (lambda message: None)
    # the base's policy under `check` (a change cannot rewrite its critic's prompts)
    prompts = load_prompts(config.policy_dir(repo.root))
    outbound, _ = load_outbound(config.policy_dir(repo.root))
    client = LlmClient(config.llm, model, budget,
                       cache_dir=repo.common_dir / "comprehend" / "llm-cache")
    say("LLM critic: building its context")
    context = build_context(repo, change, Sources(repo, change), _graph(repo, config, store, change),
                            outbound, config.llm.context_tokens)
    summary: dict[str, Any] = {
        "model": model, "prompt_hash": prompts.hash,
        "prompt_files": sorted(f.name + (" (repository)" if f.overridden else "")
                               for f in prompts.files),
        "context_items": len(context.items), "context_tokens": context.tokens,
        "dropped": list(context.dropped), "denied": list(context.denied),
        "redactions": context.redactions, "changed_lines": context.changed_lines,
    }
    findings: list[Finding] = []
    stopped: str | None = None
    cancelled = False
    notes: list[str] = []
    if not context.items:
        notes.append("LLM critic: nothing in scope to send" +
                     (f" ({len(context.denied)} deny-listed file(s) left out)" if context.denied else ""))
    else:
        try:
            claims, extra = _ask(client, prompts, context, say)
            if extra:
                notes.append(f"LLM critic: {extra} more claim(s) than {MAX_CLAIMS} were not run")
            findings = _judge(repo, config, change, claims, model, prompts.hash, say, cancel)
        except UserError as exc:  # budget, model failure, malformed answer
            stopped = str(exc)
        except InterruptedError:
            stopped, cancelled = "cancelled", True
    summary.update({
        "requests": client.requests, "calls": len(client.calls),
        "cached": sum(c.cached for c in client.calls), "tokens": client.tokens,
        "cost_usd": round(client.cost_usd, 6),
        "claims": len(findings),
        "confirmed": sum(f.rule == "llm-confirmed" for f in findings),
        "stopped": stopped,
    })
    if client.calls:
        notes.append(f"LLM critic: {model}, {client.requests} request(s), "
                     f"{summary['cached']} answer(s) from the cache, {client.tokens:,} tokens, "
                     f"${client.cost_usd:.4f}; {len(findings)} claim(s) run, "
                     f"{summary['confirmed']} confirmed; {context.redactions} secret(s) redacted; "
                     f"prompts {prompts.hash}")
    if context.denied:
        notes.append(f"LLM critic: never sent (deny-list): {', '.join(context.denied[:5])}")
    if context.dropped:
        notes.append(f"LLM critic: {len(context.dropped)} context item(s) left out to stay "
                     f"within [llm] context_tokens = {config.llm.context_tokens}")
    return CriticReport(tuple(findings), tuple(client.audit_rows()), summary, stopped, tuple(notes),
                        cancelled)


@dataclass(frozen=True)
class CriticEstimate:
    """What asking the critic would send and cost at most, before anything is sent."""

    model: str
    estimate: Estimate  # tokens in (estimated), the output cap, the most it could cost
    items: int  # context blocks that would be sent
    redactions: int  # secrets that would be replaced by placeholders
    denied: tuple[str, ...]  # deny-listed files that would never be sent
    dropped: int  # context items left out to stay within [llm] context_tokens

    @property
    def cached(self) -> bool:
        return self.estimate.cached


def estimate_critic(repo: Repository, config: Config, store: Any, change: Change,
                    model: str) -> CriticEstimate:
    """The most asking the critic about `change` could cost, before asking (nothing sent):
    for a surface that shows the price first, such as a key in the review app."""
    # the base's policy under `check` (a change cannot rewrite its critic's prompts)
    prompts = load_prompts(config.policy_dir(repo.root))
    outbound, _ = load_outbound(config.policy_dir(repo.root))
    client = LlmClient(config.llm, model, cache_dir=repo.common_dir / "comprehend" / "llm-cache")
    context = build_context(repo, change, Sources(repo, change), _graph(repo, config, store, change),
                            outbound, config.llm.context_tokens)
    estimate = (client.estimate(_messages(prompts, context), prompt_hash=prompts.hash,
                                input_hash=context.input_hash())
                if context.items else Estimate(0, 0, 0.0, False))
    return CriticEstimate(model, estimate, len(context.items), context.redactions,
                          tuple(context.denied), len(context.dropped))


def _graph(repo: Repository, config: Config, store: Any, change: Change) -> Any | None:
    try:
        from comprehend.graph.build import build_graph
    except ImportError:
        return None
    return build_graph(repo, config, store, rev=change.head)


# --- the conversation ---------------------------------------------------------------------


def fence(context: CriticContext) -> tuple[str, str]:
    """The context as data blocks under a fresh nonce no item contains: (nonce, text)."""
    joined = "\n".join(i.text for i in context.items)
    nonce = secrets.token_hex(8)
    while nonce in joined:
        nonce = secrets.token_hex(8)
    blocks = [f"<<<DATA {nonce} kind={i.kind} path={i.path} lines={i.start}-{i.end}>>>\n"
              f"{i.text}\n<<<END {nonce}>>>" for i in context.items]
    return nonce, "\n\n".join(blocks)


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def _messages(prompts: Prompts, context: CriticContext) -> list[dict[str, str]]:
    nonce, blocks = fence(context)
    return [
        {"role": "system", "content": _fill(prompts.system, nonce=nonce, schema=SCHEMA_TEXT)},
        {"role": "user", "content": _fill(prompts.task, nonce=nonce, context=blocks,
                                          max_defects=str(MAX_CLAIMS))},
    ]


def _ask(client: LlmClient, prompts: Prompts, context: CriticContext,
         say: Progress) -> tuple[tuple[Claim, ...], int]:
    messages = _messages(prompts, context)
    input_hash = context.input_hash()
    say(f"LLM critic: asking {client.model}")
    reply = client.complete(messages, purpose="critic", prompt_hash=prompts.hash,
                            input_hash=input_hash, redactions=context.redactions)
    try:
        parsed = parse_answer(reply.text)
    except MalformedAnswer as first:
        say("LLM critic: the answer did not fit its schema; asking once more")
        repair = messages + [
            {"role": "assistant", "content": reply.text},
            {"role": "user", "content": _fill(prompts.repair, error=str(first), schema=SCHEMA_TEXT)},
        ]
        reply = client.complete(repair, purpose="critic-repair", prompt_hash=prompts.hash,
                                input_hash=digest(input_hash, reply.text), redactions=0)
        try:
            parsed = parse_answer(reply.text)
        except MalformedAnswer as second:
            raise UserError(
                f"--llm {client.model}: the critic's answer did not fit its schema after one "
                f"repair request ({printable(str(second))}); the check cannot pass without it "
                "(run again, or choose another model)") from second
    client.keep(reply)
    return parsed


# --- claims must execute --------------------------------------------------------------------


def _judge(repo: Repository, config: Config, change: Change, claims: tuple[Claim, ...],
           model: str, prompt_hash: str, say: Progress,
           cancel: threading.Event | None = None) -> list[Finding]:
    if not claims:
        return []
    if cancel is not None and cancel.is_set():
        raise InterruptedError("cancelled")
    say(f"LLM critic: running {len(claims)} proposed test(s) on the change")
    timeout = config.llm.test_timeout
    on_head = run_claim_tests(repo, change.head, [c.test for c in claims], timeout, cancel)
    regressions = [i for i, c in enumerate(claims)
                   if c.kind == "regression" and on_head[i].status == "failed"]
    on_base: dict[int, TestOutcome] = {}
    if regressions:
        say("LLM critic: running the claimed regressions on the base")
        results = run_claim_tests(repo, change.base, [claims[i].test for i in regressions], timeout,
                                  cancel)
        on_base = dict(zip(regressions, results, strict=True))
    return [_finding(change, claim, on_head[i], on_base.get(i), model, prompt_hash)
            for i, claim in enumerate(claims)]


def _finding(change: Change, claim: Claim, head: TestOutcome, base: TestOutcome | None,
             model: str, prompt_hash: str) -> Finding:
    confirmed = head.status == "failed" and (
        claim.kind == "bug" or (base is not None and base.status == "passed"))
    if confirmed:
        why = ("the proposed test fails on the change" +
               (" and passes on the base" if claim.kind == "regression" else ""))
    elif head.status == "passed":
        why = "the proposed test passes on the change"
    elif head.status != "failed":
        why = f"the proposed test did not run as a test ({head.status}: {head.detail})"
    else:
        assert base is not None
        why = f"claimed a regression, but the test does not pass on the base ({base.status}: {base.detail})"
    path, line = _anchor(change, claim)
    evidence = {
        "claim": printable(claim.title),
        "explanation": printable(claim.explanation[:1000]),
        "kind": claim.kind,
        "claimed_at": f"{printable(claim.file)}:{claim.line}",
        "test": printable(claim.test, keep_newlines=True),
        "head": {"status": head.status, "detail": printable(head.detail),
                 "seconds": round(head.seconds, 2)},
        "command": head.command + " (with `test` saved at the root of a checkout of the change)",
        "why": why,
        "model": model,
        "prompt_hash": prompt_hash,
    }
    if base is not None:
        evidence["base"] = {"status": base.status, "detail": printable(base.detail),
                            "seconds": round(base.seconds, 2)}
    finding = rule_finding("llm-confirmed" if confirmed else "llm-unconfirmed",
                           confidence=(0.9 if claim.kind == "regression" else 0.75) if confirmed else 0.2,
                           file=path, line=line,
                           title=("LLM critic, confirmed by a failing test: " if confirmed
                                  else "LLM critic, unconfirmed: ") + printable(claim.title),
                           evidence=evidence)
    test_digest = hashlib.sha256(" ".join(claim.test.split()).encode()).hexdigest()[:16]
    return finding.with_fingerprint(f"{claim.kind}\0{test_digest}")


def _anchor(change: Change, claim: Claim) -> tuple[str, int]:
    """The claimed place if the change added it, else the nearest line the change added in
    that file, else the change's first added line: a finding always sits on reviewed code."""
    files = [f for f in change.files if f.added_lines]
    for f in files:
        if f.path == claim.file:
            return f.path, min(f.added_lines, key=lambda n: (abs(n - claim.line), n))
    if files:
        return files[0].path, min(files[0].added_lines)
    return claim.file, claim.line


def critic_stage(repo: Repository, config: Config, store: Any, change: Change,
                 model: str | None, budget: Budget, execute: bool,
                 progress: Progress | None = None,
                 shard: tuple[int, int] | None = None) -> CriticReport | None:
    """The check's critic stage: None when no model is configured. With --shard it runs in
    the first shard only, so a sharded check pays for one critic, not N."""
    if not model:
        return None
    if shard is not None and shard[0] != 1:
        return CriticReport((), (), {"model": model, "stopped": None}, None,
                            (f"LLM critic: runs in shard 1/{shard[1]} only",))
    if not execute:
        return CriticReport((), (), {"model": model, "stopped": None}, None,
                            ("--no-exec: the LLM critic was not asked (its claims must run "
                             "as tests)",))
    if not any(f.added_lines or f.removed_lines for f in change.files):
        return CriticReport((), (), {"model": model, "stopped": None}, None,
                            ("LLM critic: no changed lines in scope",))
    return run_critic(repo, config, store, change, model, budget, progress)
