"""The quiz's language model: one LlmClient per session (so --max-cost and --max-tokens
cover the whole session: questions made and answers graded), its prompts (policy:
quizzes/purpose-*.md), the outbound rules (secrets redacted, deny-listed files never sent)
and its audit trail: every call is written to the store as it happens, under one run of
kind `quiz` per session, so `comprehend team` counts its spend.

Questions are made in the feed's thread and answers graded in the surface's: calls go
through a lock, and each caller hands in the store of its own thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from comprehend.adversary.outbound import Outbound, load_outbound
from comprehend.config import Config
from comprehend.git import Repository
from comprehend.llm import Budget, LlmClient, Reply, available
from comprehend.policy import PolicyFile, policy_file, policy_hash

PROMPT_FILES = ("purpose-ask.md", "purpose-grade.md")
NO_MODEL = "no LLM configured"


@dataclass
class QuizModel:
    client: LlmClient
    prompts: tuple[PolicyFile, ...]  # purpose-ask.md, purpose-grade.md
    outbound: Outbound
    person: str
    head: str
    run_id: int | None = None  # the session's audit run, once a call was made
    _written: int = 0  # calls already in the store
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def model(self) -> str:
        return self.client.model

    @property
    def prompt_hash(self) -> str:
        return policy_hash(list(self.prompts))

    def prompt(self, name: str) -> str:
        return next(p.text for p in self.prompts if p.name == name)

    def complete(self, store: Any | None, messages: list[dict[str, str]], *, purpose: str,
                 input_hash: str, redactions: int) -> Reply:
        """One call (or the cached answer), audited in `store` at once, even when it fails."""
        with self._lock:
            try:
                return self.client.complete(messages, purpose=purpose, prompt_hash=self.prompt_hash,
                                            input_hash=input_hash, redactions=redactions)
            finally:
                self._audit(store)

    def keep(self, reply: Reply) -> None:
        with self._lock:
            self.client.keep(reply)

    def _audit(self, store: Any | None) -> None:
        rows = self.client.audit_rows()[self._written:]
        if store is None or not rows:
            return
        from comprehend.store.llm import add_llm_calls
        from comprehend.store.runs import RunRecord, record_run

        if self.run_id is None:
            now = datetime.now(UTC).isoformat(timespec="seconds")
            self.run_id = record_run(store, RunRecord(
                kind="quiz", started_at=now, finished_at=now, who=self.person, base=None,
                head=self.head, policy_hash=self.prompt_hash, config_hash="", verdict="asked",
                summary={"llm": {"model": self.model, "purpose": "quiz"}}, model=self.model,
                prompt_hash=self.prompt_hash, tokens=sum(r["tokens"] for r in rows),
                cost_usd=sum(r["cost_usd"] for r in rows)), [], rows)
        else:
            add_llm_calls(store, self.run_id, rows)
        self._written += len(rows)


def open_quiz_model(repo: Repository, config: Config, model: str | None, budget: Budget,
                    person: str, head: str) -> QuizModel | None:
    """The session's model: None without one configured (`--llm` or [llm] model) or without
    litellm installed, so the kinds that need it refuse (NO_MODEL) and are never asked."""
    model = model or config.llm.model
    if not model or not available():
        return None
    root = config.policy_dir(repo.root)
    prompts = tuple(policy_file("quizzes", name, root) for name in PROMPT_FILES)
    outbound, _ = load_outbound(root)
    client = LlmClient(config.llm, model, budget,
                       cache_dir=repo.common_dir / "comprehend" / "llm-cache")
    return QuizModel(client, prompts, outbound, person, head)
