"""Spot the bug, "what does this change break?": a mutant of the function, shown as a diff;
the choices are functions, each with its own tests (the test functions the graph's `tests`
edges come from). The key is a function that reaches the mutated one (the graph's impact
set) whose tests pass on the code at head and fail under the mutant; every wrong choice's
tests pass under both. One pytest run judged them all (spot_bug._outcomes), and the
evidence runs the choices' tests once more with the mutant and prints the ones that fail."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from comprehend.quiz.callsites import Subject
from comprehend.quiz.kinds._common import label

if TYPE_CHECKING:
    from comprehend.adversary.mutation.mutate import Mutant

CALLABLE = ("function", "class")
REACHING, NEARBY = 4, 4  # functions reaching the target, and others of the same modules
TESTS_EACH = 2


@dataclass(frozen=True)
class Behaviour:
    """A function as a choice: its label and the pytest ids of its own tests."""

    symbol: str
    label: str
    tests: tuple[str, ...]
    reaches: bool  # it reaches the mutated function (impact set): it may break


def behaviours(ctx, subject: Subject, rng: random.Random, node_id) -> list[Behaviour]:
    """Functions that reach the target and have tests of their own, then functions of the
    same modules that do not reach it (wrong choices), each with up to TESTS_EACH tests."""
    graph = ctx.graph
    own_tests = ctx._memo.get("direct-tests")
    if own_tests is None:  # once per context: symbol -> the test functions naming it
        own_tests = ctx._memo["direct-tests"] = {}
        for src, dst, data in graph.edges:
            if data["kind"] == "tests" and data["confidence"] == "resolved" and graph.nodes[src]["test_case"]:
                own_tests.setdefault(dst, []).append(src)

    def usable(symbol: str) -> bool:
        node = graph.nodes[symbol]
        return (symbol != subject.symbol and node["kind"] in CALLABLE and not node["is_test"]
                and node["language"] == "python" and bool(own_tests.get(symbol)))

    impact = graph.impact([subject.symbol])
    reaching = sorted(s for s in impact if usable(s))
    rng.shuffle(reaching)
    reaching = reaching[:REACHING]
    modules = {graph.nodes[s]["path"] for s in [subject.symbol, *reaching]}
    nearby = sorted(s for s, n in graph.nodes.items()
                    if n["path"] in modules and s not in impact and usable(s))
    rng.shuffle(nearby)
    chosen = [(s, True) for s in reaching] + [(s, False) for s in nearby[:NEARBY]]
    out = []
    for symbol, reaches in chosen:
        tests = sorted({node_id(graph, t) for t in own_tests[symbol]})[:TESTS_EACH]
        out.append(Behaviour(symbol, label(ctx, symbol), tuple(tests), reaches))
    return out


@dataclass(frozen=True)
class Broken:
    """What one mutant breaks among the behaviours, as the generation run saw it."""

    key: Behaviour
    intact: list[Behaviour]
    failed: list[str]  # the key's tests that fail under the mutant


def judge(found: list[Behaviour], passing: set[str], got: dict[str, str], rng: random.Random) -> Broken | None:
    """A behaviour the mutant breaks (one reaching the target, whose tests all pass at head
    and some fail under the mutant) and those it leaves intact (every test passes under
    both); None when there is no such key or fewer than two wrong choices."""
    judged = [b for b in found if b.tests and all(t in passing for t in b.tests)]
    broken = [b for b in judged if b.reaches and any(got.get(t) == "failed" for t in b.tests)]
    intact = [b for b in judged if all(got.get(t) == "passed" for t in b.tests)]
    if not broken or len(intact) < 2:
        return None
    key = rng.choice(broken)
    intact.sort(key=lambda b: not b.reaches)  # those that reach it and survive are harder
    return Broken(key, intact[:3], [t for t in key.tests if got.get(t) == "failed"])


def evidence_code(preamble: str, pytest_code: str, choices: list[Behaviour]) -> str:
    """Runs every choice's tests with the mutant in place; prints the choices whose tests fail."""
    owners = {b.label: list(b.tests) for b in sorted(choices, key=lambda b: b.label)}
    return (preamble + pytest_code +
            f"CHOICES = {owners!r}\n"
            "print('\\n'.join(c for c, tests in CHOICES.items()\n"
            "                 if any(outcomes.seen.get(t) == 'failed' for t in tests)))\n")


def prompt(subject: Subject, mutant: Mutant) -> str:
    return (f"This change to `{subject.name}` ({subject.file} line {mutant.line}) introduces a "
            "bug. What does it break: which of these functions' own tests fail because of it?")


def explanation(subject: Subject, mutant: Mutant, broken: Broken, head: str) -> str:
    key = broken.key
    name = key.label.split(" in ", 1)[0]
    return (f"With {mutant.description} on line {mutant.line}, the tests of {name} fail "
            f"({', '.join(broken.failed)}); they pass on the code at {head[:10]}. {name} reaches "
            f"`{subject.name}` through the calls in the code graph. The tests of the other "
            "choices pass with or without the change.")
