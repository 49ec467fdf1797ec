"""Who calls this? The key is a caller joined to the target by a resolved `calls` edge
whose line really names the target."""

from __future__ import annotations

import random

from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._calls import ask
from comprehend.quiz.model import Question, Refused, Target

KIND = "callers"
CATEGORY = "relation"
LANGUAGES = None  # the graph speaks all six languages


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    return ask(ctx, target, rng, KIND, "callers")
