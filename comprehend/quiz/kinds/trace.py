"""Trace: for one concrete call of a function (arguments from its tests or callers), how
many times a loop's body runs, or which values a variable takes, in order. The key comes
from sys.settrace in the sandboxed run (the outermost frame of the function only); the
wrong choices are the classic slips of tracing by hand: one pass too many or too few,
missing the first or the last value, one step past the end."""

from __future__ import annotations

import ast
import random

from comprehend.quiz.callsites import Subject, first_question, runnable
from comprehend.quiz.model import Question, Refused, Target
from comprehend.quiz.runner import Call, CallRefused, CallResult, Runner

KIND = "trace"
CATEGORY = "reading"
SLOW = True  # it runs code: asked after the cheap kinds
CALLS_TRIED = 3
MIN_VALUES, MAX_VALUES = 3, 7
MAX_VALUE_TEXT = 20


def generate(ctx, target: Target, rng: random.Random) -> Question | Refused:
    subject = runnable(ctx, target, KIND)
    if isinstance(subject, Refused):
        return subject
    loops = _loops(subject.node)
    if not loops:
        return Refused(KIND, target.symbol, "no loop")

    def attempt(runner: Runner, call: Call, result: CallResult) -> Question | str | None:
        if result.exception is not None:
            return "the call raises"
        options = [*_count_questions(subject, call, result, loops),
                   *_value_questions(subject, call, result)]
        rng.shuffle(options)
        reason = None  # no option to try: the reason so far stands
        for prompt, key, wrong, code in options:
            try:
                check = runner.snippet(code)
            except CallRefused as refused:
                reason = refused.reason
                continue
            if check.output.strip() != key:
                reason = "key not reproduced"
                continue
            choices = [key, *wrong]
            rng.shuffle(choices)
            return Question(
                kind=KIND, category=CATEGORY, prompt=prompt, choices=tuple(choices), answer=key,
                explanation=f"Traced at {ctx.head[:10]}: {key}. " + " ".join(
                    f"{choice}: {why}." for choice, why in wrong.items()),
                source=subject.where(ctx.head), evidence={"type": "python", "code": code},
                policy_hash=ctx.policy_hash, code=subject.text)
        return reason

    return first_question(ctx, target, subject, KIND, rng, attempt, tried=CALLS_TRIED,
                          reason="nothing to trace", trace=True)


def _loops(function: ast.FunctionDef) -> list[ast.For | ast.While]:
    """The loops of the function's own frame whose body starts on a line of its own."""
    found: list[ast.For | ast.While] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                continue
            if isinstance(child, ast.For | ast.While) and child.body[0].lineno > child.lineno:
                found.append(child)
            walk(child)

    walk(function)
    return found


def _count_questions(subject: Subject, call: Call, result: CallResult, loops):
    for loop in loops:
        line = loop.body[0].lineno
        count = sum(1 for event, n, _ in result.events if event == "line" and n == line)
        wrong = {str(count + 1): "one pass too many (off by one)"}
        if count >= 1:
            wrong[str(count - 1)] = "one pass too few (off by one)"
        if count >= 2:
            wrong[str(count - 2)] = "missing both the first and the last pass"
        else:
            wrong[str(count + 2)] = "two passes too many"
        word = "for" if isinstance(loop, ast.For) else "while"
        prompt = (f"When `{call.text()}` runs, how many times does the body of the `{word}` "
                  f"loop on line {loop.lineno} run?")
        yield prompt, str(count), wrong, _count_code(subject, call, line)


def _value_questions(subject: Subject, call: Call, result: CallResult):
    for name in _assigned_names(subject.node):
        values: list[str] = []
        complex_value = False
        for event, _, local in result.events:
            if event not in ("line", "return") or name not in local:
                continue
            if local[name] is None:
                complex_value = True
                break
            if not values or values[-1] != local[name]:
                values.append(local[name])
        if complex_value or not MIN_VALUES <= len(values) <= MAX_VALUES or \
                any(len(v) > MAX_VALUE_TEXT for v in values):
            continue
        key = " -> ".join(values)
        wrong = {" -> ".join(values[1:]): "missing the first value",
                 " -> ".join(values[:-1]): "missing the last value"}
        extra = _next_value(values)
        wrong[" -> ".join([*values, extra] if extra else values[1:-1])] = (
            "one step past the end" if extra else "missing the first and the last value")
        wrong.pop(key, None)
        if len(wrong) < 2:
            continue
        prompt = (f"When `{call.text()}` runs, which values does `{name}` take, in order? "
                  "(A value repeated in a row is shown once.)")
        yield prompt, key, wrong, _values_code(subject, call, name)


def _assigned_names(function: ast.FunctionDef) -> list[str]:
    names: list[str] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
            names.append(node.id)
    return names


def _next_value(values: list[str]) -> str | None:
    try:
        numbers = [int(v) for v in values[-2:]]
    except ValueError:
        return None
    return str(2 * numbers[1] - numbers[0])


_TRACER = """import sys
{imports}
top = None
{state}


def step(frame, event, arg):
{step}
    return step


def start(frame, event, arg):
    global top
    if top is None and frame.f_code is {name}.__code__:
        top = frame
        return step
    return None


sys.settrace(start)
try:
    {call}
finally:
    sys.settrace(None)
{report}
"""


def _count_code(subject: Subject, call: Call, line: int) -> str:
    return _TRACER.format(
        imports=subject.imports().rstrip("\n"), name=subject.name, call=call.text(), state="runs = 0",
        step=f"    global runs\n    if frame is top and event == 'line' and frame.f_lineno == {line}:\n"
             "        runs += 1",
        report="print(runs)")


def _values_code(subject: Subject, call: Call, variable: str) -> str:
    return _TRACER.format(
        imports=subject.imports().rstrip("\n"), name=subject.name, call=call.text(), state="values = []",
        step=f"    if frame is top and event in ('line', 'return') and {variable!r} in frame.f_locals:\n"
             f"        shown = repr(frame.f_locals[{variable!r}])\n"
             "        if not values or values[-1] != shown:\n"
             "            values.append(shown)",
        report="print(' -> '.join(values))")
