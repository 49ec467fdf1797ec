"""What a quiz is made of: targets (symbols worth asking about), questions with a proven
key and re-runnable evidence, and refusals (targets a kind could not verify, with why).

Every question kind (quiz/kinds/<kind>.py) exposes KIND, CATEGORY and
`generate(ctx, target, rng) -> Question | Refused`: a kind never returns a question whose
key it has not verified when making it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Category = Literal["reading", "debugging", "relation", "conceptual"]
CATEGORIES: tuple[str, ...] = ("reading", "debugging", "relation", "conceptual")


@dataclass(frozen=True)
class Source:
    """Where a question comes from: a file and line span, a graph symbol, a commit."""

    file: str | None = None
    symbol: str | None = None  # a graph node id, e.g. shopcart.pricing.bulk_discount
    start_line: int | None = None
    end_line: int | None = None
    commit: str | None = None


@dataclass(frozen=True)
class Target:
    """A symbol a question can be about, with what makes it worth asking."""

    symbol: str
    file: str
    start_line: int
    end_line: int
    qualname: str
    kind: str  # function | class | module | constant
    language: str
    ai_share: float = 0.0  # share of its current lines AI wrote (blame)
    rank: float = 0.0  # graph PageRank of its module
    commit: str | None = None  # the latest commit that changed it


@dataclass(frozen=True)
class Question:
    kind: str
    category: Category
    prompt: str
    choices: tuple[str, ...]  # empty for an open question
    answer: str  # the exact text of one choice (or the expected text)
    explanation: str
    source: Source
    # How anyone re-derives the key: {"type": "python", "code": "..."} prints it when run in
    # the repository's environment; {"type": "git", "command": "git ..."}; {"type": "graph",
    # "edges": [...]} with line numbers; {"type": "bank", "file": "quizzes/x.toml"}.
    evidence: dict[str, Any]
    policy_hash: str
    code: str = ""  # code shown with the question (a function, a diff)
    language: str = "python"
    id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.id:
            key = json.dumps([self.kind, self.prompt, self.code, self.choices, self.answer,
                              asdict(self.source)], sort_keys=True)
            object.__setattr__(self, "id", hashlib.sha256(key.encode()).hexdigest()[:20])

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "category": self.category,
                "prompt": self.prompt, "code": self.code, "choices": list(self.choices),
                "answer": self.answer, "explanation": self.explanation,
                "source": asdict(self.source), "evidence": self.evidence}


@dataclass(frozen=True)
class Refused:
    """A target a kind would not ask about, and why in a short, groupable reason
    ("non-deterministic", "side effects", "timeout", "no resolved callers", ...)."""

    kind: str
    symbol: str
    reason: str
