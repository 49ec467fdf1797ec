"""Spot the bug: a real mutant of a recently changed function, shown as a diff.

- "Which of these tests fails?": the key is a test that fails under the mutant and passes on
  the original (pytest run on those test nodes in the quiz copy, the mutant loaded in
  memory); the wrong choices pass under both. Tests of the function come first, then the
  other tests of the same files.
- "What does this change break?": the choices are functions with tests of their own; the
  key reaches the mutated function (the graph's impact set) and its tests fail under the
  mutant, the wrong choices' tests pass under both (_breaks.py).
- "No test catches this: what would?": a mutant that survived a `comprehend check` run
  (a `surviving-mutant` finding in the store) on this function; the choices are calls of the
  function, and the key is the one whose result the mutant changes (each run against the
  original and the mutant).
Every key is re-run through its evidence code before the question is asked."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

from comprehend.quiz.callsites import Subject, mutable
from comprehend.quiz.kinds import _breaks, _survivors
from comprehend.quiz.model import Question, Refused, Target
from comprehend.quiz.mutants import FINDER, function_mutants, mutant_preamble, spot
from comprehend.quiz.runner import PYTEST_SECONDS, CallRefused, Runner

if TYPE_CHECKING:
    from comprehend.adversary.mutation.mutate import Mutant

KIND = "spot_bug"
CATEGORY = "debugging"
SLOW = True  # it runs tests: asked after the cheap kinds
MUTANTS_TRIED = 6
OWN_TESTS, POOL = 8, 16


def generate(ctx, target: Target, rng: random.Random) -> Question | Refused:
    subject = mutable(ctx, target, KIND)
    if isinstance(subject, Refused):
        return subject
    runner = Runner.for_context(ctx)
    survivor = _survivors.question(ctx, subject, runner, rng, KIND, CATEGORY)
    if isinstance(survivor, Question):
        return survivor
    made = _tested(ctx, subject, runner, rng)
    if isinstance(made, Question):
        return made
    return Refused(KIND, target.symbol, made)  # the main form's reason: it groups


def _tested(ctx, subject: Subject, runner: Runner, rng: random.Random) -> Question | str:
    """Both forms that run the tests on mutants: one pytest process judges the original and
    every mutant on a pool of tests (the function's own, those of the functions that reach
    it and of their neighbours, others of the same files), then the forms are tried in a
    seeded order on each mutant."""
    graph = ctx.graph
    own = sorted(graph.tests_of([subject.symbol]))
    if not own:
        return "no tests"
    own_ids = [node_id(graph, t) for t in own[:OWN_TESTS]]
    found = _breaks.behaviours(ctx, subject, rng, node_id)
    pool = list(dict.fromkeys(own_ids + [t for b in found for t in b.tests]))
    files = {graph.nodes[t]["path"] for t in own}
    others = sorted(n for n, d in graph.nodes.items()
                    if d.get("test_case") and d["path"] in files and n not in own)
    rng.shuffle(others)
    pool += [t for t in (node_id(graph, o) for o in others) if t not in pool][:max(0, POOL - len(pool))]
    mutants = function_mutants(ctx, subject, rng, MUTANTS_TRIED)
    plugins = False  # pytest's plugins take most of a run's time: only when tests need them
    try:
        baseline, *verdicts = _outcomes(runner, subject, pool, [None, *mutants], plugins)
        if any(baseline.get(t) != "passed" for t in pool):
            plugins = True
            baseline, *verdicts = _outcomes(runner, subject, pool, [None, *mutants], plugins)
    except CallRefused as refused:
        return refused.reason
    passing = [t for t in pool if baseline.get(t) == "passed"]
    if len(passing) < 3:
        return "too few passing tests"
    forms = [_which_test_fails, _what_breaks]
    rng.shuffle(forms)
    reasons = []
    for form in forms:
        for mutant, got in zip(mutants, verdicts, strict=True):
            made = form(ctx, subject, runner, rng, mutant, got, passing=passing, own=own_ids,
                        found=found, plugins=plugins)
            if isinstance(made, Question):
                return made
            if made:
                reasons.append(made)
    return reasons[0] if reasons else "no mutant fails exactly some of the tests"


def _checked(runner: Runner, code: str, key: str) -> str | None:
    """None when the evidence prints exactly the key, else why not."""
    try:
        check = runner.snippet(code, audit=False, seconds=PYTEST_SECONDS)
    except CallRefused as refused:
        return refused.reason
    return None if check.output.strip() == key else "key not reproduced"


def _which_test_fails(ctx, subject: Subject, runner: Runner, rng: random.Random, mutant: Mutant,
                      got: dict[str, str], *, passing: list[str], own: list[str], plugins: bool,
                      **_: object) -> Question | str | None:
    """"Which of these tests fails?": one test that fails under the mutant, three that pass."""
    failing = [t for t in passing if got.get(t) == "failed"]
    surviving = [t for t in passing if got.get(t) == "passed"]
    if not failing or len(surviving) < 2:
        return None
    key = rng.choice(failing)
    surviving.sort(key=lambda t: t not in own)  # the function's own tests are harder
    choices = [key, *surviving[:3]]
    code = evidence_code(subject, mutant, choices, plugins)
    wrong = _checked(runner, code, key)
    if wrong:
        return wrong
    rng.shuffle(choices)
    return Question(
        kind=KIND, category=CATEGORY,
        prompt=(f"This change to `{subject.name}` ({subject.file} line {mutant.line}) "
                "introduces a bug. Which of these tests fails because of it?"),
        choices=tuple(choices), answer=key,
        explanation=(f"With {mutant.description} on line {mutant.line}, {key} fails; it "
                     f"passes on the code at {ctx.head[:10]}. The other tests pass with or "
                     "without the change."),
        source=subject.where(ctx.head), evidence={"type": "python", "code": code},
        policy_hash=ctx.policy_hash, code=mutant.unified_diff(subject.source),
        language="diff")


def _what_breaks(ctx, subject: Subject, runner: Runner, rng: random.Random, mutant: Mutant,
                 got: dict[str, str], *, passing: list[str], found: list, plugins: bool,
                 **_: object) -> Question | str | None:
    """"What does this change break?": a function reaching this one whose tests fail."""
    broken = _breaks.judge(found, set(passing), got, rng)
    if broken is None:
        return None
    choices = [broken.key, *broken.intact]
    tests = sorted({t for b in choices for t in b.tests})
    code = _breaks.evidence_code(
        mutant_preamble(subject, mutant),
        _PYTEST.format(tests=tests, run=_RUN, plugins=_plugins(plugins)), choices)
    wrong = _checked(runner, code, broken.key.label)
    if wrong:
        return wrong
    labels = [b.label for b in choices]
    rng.shuffle(labels)
    return Question(
        kind=KIND, category=CATEGORY, prompt=_breaks.prompt(subject, mutant),
        choices=tuple(labels), answer=broken.key.label,
        explanation=_breaks.explanation(subject, mutant, broken, ctx.head),
        source=subject.where(ctx.head), evidence={"type": "python", "code": code},
        policy_hash=ctx.policy_hash, code=mutant.unified_diff(subject.source), language="diff")


def node_id(graph, test: str) -> str:
    """The pytest node id of a test function of the graph."""
    node = graph.nodes[test]
    return f"{node['path']}::{node['qualname'].replace('.', '::')}"


def _outcomes(runner: Runner, subject: Subject, tests: list[str],
              mutants: list[Mutant | None], plugins: bool) -> list[dict[str, str]]:
    """The outcome of each test for each mutant (None: the original), in one process: the
    modules pytest imported are dropped between rounds, so each round imports the tests
    anew against that round's module."""
    rounds = [None if m is None else spot(m) for m in mutants]
    code = (FINDER + ('sys.path.insert(0, "src")\n' if subject.file.startswith("src/") else "")
            + _PYTEST.format(tests=tests, run="", plugins=_plugins(plugins)) + _ROUNDS.format(
                module=subject.module, rounds=rounds, seconds=int(PYTEST_SECONDS)))
    done = runner.snippet(code, audit=False, seconds=PYTEST_SECONDS * len(rounds))
    if done.exception is not None:
        raise CallRefused("pytest not available" if done.exception == "ModuleNotFoundError"
                          else "tests do not run", done.exception)
    lines = done.output.strip().splitlines()
    try:
        found = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        found = None
    if not isinstance(found, list) or len(found) != len(rounds):
        raise CallRefused("tests do not run", lines[-1] if lines else "no output")
    return found


def evidence_code(subject: Subject, mutant: Mutant, tests: list[str], plugins: bool = True) -> str:
    """Runs the tests with the mutant in place; prints the ones that fail."""
    return (mutant_preamble(subject, mutant) +
            _PYTEST.format(tests=sorted(tests), run=_RUN, plugins=_plugins(plugins)) +
            "print('\\n'.join(t for t in TESTS if outcomes.seen.get(t) == 'failed'))\n")


def _plugins(on: bool) -> str:
    return "" if on else 'os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # not needed by these tests\n'


_PYTEST = """import contextlib
import io
import json
import os

import pytest

{plugins}
TESTS = {tests!r}


class Outcomes:
    def __init__(self):
        self.seen = {{}}

    def pytest_runtest_logreport(self, report):
        test = report.nodeid.split("[", 1)[0]
        if report.failed:
            self.seen[test] = "failed"
        elif report.passed and report.when == "call":
            self.seen.setdefault(test, "passed")
        elif report.skipped:
            self.seen.setdefault(test, "skipped")

{run}"""

_RUN = """

outcomes = Outcomes()
with contextlib.redirect_stdout(io.StringIO()):
    pytest.main(["-q", "-p", "no:cacheprovider", *TESTS], plugins=[outcomes])
"""

# Generation only: the original and each mutant in turn, in one process.
_ROUNDS = """import importlib
import importlib.util
import os
import signal
import sys
import time


class Hung(BaseException):
    pass


stuck = []


def hung(signum, frame):
    stuck.append(True)
    raise Hung()


root = os.path.realpath(os.getcwd()) + os.sep


def ours(module):
    path = getattr(module, "__file__", None)
    return bool(path) and os.path.realpath(path).startswith(root)


results = []
for spot in {rounds!r}:
    for name in [n for n, m in list(sys.modules.items()) if ours(m)]:
        del sys.modules[name]
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, Mutated)]
    if spot is not None:
        sys.meta_path.insert(0, Mutated({module!r}, *spot))
    outcomes = Outcomes()
    stuck.clear()
    # A mutant may loop forever: once the round takes several times the original's time,
    # the alarm fires every half second until pytest gives up on each test left.
    signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, limit if results else {seconds}, 0.5)
    started = time.monotonic()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            code = pytest.main(["-q", "-p", "no:cacheprovider", *TESTS], plugins=[outcomes])
    except Hung:
        code = -1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if not results:
        limit = max(3.0, 4 * (time.monotonic() - started))
    results.append(outcomes.seen if code in (0, 1) and not stuck else {{}})
print(json.dumps(results))
"""
