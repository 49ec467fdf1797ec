"""The team's own questions (quizzes/*.toml at the commit quizzed). The key is whatever the
team wrote, so what is verified is what can be: the answer is one of the choices, and the
file, lines and symbol it points at exist at that commit; a question whose code has moved
on is refused rather than asked about code that is gone."""

from __future__ import annotations

import random
from collections.abc import Iterator

from comprehend.quiz.bank import BankQuestion, load_bank
from comprehend.quiz.context import QuizContext
from comprehend.quiz.model import Question, Refused, Source, Target

KIND = "bank"
CATEGORY = "conceptual"  # each bank question names its own
LANGUAGES = ()  # never asked per target: questions() gives them all


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    return Refused(KIND, target.symbol, "bank questions are not made per target")


def questions(ctx: QuizContext, rng: random.Random) -> Iterator[Question | Refused]:
    """Every bank question that checks out, in a seeded order; with an `about` filter on
    the context, only those about a file or symbol it names."""
    entries = load_bank(ctx)
    rng.shuffle(entries)
    about = getattr(ctx, "about", None)
    for entry in entries:
        if about is not None and not about.covers_bank(entry.about_file, entry.symbol):
            continue
        yield _checked(ctx, entry)


def _checked(ctx: QuizContext, entry: BankQuestion) -> Question | Refused:
    where = f"{entry.file}:{entry.line}"
    if entry.symbol is not None and entry.symbol not in ctx.graph.nodes:
        return Refused(KIND, where, f"symbol {entry.symbol} is not in the code graph")
    about_file = entry.about_file
    if about_file is None and entry.symbol is not None:
        about_file = ctx.graph.nodes[entry.symbol]["path"]
    start = end = None
    if about_file is not None:
        text = ctx.source(about_file)
        if not text:
            return Refused(KIND, where, f"file {about_file} is not at this commit")
        if entry.lines is not None:
            start, end = entry.lines
            if end > len(text.splitlines()):
                return Refused(KIND, where, f"lines {start}-{end} are past the end of {about_file}")
        elif entry.symbol is not None:
            node = ctx.graph.nodes[entry.symbol]
            start, end = node["start_line"], node["end_line"]
    code = entry.code
    if not code and about_file is not None and start is not None:
        code = "\n".join(ctx.source(about_file).splitlines()[start - 1:end])
    source = Source(file=about_file, symbol=entry.symbol, start_line=start, end_line=end, commit=ctx.head)
    return Question(kind=KIND, category=entry.category, prompt=entry.prompt, choices=entry.choices,
                    answer=entry.answer, explanation=entry.explanation or "From the team's question bank.",
                    source=source, evidence={"type": "bank", "file": entry.file, "line": entry.line},
                    policy_hash=ctx.policy_hash, code=code, language=entry.language)
