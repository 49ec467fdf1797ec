"""Mutants of one function for the kinds that run code: the adversary's operators on the
function's own lines, in an order drawn from the quiz's random source."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from comprehend.quiz.callsites import Subject

if TYPE_CHECKING:  # the mutation engine is imported when a kind first makes mutants
    from comprehend.adversary.mutation.mutate import Mutant


def function_mutants(ctx: Any, subject: Subject, rng: random.Random, limit: int) -> list[Mutant]:
    from comprehend.adversary.mutation.arid import load_arid_rules
    from comprehend.adversary.mutation.mutate import load_operators, mutate_file

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


# Generated code: a finder that loads one module from its file with one span replaced,
# whoever imports it (a package's `from .module import *` included).
FINDER = """import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys


class Mutated(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, name, start, end, original, replacement):
        self.name, self.spot = name, (start, end, original, replacement)

    def find_spec(self, name, path, target=None):
        if name != self.name:
            return None
        found = importlib.machinery.PathFinder.find_spec(name, path)
        if found is None or not found.origin:
            return None
        return importlib.util.spec_from_file_location(
            name, found.origin, loader=self,
            submodule_search_locations=found.submodule_search_locations)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        start, end, original, replacement = self.spot
        with open(module.__spec__.origin, encoding="utf-8", newline="") as file:
            source = file.read()
        assert source[start:end] == original, "the file changed since the question was made"
        text = source[:start] + replacement + source[end:]
        exec(compile(text, module.__spec__.origin, "exec"), module.__dict__)
"""


def spot(mutant: Mutant) -> tuple[int, int, str, str]:
    return (mutant.start, mutant.end, mutant.original, mutant.replacement)


def mutant_preamble(subject: Subject, mutant: Mutant) -> str:
    """Python that makes every import of the module load the mutant, in memory, under its
    real file name (the repository's files stay as they are); `module` is the mutant."""
    src = 'sys.path.insert(0, "src")\n' if subject.file.startswith("src/") else ""
    return (f"{FINDER}\n\n{src}"
            f"sys.meta_path.insert(0, Mutated({subject.module!r}, *{spot(mutant)!r}))\n"
            f"sys.modules.pop({subject.module!r}, None)\n"
            f"module = importlib.import_module({subject.module!r})\n\n")
