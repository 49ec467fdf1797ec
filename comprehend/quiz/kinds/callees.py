"""What does this call? The key is a callee joined by a resolved `calls` edge whose line
really names it."""

from __future__ import annotations

import random

from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._calls import ask
from comprehend.quiz.model import Question, Refused, Target

KIND = "callees"
CATEGORY = "relation"
LANGUAGES = None


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    return ask(ctx, target, rng, KIND, "callees")
