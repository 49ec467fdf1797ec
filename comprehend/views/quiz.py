"""The quiz as the surfaces draw it: the state of one session (the question shown, the
choice under the cursor, the outcome once answered, the running score) and the text both
the line mode and the Quiz screen print, so they say the same thing."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from comprehend.quiz.model import Question
from comprehend.quiz.session import Outcome, Recorder, Summary, summarize

# Questions a screen's feed may hold, the one shown included (session.Feed): the screen asks
# for the next while the person reads this one (tui/screens/quiz.py), so one is enough.
SCREEN_AHEAD = 1

KIND_NAMES = {
    "callers": "callers", "callees": "callees", "blast_radius": "blast radius",
    "history": "history", "co_change": "co-change", "roles": "identifier roles",
    "bank": "team bank", "output": "output prediction", "spot_bug": "spot the bug",
    "trace": "trace", "exception_source": "exception source", "purpose": "purpose",
}


def heading(number: int, question: Question) -> str:
    kind = KIND_NAMES.get(question.kind, question.kind)
    where = question.source.file or ""
    if where and question.source.start_line:
        where += f":{question.source.start_line}"
    return f"Question {number} · {kind} ({question.category})" + (f" · {where}" if where else "")


def choice_lines(question: Question) -> list[str]:
    return [f"{n}) {choice}" for n, choice in enumerate(question.choices, start=1)]


def outcome_text(outcome: Outcome) -> str:
    q = outcome.question
    if outcome.grade is not None:
        return "\n".join([*graded_lines(outcome), q.explanation] +
                         ([f"See {outcome.where}"] if outcome.where else []))
    verdict = "Right." if outcome.correct else f"Wrong: the answer is {q.answer}"
    lines = [verdict, q.explanation]
    if outcome.where:
        lines.append(f"See {outcome.where}")
    return "\n".join(lines)


def graded_lines(outcome: Outcome) -> list[str]:
    """A free-text answer's grade: points met of the rubric, then each point marked."""
    g = outcome.grade
    lines = [f"{len(g.met)} of {g.total} rubric points met ({outcome.rating})."]
    for n, point in enumerate(outcome.question.evidence["rubric"], start=1):
        mark = "+" if n in g.met else "-"
        why = f" — {g.why[n - 1]}" if g.why[n - 1] else ""
        lines.append(f"  {mark} {n}. {point['point']} (line {point['line']}: {point['cites']}){why}")
    return lines


def summary_text(summary: Summary, refused: int = 0) -> str:
    if not summary.asked:
        return "No questions answered."
    pct = round(100 * summary.right / summary.asked)
    lines = [f"{summary.right} of {summary.asked} right ({pct}%)."]
    for category, right, asked in summary.by_category:
        lines.append(f"  {category}: {right}/{asked}")
    if summary.to_review:
        lines.append("Worth a second look: " + ", ".join(summary.to_review[:6]))
    if refused:
        lines.append(f"({refused} candidate questions were not asked: their answers could not be proven.)")
    return "\n".join(lines)


@dataclass
class QuizView:
    """One session's state for a screen: questions arrive with `offer`, the person moves
    the cursor, answers, and goes on to the next."""

    recorder: Recorder
    pending: list[Question] = field(default_factory=list)
    question: Question | None = None
    number: int = 0
    cursor: int = 0
    outcome: Outcome | None = None
    shown_at: float = 0.0
    finished: bool = False  # no more questions will come

    def offer(self, question: Question) -> None:
        self.pending.append(question)
        if self.question is None:
            self.advance()

    def advance(self) -> bool:
        """Show the next question if one is waiting; False when none is."""
        if not self.pending:
            self.question = None
            return False
        self.question = self.pending.pop(0)
        self.number += 1
        self.cursor = 0
        self.outcome = None
        self.shown_at = time.monotonic()
        return True

    def move(self, step: int) -> None:
        if self.question is not None and self.question.choices and self.outcome is None:
            self.cursor = (self.cursor + step) % len(self.question.choices)

    def answer(self, index: int | None = None) -> Outcome | None:
        """Answer with choice `index` (0-based; the cursor's when None). Once only."""
        if self.question is None or self.outcome is not None or not self.question.choices:
            return None
        index = self.cursor if index is None else index
        if not 0 <= index < len(self.question.choices):
            return None
        self.cursor = index
        seconds = time.monotonic() - self.shown_at
        self.outcome = self.recorder.record(self.question, self.question.choices[index], seconds)
        return self.outcome

    def answer_text(self, text: str, grade=None) -> Outcome | None:
        """Answer an open question in words (graded already when `grade` is given). Once only."""
        if self.question is None or self.outcome is not None or self.question.choices:
            return None
        if not text.strip():
            return None
        seconds = time.monotonic() - self.shown_at
        self.outcome = self.recorder.record(self.question, text.strip(), seconds, grade=grade)
        return self.outcome

    @property
    def summary(self) -> Summary:
        return summarize(self.recorder.outcomes)

    @property
    def waiting(self) -> bool:
        return self.question is None and not self.finished
