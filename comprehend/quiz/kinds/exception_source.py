"""Exception source: for one concrete call, which line raises what a handler of the function
catches (or, when nothing catches it, what the call raises). The key is the innermost frame
of the repository in the exception's traceback, seen by sys.settrace in the sandboxed run;
the wrong choices are the near misses: the line of the function that called the raiser,
the check just before the raise, other `raise` statements on the way, the handler itself."""

from __future__ import annotations

import ast
import random
from dataclasses import replace

from comprehend.quiz.callsites import Subject, first_question, runnable
from comprehend.quiz.model import Question, Refused, Target
from comprehend.quiz.runner import Call, CallRefused, CallResult, Runner

KIND = "exception_source"
CATEGORY = "debugging"
SLOW = True  # it runs code: asked after the cheap kinds
CALLS_TRIED = 6
MAX_SHOWN_LINES = 60


def generate(ctx, target: Target, rng: random.Random) -> Question | Refused:
    subject = runnable(ctx, target, KIND)
    if isinstance(subject, Refused):
        return subject
    handlers = _handlers(subject.node)

    def attempt(runner: Runner, call: Call, result: CallResult) -> Question | str | None:
        made = _caught(ctx, subject, call, result, handlers) or _uncaught(ctx, subject, call, result)
        if made is None:
            return None
        prompt, key_at, near, code = made
        return _question(ctx, subject, runner, rng, prompt, key_at, near, code)

    return first_question(ctx, target, subject, KIND, rng, attempt, tried=CALLS_TRIED,
                          reason="no call raises", trace=True)


def _handlers(function: ast.FunctionDef) -> list[tuple[ast.Try, ast.ExceptHandler]]:
    return [(node, handler) for node in ast.walk(function) if isinstance(node, ast.Try)
            for handler in node.handlers]


def _caught(ctx, subject: Subject, call: Call, result: CallResult, handlers):
    """The first handler the run entered, and where what it caught was raised."""
    for try_node, handler in handlers:
        body_line = handler.body[0].lineno
        last_origin, passed = None, 0
        for event, line, data in result.events:
            if event == "exception" and try_node.lineno <= line <= try_node.body[-1].end_lineno:
                last_origin, passed = data.get("origin"), line
            elif event == "line" and line == body_line and last_origin:
                caught = ast.unparse(handler.type) if handler.type is not None else "everything"
                prompt = (f"When `{call.text()}` runs, the `except {caught}` on line "
                          f"{handler.lineno} of {subject.file} catches a {last_origin[0]}. "
                          "Which line raised it?")
                key_at = (last_origin[1], int(last_origin[2]))
                near = [(subject.file, passed), (subject.file, handler.lineno)]
                return prompt, key_at, near, _caught_code(subject, call, body_line)
    return None


def _uncaught(ctx, subject: Subject, call: Call, result: CallResult):
    if result.exception is None or result.exception_line is None:
        return None
    prompt = f"`{call.text()}` raises {result.exception}. Which line raises it?"
    passed = [line for event, line, _ in result.events if event == "exception"]
    near = [(subject.file, passed[-1])] if passed else []
    return prompt, result.exception_line, near, _uncaught_code(subject, call)


def _question(ctx, subject: Subject, runner: Runner, rng: random.Random, prompt: str,
              key_at: tuple[str, int], near: list[tuple[str, int]], code: str) -> Question | str:
    key = _choice(ctx, *key_at)
    if not key.split(": ", 1)[1]:
        return "raising line not in the repository"
    candidates = [*near, *_neighbours(ctx, subject, key_at)]
    wrong: list[str] = []
    for path, line in candidates:
        choice = _choice(ctx, path, line)
        if choice != key and choice not in wrong and choice.split(": ", 1)[1]:
            wrong.append(choice)
    if len(wrong) < 2:
        return "too few near misses"
    try:
        check = runner.snippet(code)
    except CallRefused as refused:
        return refused.reason
    if check.output.strip() != key:
        return "key not reproduced"
    wrong = wrong[:3]
    choices = [key, *wrong]
    rng.shuffle(choices)
    shown, where = _shown(ctx, subject, key_at)
    return Question(
        kind=KIND, category=CATEGORY, prompt=prompt, choices=tuple(choices), answer=key,
        explanation=(f"Run at {ctx.head[:10]}, the innermost line of the repository in the "
                     f"traceback is {key_at[0]} line {key_at[1]}. The others are on the way "
                     "(a caller, a check before the raise, another raise, the handler) but "
                     "do not raise it."),
        source=where, evidence={"type": "python", "code": code},
        policy_hash=ctx.policy_hash, code=shown)


def _shown(ctx, subject: Subject, key_at: tuple[str, int]):
    """The function with the handler, and the one that raises when it is near in the same
    file: the lines from the first to the last of both, so line numbers stay true."""
    where = subject.where(ctx.head)
    symbols = ctx.graph.symbols_at(*key_at)
    raiser = ctx.graph.nodes[symbols[0]] if symbols else None
    if raiser is None or key_at[0] != subject.file or symbols[0] == subject.symbol:
        return subject.text, where
    first = min(raiser["start_line"], where.start_line or 1)
    last = max(raiser["end_line"], where.end_line or 1)
    if last - first >= MAX_SHOWN_LINES:
        return subject.text, where
    lines = subject.source.splitlines()[first - 1 : last]
    return "\n".join(lines) + "\n", replace(where, start_line=first, end_line=last)


def _neighbours(ctx, subject: Subject, key_at: tuple[str, int]) -> list[tuple[str, int]]:
    """The line before the raising one, and the other raise statements of the functions
    involved."""
    path, line = key_at
    found = [(path, line - 1)]
    for symbol, text_path in ((subject.symbol, subject.file), *_enclosing(ctx, path, line)):
        node = ctx.graph.nodes.get(symbol)
        if node is None:
            continue
        try:
            tree = ast.parse(ctx.source(text_path))
        except (SyntaxError, ValueError):
            continue
        found += [(text_path, n.lineno) for n in ast.walk(tree) if isinstance(n, ast.Raise)
                  and node["start_line"] <= n.lineno <= node["end_line"]]
    return found


def _enclosing(ctx, path: str, line: int) -> list[tuple[str, str]]:
    symbols = ctx.graph.symbols_at(path, line)
    return [(symbols[0], path)] if symbols else []


def _choice(ctx, path: str, line: int) -> str:
    lines = ctx.source(path).splitlines()
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return f"{path}:{line}: {text}"


_WHERE = """

def innermost(tb):
    root = os.path.realpath(os.getcwd())
    found = None
    while tb is not None:
        path = os.path.realpath(tb.tb_frame.f_code.co_filename)
        if path.startswith(root + os.sep):
            found = (os.path.relpath(path, root), tb.tb_lineno, path)
        tb = tb.tb_next
    return found


def show(tb):
    rel, line, path = innermost(tb)
    print(f"{rel}:{line}: {linecache.getline(path, line).strip()}")
"""


def _caught_code(subject: Subject, call: Call, handler_line: int) -> str:
    return f"""import linecache
import os
import sys
{subject.imports().rstrip()}
{_WHERE}

top = None
last = []
caught = []


def step(frame, event, arg):
    if frame is top and event == "exception":
        last.append(arg[2])
    elif frame is top and event == "line" and frame.f_lineno == {handler_line} and last and not caught:
        caught.append(last[-1])
    return step


def start(frame, event, arg):
    global top
    if top is None and frame.f_code is {subject.name}.__code__:
        top = frame
        return step
    return None


sys.settrace(start)
try:
    {call.text()}
finally:
    sys.settrace(None)
show(caught[0])
"""


def _uncaught_code(subject: Subject, call: Call) -> str:
    return f"""import linecache
import os
{subject.imports().rstrip()}
{_WHERE}

try:
    {call.text()}
except Exception as exc:
    show(exc.__traceback__)
"""
