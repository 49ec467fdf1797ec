"""Mutants of one function for the kinds that run code: the adversary's operators on the
function's own lines, in an order drawn from the quiz's random source."""

from __future__ import annotations

import random
from typing import Any

from comprehend.adversary.mutation.arid import load_arid_rules
from comprehend.adversary.mutation.mutate import Mutant, load_operators, mutate_file
from comprehend.quiz.callsites import Subject


def function_mutants(ctx: Any, subject: Subject, rng: random.Random, limit: int) -> list[Mutant]:
    operators, _ = load_operators(ctx.repo.root)
    rules, _ = load_arid_rules(ctx.repo.root)
    lines = frozenset(range(subject.node.body[0].lineno, subject.last_line + 1))
    found = mutate_file(subject.file, subject.source, lines, operators, rules)
    mutants = list(found.mutants)
    rng.shuffle(mutants)
    return mutants[:limit]


def changed_line(subject: Subject, mutant: Mutant) -> str:
    """The mutated line as it reads in the mutant."""
    return mutant.apply(subject.source).splitlines()[mutant.line - 1].strip()
