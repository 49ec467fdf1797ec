"""A quiz session, whatever draws it (the line mode, the Quiz screen): the plan (what to ask
about, checked before anything is asked), a feed that makes questions in a background
thread and hands them over as they come, and the recorder that turns each answer into a
stored answer and an FSRS review in one transaction."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from comprehend import git
from comprehend.errors import UserError
from comprehend.llm import Budget
from comprehend.quiz.context import QuizContext, open_context
from comprehend.quiz.generate import generate
from comprehend.quiz.model import Question, Refused, Target
from comprehend.quiz.schedule import Memory, Rating, rating_for, review
from comprehend.store import Store, open_store


@dataclass
class Plan:
    """Everything a session needs, validated: the context (its store left out: the feed
    opens its own in its thread), the ordered targets, who answers."""

    ctx: QuizContext
    targets: list[Target]
    person: str
    count: int
    seed: int
    store_path: Path
    kinds: tuple[str, ...] | None = None  # only these question kinds (None: every kind)


def default_person(repo: git.Repository) -> str:
    email = git.user_email(repo)
    if not email:
        raise UserError("--user: git has no user.email in this repository; pass --user EMAIL "
                        "or run git config user.email you@example.com")
    return email


def plan_quiz(workspace, store: Store, *, person: str | None, count: int, about: str | None,
              seed: int | None, llm: str | None = None, budget: Budget | None = None,
              kinds: tuple[str, ...] | None = None) -> Plan:
    """Open the context and choose targets; bad input (an unknown --about, an empty
    repository, nothing to ask about, a malformed bank) raises UserError here. With a
    model (`llm`, else [llm] model) the kinds that need one are asked, within `budget`."""
    from comprehend.quiz.bank import load_bank
    from comprehend.quiz.language_model import open_quiz_model
    from comprehend.quiz.targets import about_head, choose_targets, resolve_about

    repo = workspace.repo
    person = person or default_person(repo)
    if kinds:
        from comprehend.quiz.generate import registry

        known = registry()
        unknown = [k for k in kinds if k not in known]
        if unknown:
            raise UserError(f"--kind {unknown[0]}: no such question kind; pass one of "
                            f"{', '.join(sorted(known))}")
    ctx = open_context(repo, workspace.config, store, rev=about_head(repo, about))
    ctx.llm = open_quiz_model(repo, workspace.config, llm, budget or Budget(), person, ctx.head)
    if about:
        ctx.about = resolve_about(ctx, about)
    bank = load_bank(ctx)
    targets = choose_targets(ctx, person, ctx.about)
    if not targets and not bank and about:
        raise UserError(f"--about {about}: no functions or classes there to ask about; "
                        "pass a path, symbol or range with code")
    if not targets and not bank:
        raise UserError(f"{repo.root.name}: no code at {ctx.head[:12]} comprehend can ask about "
                        "(no Python, JavaScript, TypeScript, Go, Rust or Java functions or classes, "
                        "and no quizzes/*.toml bank); pass the path of a repository with code")
    ctx.store = None
    seed = seed if seed is not None else int(time.time())
    return Plan(ctx, targets, person, count, seed, Path(workspace.store_path),
                tuple(kinds) if kinds else None)


class Feed:
    """Questions made in a background thread, handed over as they come.

    With `ahead`, at most that many questions are made and not yet done with, the one the
    session shows included (asking for the next one, next(), is being done with it): 1
    makes each question when it is asked for (the first before), 2 keeps one ready. Drawing
    the first question is then not slowed by making the tenth: the thread shares the
    interpreter with whatever draws the session."""

    def __init__(self, plan: Plan, ahead: int | None = None) -> None:
        self.plan = plan
        self.refused: list[Refused] = []
        self.made: list[Question] = []
        self.error: BaseException | None = None
        self.first_at: float | None = None
        self.started = time.monotonic()
        self._queue: queue.Queue[Question | None] = queue.Queue()
        self._room = threading.Semaphore(ahead) if ahead else None
        self._shown: Question | None = None  # the last question next() handed over
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="quiz-feed", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        ctx = replace(self.plan.ctx)
        try:
            with open_store(self.plan.store_path) as store:
                ctx.store = store
                items = generate(ctx, self.plan.targets, count=self.plan.count,
                                 seed=self.plan.seed, stop=self._stop.is_set,
                                 kinds=self._kinds())
                while self._wait_for_room():
                    item = next(items, None)
                    if item is None or self._stop.is_set():
                        break
                    if isinstance(item, Refused):
                        self.refused.append(item)
                        if self._room is not None:
                            self._room.release()  # no question took the room
                        continue
                    if self.first_at is None:
                        self.first_at = time.monotonic() - self.started
                    self.made.append(item)
                    self._queue.put(item)
        except BaseException as exc:  # noqa: BLE001 - handed to the session's thread
            self.error = exc
        finally:
            ctx.close()
            self._queue.put(None)

    def _wait_for_room(self) -> bool:
        """Until the session has taken enough questions to make one more; False on stop."""
        while not self._stop.is_set():
            if self._room is None or self._room.acquire(timeout=0.1):
                return True
        return False

    def _kinds(self) -> list | None:
        if self.plan.kinds is None:
            return None
        from comprehend.quiz.generate import registry

        known = registry()
        return [known[name] for name in self.plan.kinds]

    def next(self, timeout: float | None = None) -> Question | None:
        """The next question, or None when no more will come. Raises what the thread raised."""
        if self._shown is not None and self._room is not None:
            self._shown = None
            self._room.release()  # the one shown before is done with: make room for another
        item = self._queue.get(timeout=timeout)
        if item is None:
            self._queue.put(None)  # stay finished for later calls
            if self.error is not None:
                raise self.error
        self._shown = item
        return item

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def refusal_reasons(self) -> Counter[str]:
        return Counter(f"{r.kind}: {r.reason}" for r in self.refused)


@dataclass(frozen=True)
class Outcome:
    question: Question
    choice: str
    correct: bool
    seconds: float
    rating: str  # Again | Hard | Good | Easy
    grade: Any | None = None  # kinds.purpose.Grade: the rubric points a free-text answer met

    @property
    def where(self) -> str:
        src = self.question.source
        if src.file and src.start_line:
            return f"{src.file}:{src.start_line}"
        return src.file or (self.question.evidence.get("file") or "")


def is_right(question: Question, choice: str) -> bool:
    if question.choices:
        return choice == question.answer
    return " ".join(choice.split()).casefold() == " ".join(question.answer.split()).casefold()


@dataclass
class Recorder:
    """Stores each answer with its FSRS review, one transaction per answer."""

    store: Store
    person: str
    session: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    outcomes: list[Outcome] = field(default_factory=list)
    model: Any | None = None  # quiz.language_model.QuizModel: grades free-text answers

    def record(self, question: Question, choice: str, seconds: float, when: datetime | None = None,
               grade: Any | None = None) -> Outcome:
        """Store the answer and its review. A rubric-graded question (purpose) is graded by
        the model first, unless the caller graded it already (`grade`, off the UI thread)."""
        from comprehend.store.quiz import record_answer

        when = when or datetime.now(UTC)
        if question.evidence.get("type") == "rubric":
            if grade is None:
                from comprehend.quiz.kinds.purpose import grade as grade_answer

                grade = grade_answer(self.model, self.store, question, choice)
            correct, rating = bool(grade.met), Rating[grade.rating]  # a Hard recall is a recall
        else:
            correct = is_right(question, choice)
            rating = rating_for(question.kind, correct, seconds)
        symbol = question.source.symbol or question.source.file or f"bank:{question.id}"
        code = question.code

        def update(row: dict | None) -> dict:
            memory = Memory.decode(row["fsrs"]) if row else None
            after = review(memory, self.person, symbol, rating, when, seconds, code)
            return {"person": self.person, "symbol": symbol, "fsrs": after.encode(),
                    "updated_at": when.isoformat(timespec="seconds")}

        answer = {"id": uuid.uuid4().hex, "question": question.id, "person": self.person,
                  "symbol": symbol, "answered_at": when.isoformat(timespec="microseconds"),
                  "correct": int(correct), "seconds": round(seconds, 2), "rating": int(rating),
                  "choice": choice, "session": self.session}
        record_answer(self.store, answer, update_card=update)
        outcome = Outcome(question, choice, correct, seconds, rating.name, grade)
        self.outcomes.append(outcome)
        return outcome


@dataclass(frozen=True)
class Summary:
    asked: int
    right: int
    by_category: tuple[tuple[str, int, int], ...]  # category, right, asked
    to_review: tuple[str, ...]  # where the wrong answers point


def summarize(outcomes: list[Outcome]) -> Summary:
    cats: dict[str, list[int]] = {}
    for o in outcomes:
        cell = cats.setdefault(o.question.category, [0, 0])
        cell[0] += o.correct
        cell[1] += 1
    wrong = tuple(dict.fromkeys(o.where for o in outcomes if not o.correct and o.where))
    return Summary(len(outcomes), sum(o.correct for o in outcomes),
                   tuple((c, r, n) for c, (r, n) in sorted(cats.items())), wrong)
