"""What the kinds that run code need to know about a target before running it: whether it
is a function that can be called on its own (module level, not async, a generator only
where the kind consumes it, no names that read input or open files), and concrete calls of it with literal arguments,
taken from its own tests and callers along the graph's resolved `calls` edges."""

from __future__ import annotations

import ast
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from comprehend.quiz.model import Question, Refused, Source, Target
from comprehend.quiz.runner import Call, CallRefused, CallResult, Runner, module_name

# Names a function that is only computing has no reason to use: such a target is refused
# before anything runs (the sandbox would refuse most of what they do anyway).
IO_NAMES = frozenset({"input", "open", "breakpoint", "exit", "quit", "exec", "eval", "__import__"})
MAX_ARG_TEXT = 60
# Builtins an argument may call (the harness evaluates arguments with only these).
PURE_BUILTINS = frozenset({"range", "iter", "list", "tuple", "set", "frozenset", "dict", "str",
                           "int", "float", "bool", "bytes", "sorted", "reversed", "enumerate", "zip"})
MAX_CALLS = 12


@dataclass(frozen=True)
class Subject:
    """A function that can be run by itself."""

    symbol: str
    file: str
    module: str
    name: str
    first_line: int  # the `def` line (decorators excluded)
    last_line: int
    source: str  # the whole file at head
    node: ast.FunctionDef
    generator: bool = False  # calling it gives an iterator (its `def` holds a yield)

    @property
    def text(self) -> str:
        start = min([self.first_line, *(d.lineno for d in self.node.decorator_list)])
        return "\n".join(self.source.splitlines()[start - 1 : self.last_line]) + "\n"

    def where(self, commit: str) -> Source:
        return Source(file=self.file, symbol=self.symbol, start_line=self.first_line,
                      end_line=self.last_line, commit=commit)

    def imports(self) -> str:
        """The lines that import the function when run from the repository root."""
        prefix = 'import sys\nsys.path.insert(0, "src")\n' if self.file.startswith("src/") else ""
        return f"{prefix}from {self.module} import {self.name}\n"


def runnable(ctx: Any, target: Target, kind: str, *, generators: bool = False) -> Subject | Refused:
    """The target as a function that can be called by itself; a generator function only
    when `generators` (the kind then consumes what it yields)."""
    def refuse(reason: str) -> Refused:
        return Refused(kind, target.symbol, reason)

    if target.language != "python":
        return refuse("not Python")
    if target.kind != "function" or "." in target.qualname:
        return refuse("not a module-level function")
    node_info = ctx.graph.nodes.get(target.symbol, {})
    if node_info.get("is_test"):
        return refuse("test code")
    module = module_name(target.file)
    if module is None:
        return refuse("not importable")
    source = ctx.source(target.file)
    try:
        tree = ast.parse(source, filename=target.file)
    except (SyntaxError, ValueError):
        return refuse("does not parse")
    node = next((n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                 and n.name == target.qualname), None)
    if node is None:
        return refuse("not found at head")
    if isinstance(node, ast.AsyncFunctionDef):
        return refuse("async")
    inner = [n for n in ast.walk(node) if n is not node]
    generator = any(isinstance(n, ast.Yield | ast.YieldFrom) for n in inner
                    if not _nested_def(node, n))
    if generator and not generators:
        return refuse("generator")
    if any(isinstance(n, ast.Name) and n.id in IO_NAMES for n in inner):
        return refuse("does I/O")
    return Subject(target.symbol, target.file, module, node.name, node.lineno,
                   node.end_lineno or node.lineno, source, node, generator)


def mutable(ctx: Any, target: Target, kind: str) -> Subject | Refused:
    """A function or method of production code whose mutants the tests can judge (its
    name in Subject.name is its qualified name)."""
    if target.language != "python":
        return Refused(kind, target.symbol, "not Python")
    if target.kind != "function" or ctx.graph.nodes.get(target.symbol, {}).get("is_test"):
        return Refused(kind, target.symbol, "not a function of production code")
    module = module_name(target.file)
    if module is None:
        return Refused(kind, target.symbol, "not importable")
    source = ctx.source(target.file)
    try:
        tree = ast.parse(source, filename=target.file)
    except (SyntaxError, ValueError):
        return Refused(kind, target.symbol, "does not parse")
    last = target.qualname.rsplit(".", 1)[-1]
    node = next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                 and n.name == last and target.start_line <= n.lineno <= target.end_line), None)
    if node is None:
        return Refused(kind, target.symbol, "not found at head")
    return Subject(target.symbol, target.file, module, target.qualname, node.lineno,
                   node.end_lineno or node.lineno, source, node)  # type: ignore[arg-type]


def _nested_def(outer: ast.AST, node: ast.AST) -> bool:
    for child in ast.walk(outer):
        if child is not outer and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            if any(n is node for n in ast.walk(child)):
                return True
    return False


def literal_calls(ctx: Any, subject: Subject) -> list[Call]:
    """Calls of the subject whose arguments are all small literals, from the test functions
    and callers the graph resolves, tests first, in a stable order."""
    graph = ctx.graph
    edges = sorted(
        {(graph.nodes[src].get("is_test", False), graph.nodes[src]["path"], data.get("line", 0))
         for src, dst, data in graph.edges
         if dst == subject.symbol and data["kind"] == "calls" and data["confidence"] == "resolved"
         and src in graph.nodes},
        key=lambda e: (not e[0], e[1], e[2]))
    calls: list[Call] = []
    trees: dict[str, ast.Module | None] = {}
    for _, path, line in edges:
        if path not in trees:
            try:
                trees[path] = ast.parse(ctx.source(path))
            except (SyntaxError, ValueError):
                trees[path] = None
        tree = trees[path]
        if tree is None:
            continue
        for function in _functions_at(tree, line):
            bound = _bindings(function)
            for node in ast.walk(function):
                # The graph keeps one edge per caller: its other calls by that name count too.
                if isinstance(node, ast.Call) and _names(node.func, subject.name):
                    call = _literal_call(node, subject, bound)
                    if call is not None and call not in calls:
                        calls.append(call)
        if len(calls) >= MAX_CALLS:
            break
    if subject.generator:
        calls = [replace(c, consume=True) for c in calls]
    return calls


def _names(func: ast.expr, name: str) -> bool:
    return (isinstance(func, ast.Name) and func.id == name) or \
        (isinstance(func, ast.Attribute) and func.attr == name)


def _functions_at(tree: ast.Module, line: int) -> list[ast.AST]:
    """The innermost function holding `line` (the module when none does): the caller."""
    holders = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
               and n.lineno <= line <= (n.end_lineno or n.lineno)]
    return [max(holders, key=lambda n: n.lineno)] if holders else [tree]


def _bindings(function: ast.AST) -> dict[str, ast.expr]:
    """Names the function binds exactly once, by `name = <literal>`: a test's
    `values = [1, 2]` then `f(values)` is the call `f([1, 2])`."""
    stores: dict[str, int] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, ast.arg):
            stores[node.arg] = stores.get(node.arg, 0) + 2
    bound: dict[str, ast.expr] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and stores.get(node.targets[0].id) == 1 and \
                _literal(node.value) is not None:
            bound[node.targets[0].id] = node.value
    return bound


def _literal_call(node: ast.Call, subject: Subject, bound: dict[str, ast.expr]) -> Call | None:
    args: list[str] = []
    for arg in node.args:
        text = _literal(bound.get(arg.id, arg) if isinstance(arg, ast.Name) else arg)
        if text is None:
            return None
        args.append(text)
    kwargs: list[tuple[str, str]] = []
    for kw in node.keywords:
        value = bound.get(kw.value.id, kw.value) if isinstance(kw.value, ast.Name) else kw.value
        text = _literal(value) if kw.arg else None
        if text is None:
            return None
        kwargs.append((kw.arg, text))  # type: ignore[arg-type]
    return Call(subject.module, subject.name, tuple(args), tuple(kwargs))


def _literal(node: ast.expr) -> str | None:
    """The argument's text when it is a small literal, or literals passed through a few pure
    builtins (`range(10)`, `iter([1, 2])`, `tuple('ab')`): never evaluated here, only in the
    sandbox."""
    if isinstance(node, ast.Starred):
        return None
    text = ast.unparse(node)
    if len(text) > MAX_ARG_TEXT:
        return None
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return text if _built(node) else None
    return text if _small(value) else None


def _built(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in PURE_BUILTINS and \
            not node.keywords and all(_built(a) for a in node.args)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_built(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _built(node.operand)
    return isinstance(node, ast.Constant)


def _small(value: object, depth: int = 0) -> bool:
    if isinstance(value, int | float | str | bytes | bool | type(None)):
        return True
    if depth > 2:
        return False
    if isinstance(value, list | tuple | set | frozenset):
        return all(_small(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(_small(k, depth + 1) and _small(v, depth + 1) for k, v in value.items())
    return False


# A kind's try at one call that ran: a question, or why this call made none (a reason
# replaces the one kept so far; None keeps it).
Attempt = Callable[[Runner, Call, CallResult], "Question | str | None"]


def first_question(ctx: Any, target: Target, subject: Subject, kind: str, rng: random.Random,
                   attempt: Attempt, *, tried: int, reason: str,
                   trace: bool = False) -> Question | Refused:
    """Run the subject's literal calls (in an order drawn from `rng`, at most `tried` of
    them) in the sandbox until `attempt` makes a question of one; else a refusal saying why
    the last try failed (`reason` when none said more)."""
    calls = literal_calls(ctx, subject)
    if not calls:
        return Refused(kind, target.symbol, "no call with literal arguments")
    runner = Runner.for_context(ctx)
    rng.shuffle(calls)
    for call in calls[:tried]:
        try:
            result = runner.call(call, trace=trace)
        except CallRefused as refused:
            reason = refused.reason
            continue
        made = attempt(runner, call, result)
        if isinstance(made, Question):
            return made
        if made is not None:
            reason = made
    return Refused(kind, target.symbol, reason)
