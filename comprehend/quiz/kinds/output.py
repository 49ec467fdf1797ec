"""Output prediction: "what does f(args) return?" for a function recent changes touched,
called with literal arguments its own tests or callers use (for a generator function,
"what does list(f(args)) give?", when it yields at most 20 items). The key is what the call
returns when run in the sandbox; the wrong choices are what mutants of the function return
for the same call, so each stands for a plausible misreading of one spot of the code."""

from __future__ import annotations

import random

from comprehend.quiz.callsites import Subject, first_question, runnable
from comprehend.quiz.model import Question, Refused, Target
from comprehend.quiz.mutants import changed_line, function_mutants
from comprehend.quiz.runner import Call, CallRefused, CallResult, Override, Runner

KIND = "output"
CATEGORY = "reading"
SLOW = True  # it runs code: asked after the cheap kinds
CALLS_TRIED = 3
MUTANTS_RUN = 12
MAX_SHOWN = 60  # a result longer than this does not make a readable choice


def generate(ctx, target: Target, rng: random.Random) -> Question | Refused:
    subject = runnable(ctx, target, KIND, generators=True)
    if isinstance(subject, Refused):
        return subject

    def attempt(runner: Runner, call: Call, result: CallResult) -> Question | str:
        if len(result.shown()) > MAX_SHOWN:
            return "result too long"
        return _question(ctx, subject, call, result, runner, rng)

    return first_question(ctx, target, subject, KIND, rng, attempt, tried=CALLS_TRIED,
                          reason="no call with literal arguments")


def evidence_code(subject: Subject, call: Call) -> str:
    """Python that prints the key when run from the repository root."""
    return (f"{subject.imports()}try:\n    value = {call.text()}\n"
            "except Exception as exc:\n    print('raises ' + type(exc).__name__)\n"
            "else:\n    print(repr(value))\n")


def _question(ctx, subject: Subject, call: Call, result: CallResult, runner: Runner,
              rng: random.Random) -> Question | str:
    key = result.shown()
    wrong: dict[str, str] = {}  # choice -> why someone would pick it
    for mutant in function_mutants(ctx, subject, rng, MUTANTS_RUN):
        try:
            got = runner.call(call, override=Override(subject.module, mutant.apply(subject.source)),
                              twice=False)
        except CallRefused:
            continue
        shown = got.shown()
        if shown != key and shown not in wrong and len(shown) <= MAX_SHOWN:
            wrong[shown] = f"line {mutant.line} read as `{changed_line(subject, mutant)}`"
        if len(wrong) == 3:
            break
    if len(wrong) < 2:
        return "too few distinct wrong answers"
    code = evidence_code(subject, call)
    try:
        check = runner.snippet(code)
    except CallRefused as refused:
        return refused.reason
    if check.output.strip() != key:
        return "key not reproduced"
    choices = [key, *wrong]
    rng.shuffle(choices)
    explanation = f"Run at {ctx.head[:10]}, `{call.text()}` gives {key}. " + " ".join(
        f"{choice} is what it gives if {why}." for choice, why in wrong.items())
    return Question(
        kind=KIND, category=CATEGORY,
        prompt=f"What does `{call.text()}` {'give' if call.consume else 'return'}?",
        choices=tuple(choices), answer=key, explanation=explanation,
        source=subject.where(ctx.head),
        evidence={"type": "python", "code": code},
        policy_hash=ctx.policy_hash, code=subject.text)
