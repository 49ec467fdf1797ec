"""What is this variable for? The role of a parameter or local of a Python function
(stepper, accumulator, most-wanted holder, flag, most-recent holder, fixed value), from
how the function binds it; the key stands only when two independent readings of the code
agree (kinds/_roles.py). Variables whose role is just "fixed value" are asked about last."""

from __future__ import annotations

import ast
import random

from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._common import code_of, source_of
from comprehend.quiz.kinds._roles import ROLES, classify, confirm, find_function, variables
from comprehend.quiz.model import Question, Refused, Target

KIND = "roles"
CATEGORY = "reading"
LANGUAGES = ("python",)


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    if target.kind != "function":
        return Refused(KIND, target.symbol, "not a function")
    try:
        tree = ast.parse(ctx.source(target.file))
    except (SyntaxError, ValueError):
        return Refused(KIND, target.symbol, "file does not parse")
    func = find_function(tree, target.qualname.rsplit(".", 1)[-1], target.start_line)
    if func is None:
        return Refused(KIND, target.symbol, "function not found in its file")
    roles = {}
    for name, var in variables(func).items():
        role = classify(var)
        if role is not None and confirm(func, name, role):
            roles[name] = (role, var)
    if not roles:
        return Refused(KIND, target.symbol, "no variable with a clear role")
    telling = sorted(n for n, (r, _) in roles.items() if r != "fixed value")
    # a parameter that is never reassigned says little; a local set once says a bit more
    fixed_locals = sorted(n for n, (r, v) in roles.items()
                          if r == "fixed value" and v.bindings[0].how != "param")
    pool = telling or fixed_locals
    if not pool:
        return Refused(KIND, target.symbol, "only parameters that never change")
    name = pool[rng.randrange(len(pool))]
    role, var = roles[name]
    key = ROLES[role]
    others = sorted(set(ROLES) - {role})
    rng.shuffle(others)
    choices = [key, *(ROLES[r] for r in others[:3])]
    rng.shuffle(choices)
    lines = sorted({b.line for b in var.bindings})
    text = ctx.source(target.file).splitlines()
    where = ", ".join(f"line {n}" for n in lines[:4])
    return Question(
        kind=KIND, category=CATEGORY,
        prompt=f"In {target.qualname}, what role does `{name}` play?",
        choices=tuple(choices), answer=key,
        explanation=f"`{name}` is bound on {where}: {_why(role)}.",
        source=source_of(target, ctx),
        evidence={"type": "ast", "variable": name, "role": role,
                  "bindings": [{"line": n, "text": text[n - 1].strip()} for n in lines if 0 < n <= len(text)]},
        policy_hash=ctx.policy_hash, code=code_of(ctx, target.file, target.start_line, target.end_line),
        language="python")


def _why(role: str) -> str:
    return {
        "stepper": "it moves by a fixed step (or through a range) on each pass of the loop",
        "accumulator": "it starts once and every pass of the loop adds to it",
        "most-wanted holder": "a pass of the loop replaces it only when a comparison with it says the new value is better",
        "flag": "it is only ever set to True or False",
        "most-recent holder": "each pass of the loop overwrites it with the next value, whatever it was before",
        "fixed value": "it is set once and never reassigned",
    }[role]
