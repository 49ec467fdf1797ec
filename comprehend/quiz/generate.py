"""Questions as they come: the registry of kinds (every module in quiz/kinds/) and the
generator that walks the targets, asks each kind in a seeded order, drops duplicates,
saves each question with its proof, and yields it at once, so a session can ask the
first while the rest are being made."""

from __future__ import annotations

import importlib
import pkgutil
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from comprehend.quiz import kinds as kinds_package
from comprehend.quiz.context import QuizContext
from comprehend.quiz.model import CATEGORIES, Question, Refused, Target

DEFAULT_LANGUAGES = ("python",)
# Kinds that run code: slow unless their module says otherwise (SLOW = False).
RUNS_CODE = ("output", "spot_bug", "trace", "exception_source")


@dataclass(frozen=True)
class Kind:
    """A question kind as the generator uses it."""

    name: str
    category: str
    module: ModuleType
    languages: tuple[str, ...] | None  # None: every language
    slow: bool
    cost: int = 0  # 0 reads the graph and code, 1 runs git, 2 runs the code

    def accepts(self, target: Target) -> bool:
        return self.languages is None or target.language in self.languages

    def generate(self, ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
        return self.module.generate(ctx, target, rng)

    @property
    def targetless(self) -> Callable[..., Iterable[Question | Refused]] | None:
        return getattr(self.module, "questions", None)


def registry() -> dict[str, Kind]:
    """Every kind module in comprehend/quiz/kinds/, by KIND, in name order."""
    found: dict[str, Kind] = {}
    for info in sorted(pkgutil.iter_modules(kinds_package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{kinds_package.__name__}.{info.name}")
        name, category = getattr(module, "KIND", None), getattr(module, "CATEGORY", None)
        if not name or not callable(getattr(module, "generate", None)):
            continue  # a helper module shared by kinds
        if category not in CATEGORIES:
            raise ValueError(f"{module.__name__}: CATEGORY {category!r} is not one of {CATEGORIES}")
        languages = getattr(module, "LANGUAGES", DEFAULT_LANGUAGES)
        slow = bool(getattr(module, "SLOW", name in RUNS_CODE))
        found[name] = Kind(name, category, module, None if languages is None else tuple(languages),
                           slow, 2 if slow else int(getattr(module, "COST", 0)))
    return found


def rng_for(seed: int, *parts: str) -> random.Random:
    """A generator of its own for each (kind, target): the same seed asks the same
    questions whatever order they are made in."""
    return random.Random(f"{seed}\0" + "\0".join(parts))


def generate(ctx: QuizContext, targets: Sequence[Target], *, count: int, seed: int = 0,
             kinds: Sequence[Kind] | None = None, per_target: int | None = None,
             stop: Callable[[], bool] | None = None) -> Iterator[Question | Refused]:
    """Questions (and refusals, as they happen) until `count` questions were yielded.

    Targets are walked in order; each round asks each target one more kind (cheap kinds
    first, so the first question comes fast; a seeded order within them), until `count`,
    `per_target` rounds, or every kind has been tried on every target. Team
    bank questions come in between, one per target asked. Each question is saved to the
    store (when the context has one) before it is yielded."""
    chosen = list(kinds) if kinds is not None else list(registry().values())
    per_target_kinds = [k for k in chosen if k.targetless is None]
    seen: set[str] = set()
    made = 0
    bank = _bank_questions(ctx, [k for k in chosen if k.targetless is not None], seed)
    # Each target's kinds still to try, ordered when the target is first reached (ordering
    # thirteen thousand targets up front cost more than making the first question).
    tried: dict[str, list[Kind]] = {}
    exhausted: set[str] = set()
    everyone = {t.symbol for t in targets}
    rounds = 0
    while len(exhausted) < len(everyone) and (per_target is None or rounds < per_target):
        rounds += 1
        for position, target in enumerate(targets):
            if stop is not None and stop():
                return
            for item in _bank_next(bank, seen):
                if isinstance(item, Question):
                    _save(ctx, item)
                    made += 1
                yield item
                if made >= count:
                    return
            queue = tried.get(target.symbol)
            if queue is None:
                queue = tried[target.symbol] = _order(per_target_kinds, target, seed, first=position == 0)
            elif not queue:
                continue
            asked = 0
            while queue and asked == 0:
                kind = queue.pop(0)
                try:
                    result = kind.generate(ctx, target, rng_for(seed, kind.name, target.symbol))
                except Exception as exc:  # noqa: BLE001 - a broken kind must not end the session
                    result = Refused(kind.name, target.symbol, f"error: {type(exc).__name__}: {exc}")
                if isinstance(result, Question):
                    same = f"{result.kind}\0{result.prompt}\0{result.code}"
                    if result.id in seen or same in seen:
                        continue  # another target of the same file asked this already
                    seen.update((result.id, same))
                    _save(ctx, result)
                    made += 1
                    asked += 1
                yield result
                if made >= count:
                    return
            if not queue:
                exhausted.add(target.symbol)
    for item in _bank_next(bank, seen, limit=None):
        if isinstance(item, Question):
            _save(ctx, item)
            made += 1
        yield item
        if made >= count:
            return


def _order(kinds: Sequence[Kind], target: Target, seed: int, *, first: bool) -> list[Kind]:
    """The kinds to try on a target: a seeded order, then (stable sorts) kinds that run code
    last and, for the very first target, kinds that read only the graph and the code before
    those that run git, so the first question comes fast."""
    order = [k for k in kinds if k.accepts(target)]
    rng_for(seed, "order", target.symbol).shuffle(order)
    order.sort(key=lambda k: (k.slow, k.cost if first else 0))
    return order


def _bank_questions(ctx: QuizContext, bank_kinds: Sequence[Kind], seed: int) -> list[Question | Refused]:
    items: list[Question | Refused] = []
    for kind in bank_kinds:
        items += list(kind.targetless(ctx, rng_for(seed, kind.name)))
    return items


def _bank_next(bank: list[Question | Refused], seen: set[str], limit: int | None = 1) -> Iterator[Question | Refused]:
    given = 0
    while bank and (limit is None or given < limit):
        item = bank.pop(0)
        if isinstance(item, Question):
            if item.id in seen:
                continue
            seen.add(item.id)
            given += 1
        yield item


def question_row(question: Question, verified: bool = True) -> dict[str, Any]:
    """The store's row for a question (store/quiz.py QUESTION_COLUMNS)."""
    return {"id": question.id, "kind": question.kind, "category": question.category,
            "symbol": question.source.symbol, "commit": question.source.commit,
            "prompt": question.prompt, "choices": list(question.choices),
            "answer": question.answer, "explanation": question.explanation,
            "policy_hash": question.policy_hash, "verified": int(verified),
            "code": question.code, "source": asdict(question.source),
            "evidence": question.evidence, "language": question.language,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds")}


def _save(ctx: QuizContext, question: Question) -> None:
    if ctx.store is not None:
        from comprehend.store.quiz import save_questions

        save_questions(ctx.store, [question_row(question)])
