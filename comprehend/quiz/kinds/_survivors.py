"""Spot the bug, second form: a mutant no test caught in a `comprehend check` run (a
`surviving-mutant` finding in the store) becomes "no test catches this: what would?". The
choices are calls of the function (from its tests and callers, and the same calls with one
argument moved to a boundary the function's own constants suggest); the key is the call
whose result the mutant changes, each call run against the original and the mutant."""

from __future__ import annotations

import ast
import random
from typing import TYPE_CHECKING

from comprehend.quiz.callsites import Subject, literal_calls, runnable
from comprehend.quiz.model import Question, Target
from comprehend.quiz.mutants import mutant_preamble
from comprehend.quiz.runner import Call, CallRefused, Override, Runner
from comprehend.store.runs import recent_runs, run_findings

if TYPE_CHECKING:  # the mutation engine is imported only when a survivor is recorded
    from comprehend.adversary.mutation.mutate import Mutant

RULE = "surviving-mutant"
RUNS_READ = 20
CALLS_RUN = 16


def recorded(ctx, subject: Subject) -> list[tuple[Mutant, dict]]:
    """The surviving mutants of recent check runs that still apply to the function at head,
    with the run that recorded each."""
    if ctx.store is None:
        return []
    wanted: dict[str, dict] = {}
    for run in recent_runs(ctx.store, "check", RUNS_READ):
        for finding in run_findings(ctx.store, run["id"]):
            mutant_id = (finding.get("evidence") or {}).get("mutant_id")
            if finding["rule"] == RULE and finding["file"] == subject.file and mutant_id and \
                    subject.first_line <= finding["start_line"] <= subject.last_line:
                wanted.setdefault(mutant_id, run)
    if not wanted:
        return []
    from comprehend.adversary.mutation.arid import load_arid_rules
    from comprehend.adversary.mutation.mutate import load_operators, mutate_file

    operators, _ = load_operators(ctx.repo.root)
    rules, _ = load_arid_rules(ctx.repo.root)
    lines = frozenset(range(subject.first_line, subject.last_line + 1))
    found = mutate_file(subject.file, subject.source, lines, operators, rules)
    return [(m, wanted[m.id]) for m in found.mutants if m.id in wanted]


def question(ctx, subject: Subject, runner: Runner, rng: random.Random, kind: str,
             category: str) -> Question | str | None:
    """A question about one recorded survivor; None when none is recorded, else the reason
    none could be made."""
    survivors = recorded(ctx, subject)
    if not survivors:
        return None
    callable_subject = runnable(ctx, _as_target(subject), kind)
    if not isinstance(callable_subject, Subject):
        return f"survivor: {callable_subject.reason}"
    calls = _candidates(ctx, callable_subject, rng)
    if not calls:
        return "survivor: no call with literal arguments"
    reason = "survivor: no call tells the mutant apart"
    rng.shuffle(survivors)
    for mutant, run in survivors[:2]:
        override = Override(subject.module, mutant.apply(subject.source))
        catching: list[tuple[Call, str, str]] = []
        same: list[Call] = []
        for call in calls[:CALLS_RUN]:
            try:
                before = runner.call(call).shown()
                after = runner.call(call, override=override, twice=False).shown()
            except CallRefused:
                continue
            if before != after:
                catching.append((call, before, after))
            else:
                same.append(call)
            if catching and len(same) >= 3:
                break
        if not catching or len(same) < 2:
            continue
        key_call, before, after = catching[0]
        texts = [key_call.text(), *(c.text() for c in same[:3])]
        code = evidence_code(subject, mutant, texts)
        try:
            check = runner.snippet(code)
        except CallRefused as refused:
            reason = f"survivor: {refused.reason}"
            continue
        if check.output.strip() != key_call.text():
            reason = "survivor: key not reproduced"
            continue
        choices = list(texts)
        rng.shuffle(choices)
        return Question(
            kind=kind, category=category,
            prompt=(f"No test fails when line {mutant.line} of `{subject.name}` changes like "
                    f"this ({mutant.description}). A test of which call would catch it?"),
            choices=tuple(choices), answer=key_call.text(),
            explanation=(f"`{key_call.text()}` gives {before} on the code at {ctx.head[:10]} "
                         f"and {after} with the change; the other calls give the same either "
                         f"way. The mutant survived the check run of {run['started_at']}."),
            source=subject.where(ctx.head), evidence={"type": "python", "code": code},
            policy_hash=ctx.policy_hash, code=mutant.unified_diff(subject.source),
            language="diff")
    return reason


def _as_target(subject: Subject) -> Target:
    return Target(subject.symbol, subject.file, subject.first_line, subject.last_line,
                  subject.name, "function", "python")


def _candidates(ctx, subject: Subject, rng: random.Random) -> list[Call]:
    """The literal calls of the function, then the same calls with one number moved to a
    constant of the function or next to it (where off-by-one mutants show)."""
    found = literal_calls(ctx, subject)
    numbers = sorted({n.value for n in ast.walk(subject.node) if isinstance(n, ast.Constant)
                      and type(n.value) is int})
    variants: list[Call] = []
    for call in found:
        for i, arg in enumerate(call.args):
            try:
                value = ast.literal_eval(arg)
            except (ValueError, SyntaxError):
                continue
            if type(value) is not int:
                continue
            for other in {value - 1, value + 1, 0, *numbers, *(n - 1 for n in numbers), *(n + 1 for n in numbers)}:
                args = (*call.args[:i], str(other), *call.args[i + 1:])
                variant = Call(call.module, call.function, args, call.kwargs)
                if variant not in found and variant not in variants:
                    variants.append(variant)
    rng.shuffle(variants)
    return found + variants


def evidence_code(subject: Subject, mutant: Mutant, calls: list[str]) -> str:
    """Runs each call on the original and on the mutant; prints those whose result changes."""
    src = 'import sys\nsys.path.insert(0, "src")\n' if subject.file.startswith("src/") else ""
    return (f"import importlib\n{src}\nCALLS = {sorted(calls)!r}\n\n\n"
            "def results(namespace):\n    shown = []\n    for text in CALLS:\n        try:\n"
            "            shown.append(repr(eval(text, dict(namespace))))\n"
            "        except Exception as exc:\n"
            "            shown.append('raises ' + type(exc).__name__)\n    return shown\n\n\n"
            f"before = results(vars(importlib.import_module({subject.module!r})))\n"
            + mutant_preamble(subject, mutant) +
            "after = results(vars(module))\n"
            "print('\\n'.join(c for c, b, a in zip(CALLS, before, after) if b != a))\n")
