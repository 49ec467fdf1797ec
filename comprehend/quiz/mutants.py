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


def mutant_preamble(subject: Subject, mutant: Mutant) -> str:
    """Python that loads the module with the mutant applied, in memory, under its real file
    name: the repository's files stay as they are."""
    src = 'sys.path.insert(0, "src")\n' if subject.file.startswith("src/") else ""
    parent, _, leaf = subject.module.rpartition(".")
    attach = (f"setattr(importlib.import_module({parent!r}), {leaf!r}, module)\n" if parent else "")
    return (f"import importlib\nimport importlib.util\nimport sys\n\n{src}"
            f"spec = importlib.util.find_spec({subject.module!r})\n"
            "with open(spec.origin, encoding='utf-8', newline='') as file:\n"
            "    source = file.read()\n"
            f"start, end = {mutant.start}, {mutant.end}\n"
            f"assert source[start:end] == {mutant.original!r}, 'the file changed since'\n"
            f"mutant = source[:start] + {mutant.replacement!r} + source[end:]\n"
            "module = importlib.util.module_from_spec(spec)\n"
            f"sys.modules[{subject.module!r}] = module\n{attach}"
            "exec(compile(mutant, spec.origin, 'exec'), module.__dict__)\n\n")
