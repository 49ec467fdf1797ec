"""Mutation operators on Python source, applied only to the lines a diff added or changed.

A mutant is a text edit: one operator token or one expression replaced in place. Its diff
touches one spot and every line keeps its number, so the sandbox can swap a single
function's code in a running test process, and tracebacks still point at the right line.
The operators and their confidence come from the adversary/operators.toml policy."""

from __future__ import annotations

import ast
import bisect
import difflib
import hashlib
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from comprehend.adversary.mutation.arid import AridRules, arid_lines, is_printing, printing_lines
from comprehend.errors import ConfigError
from comprehend.policy import PolicyFile, policy_file

OPERATORS = (
    "comparison", "boundary", "membership", "boolean", "negate-condition", "drop-condition",
    "arithmetic", "constant", "string", "none-value", "statement-deletion", "return-value",
    "exception-handler", "loop-control", "slice", "output",
)


@dataclass(frozen=True)
class OperatorPolicy:
    name: str
    enabled: bool
    confidence: float
    description: str


@dataclass(frozen=True)
class OperatorSet:
    policies: tuple[OperatorPolicy, ...]

    def get(self, name: str) -> OperatorPolicy:
        for p in self.policies:
            if p.name == name:
                return p
        return OperatorPolicy(name, False, 0.0, "")

    def enabled(self, name: str) -> bool:
        return self.get(name).enabled


def load_operators(repo_root: Path | None) -> tuple[OperatorSet, list[PolicyFile]]:
    """The shipped operators; a table in the repository's own adversary/operators.toml
    replaces the shipped table of that operator, and the others keep theirs. Returns the
    files read, for the policy hash."""
    shipped = policy_file("adversary", "operators.toml", None)
    tables = {name: (table, shipped) for name, table in _operator_tables(shipped).items()}
    files = [shipped]
    own = policy_file("adversary", "operators.toml", repo_root) if repo_root is not None else shipped
    if own.overridden:
        files.append(own)
        tables.update({name: (table, own) for name, table in _operator_tables(own).items()})
    return OperatorSet(tuple(_policy(name, table, source) for name, (table, source) in tables.items())), files


def _operator_tables(source: PolicyFile) -> dict[str, object]:
    data = source.toml()
    for name in data:
        if name not in OPERATORS:
            raise ConfigError(
                f"{source.path}: unknown operator [{name}] (known: {', '.join(OPERATORS)})"
            )
    return data


def _policy(name: str, table: object, source: PolicyFile) -> OperatorPolicy:
    if not isinstance(table, dict):
        raise ConfigError(f"{source.path}: [{name}] must be a table")
    enabled = table.get("enabled", True)
    confidence = table.get("confidence", 0.8)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{source.path}: [{name}] enabled must be true or false")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        raise ConfigError(f"{source.path}: [{name}] confidence must be a number from 0 to 1")
    return OperatorPolicy(name, enabled, float(confidence), str(table.get("description", "")))


@dataclass(frozen=True)
class Mutant:
    id: str  # stable for the same file content: sha of path, span and replacement
    file: str  # repository-relative
    line: int  # the line the mutated spot is on (a line the diff added or changed)
    operator: str
    start: int  # character offsets of the replaced text in the file
    end: int
    original: str
    replacement: str
    # The functions whose code the mutant changes, outermost first, as (qualified name, first
    # line incl. decorators): what a running process swaps. Empty when the mutant changes
    # code that runs at import time (module or class body, defaults, decorators).
    scopes: tuple[tuple[str, int], ...]
    # First and last line of the outermost of those functions (None at import time): the
    # tests that run it are the judges of a mutant on a line no test runs.
    function_lines: tuple[int, int] | None = None

    @property
    def description(self) -> str:
        return f"`{_one_line(self.original)}` -> `{_one_line(self.replacement)}`"

    def apply(self, source: str) -> str:
        return source[: self.start] + self.replacement + source[self.end :]

    def unified_diff(self, source: str) -> str:
        """The mutant as a patch: `git apply` or `patch -p1` reproduces it."""
        before = source.splitlines(keepends=True)
        after = self.apply(source).splitlines(keepends=True)
        lines = difflib.unified_diff(before, after, f"a/{self.file}", f"b/{self.file}", n=2)
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                       for line in lines)


@dataclass(frozen=True)
class FileMutants:
    path: str
    source: str
    mutants: tuple[Mutant, ...]
    arid_changed_lines: frozenset[int]  # changed lines left alone as arid
    error: str | None = None  # why the file could not be mutated (a syntax error at head)
    # Changed lines that only print, mutated with `output`: their mutants count only where
    # a test that runs the line captures output (output.py decides after the baseline).
    printing: frozenset[int] = frozenset()


def mutate_file(path: str, source: str, changed_lines: frozenset[int], operators: OperatorSet,
                rules: AridRules, output: bool = False) -> FileMutants:
    """The mutants of `source` on `changed_lines`, in line order. With `output`, lines that
    only print are mutated too (FileMutants.printing)."""
    try:
        tree = ast.parse(source, filename=path)
        tokens = _Tokens(source)
    except (SyntaxError, tokenize.TokenError, ValueError) as exc:
        return FileMutants(path, source, (), frozenset(), f"{path} does not parse: {exc}")
    arid = arid_lines(tree, source, rules, keep_output=output)
    printing = (printing_lines(tree, rules) & changed_lines) - arid if output else frozenset()
    index = _Index(source)
    generator = _Generator(path, source, index, tokens, changed_lines - arid, operators,
                           rules if output else None)
    generator.walk(tree, (), "")
    seen: set[str] = set()
    mutants: list[Mutant] = []
    for m in sorted(generator.found, key=lambda m: (m.line, m.start, OPERATORS.index(m.operator), m.end)):
        mutated = m.apply(source)
        if mutated == source or mutated in seen:
            continue
        try:
            compile(mutated, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue  # e.g. `continue` swapped into a finally block before 3.8 rules
        seen.add(mutated)
        mutants.append(m)
    return FileMutants(path, source, tuple(mutants), frozenset(changed_lines & arid),
                       printing=frozenset(printing))


# Token and operator tables -------------------------------------------------------------

_COMPARE = {
    ast.Eq: ("==", [("!=", "comparison")]),
    ast.NotEq: ("!=", [("==", "comparison")]),
    ast.Lt: ("<", [(">", "comparison"), ("<=", "boundary")]),
    ast.Gt: (">", [("<", "comparison"), (">=", "boundary")]),
    ast.LtE: ("<=", [(">=", "comparison"), ("<", "boundary")]),
    ast.GtE: (">=", [("<=", "comparison"), (">", "boundary")]),
    ast.In: ("in", [("not in", "membership")]),
    ast.NotIn: ("not in", [("in", "membership")]),
    ast.Is: ("is", [("is not", "membership")]),
    ast.IsNot: ("is not", [("is", "membership")]),
}
_BINARY = {
    ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "/"), ast.Div: ("/", "*"),
    ast.FloorDiv: ("//", "/"), ast.Mod: ("%", "/"), ast.Pow: ("**", "*"),
    ast.LShift: ("<<", ">>"), ast.RShift: (">>", "<<"), ast.BitAnd: ("&", "|"),
    ast.BitOr: ("|", "&"), ast.BitXor: ("^", "&"),
}
_DELETABLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.Assert, ast.Delete)
_SIMPLE_EXPR = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant)
_STRING = re.compile(r"^([rRbBuU]{0,2})(['\"])(?!\2\2)(.*)\2$", re.S)


class _Index:
    """(line, UTF-8 byte column) as ast reports them -> character offsets in the source."""

    def __init__(self, source: str) -> None:
        self.lines = re.split(r"(?<=\r\n)|(?<=\n)|(?<=\r)(?!\n)", source)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1]
        col = byte_col if text.isascii() else len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        return self.starts[line - 1] + col

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno or node.lineno, node.end_col_offset or 0))


class _Tokens:
    """Operator and keyword tokens with character offsets, to find the token between two
    operands (ast keeps no positions for operators)."""

    def __init__(self, source: str) -> None:
        index_starts = [0]
        for line in io.StringIO(source).readlines():
            index_starts.append(index_starts[-1] + len(line))
        self.items: list[tuple[int, int, str]] = []
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.OP, tokenize.NAME):
                start = index_starts[tok.start[0] - 1] + tok.start[1]
                end = index_starts[tok.end[0] - 1] + tok.end[1]
                self.items.append((start, end, tok.string))
        self.starts = [t[0] for t in self.items]

    def between(self, a: int, b: int) -> list[tuple[int, int, str]]:
        lo = bisect.bisect_left(self.starts, a)
        hi = bisect.bisect_left(self.starts, b)
        return self.items[lo:hi]

    def find(self, a: int, b: int, text: str) -> tuple[int, int] | None:
        """The span of `text` (one token, or two such as `not in`) between offsets a and b."""
        words = text.split()
        toks = self.between(a, b)
        for i in range(len(toks) - len(words) + 1):
            if all(toks[i + k][2] == w for k, w in enumerate(words)):
                return toks[i][0], toks[i + len(words) - 1][1]
        return None


class _Generator:
    def __init__(self, path: str, source: str, index: _Index, tokens: _Tokens,
                 lines: frozenset[int], operators: OperatorSet, output: AridRules | None) -> None:
        self.path, self.source, self.index, self.tokens = path, source, index, tokens
        self.lines = lines
        self.operators = operators
        self.output = output  # the rules that say what prints, when printing lines are mutated
        self.found: list[Mutant] = []
        self.spans: dict[tuple[str, int], tuple[int, int]] = {}  # scope -> its lines

    # Traversal: tracks which function's code each node belongs to ------------------------

    def walk(self, node: ast.AST, scopes: tuple[tuple[str, int], ...], qual: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for child in (*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults)):
                self.walk(child, scopes, qual)
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            name = qual + node.name
            self.spans[(name, first)] = (first, node.end_lineno or node.lineno)
            for stmt in node.body:
                self.walk(stmt, (*scopes, (name, first)), name + ".<locals>.")
            return
        if isinstance(node, ast.ClassDef):
            for child in (*node.decorator_list, *node.bases, *node.keywords):
                self.walk(child, scopes, qual)
            for stmt in node.body:
                self.walk(stmt, scopes, qual + node.name + ".")
            return
        if isinstance(node, ast.Lambda):
            for child in (*node.args.defaults, *filter(None, node.args.kw_defaults)):
                self.walk(child, scopes, qual)
            name = qual + "<lambda>"
            inner = (*scopes, (name, node.lineno))
            self.spans[(name, node.lineno)] = (node.lineno, node.end_lineno or node.lineno)
            self.mutate(node, inner)
            self.walk(node.body, inner, name + ".<locals>.")
            return
        if isinstance(node, ast.JoinedStr):
            return  # f-string internals: positions are unreliable before 3.12
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # docstrings and bare literals
        if self.output is not None and isinstance(node, ast.Expr) and is_printing(node, self.output):
            self.printed(node.value, scopes)
        self.mutate(node, scopes)
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns", "type_comment"):
                continue
            if field == "args" and _is_typing_cast(node):
                value = value[1:]  # cast(T, x): T is a type, like an annotation; x runs
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    self.walk(child, scopes, qual)

    # Operators ---------------------------------------------------------------------------

    def add(self, operator: str, start: int, end: int, replacement: str,
            scopes: tuple[tuple[str, int], ...]) -> None:
        if not self.operators.enabled(operator):
            return
        line = self.index.line_of(start)
        if line not in self.lines:
            return
        key = f"{self.path}\0{start}\0{end}\0{replacement}".encode()
        self.found.append(Mutant(
            id=hashlib.sha1(key).hexdigest()[:12], file=self.path, line=line, operator=operator,
            start=start, end=end, original=self.source[start:end], replacement=replacement,
            scopes=scopes, function_lines=self.spans[scopes[0]] if scopes else None,
        ))

    def text(self, node: ast.AST) -> str:
        start, end = self.index.span(node)
        return self.source[start:end]

    def mutate(self, node: ast.AST, scopes: tuple[tuple[str, int], ...]) -> None:
        for op, start, end, replacement in self._edits(node):
            self.add(op, start, end, replacement, scopes)

    def _edits(self, node: ast.AST) -> Iterator[tuple[str, int, int, str]]:
        span = self.index.span
        if isinstance(node, ast.Compare):
            left = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                token, swaps = _COMPARE[type(op)]
                found = self.tokens.find(span(left)[1], span(right)[0], token)
                if found:
                    for replacement, family in swaps:
                        yield family, found[0], found[1], replacement
                left = right
        elif isinstance(node, ast.BoolOp):
            word, other = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            for a, b in zip(node.values, node.values[1:], strict=False):
                found = self.tokens.find(span(a)[1], span(b)[0], word)
                if found:
                    yield "boolean", found[0], found[1], other
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            token, other = _BINARY[type(node.op)]
            found = self.tokens.find(span(node.left)[1], span(node.right)[0], token)
            if found:
                yield "arithmetic", found[0], found[1], other
        elif isinstance(node, ast.AugAssign) and type(node.op) in _BINARY:
            token, other = _BINARY[type(node.op)]
            found = self.tokens.find(span(node.target)[1], span(node.value)[0], token + "=")
            if found:
                yield "arithmetic", found[0], found[1], other + "="
                yield "arithmetic", found[0], found[1], "="
        elif isinstance(node, ast.UnaryOp):
            start, end = span(node)
            if isinstance(node.op, ast.Not):
                yield "negate-condition", start, end, self.text(node.operand)
            elif isinstance(node.op, ast.USub):
                yield "arithmetic", start, start + 1, "+"
        elif isinstance(node, ast.Constant):
            yield from self._constant(node)
        elif isinstance(node, ast.Call):
            args = node.args[1:] if _is_typing_cast(node) else node.args
            for arg in (*args, *(k.value for k in node.keywords if k.arg is not None)):
                if not isinstance(arg, ast.Starred) and not _is_none(arg):
                    yield ("none-value", *span(arg), "None")
        elif isinstance(node, ast.Return) and node.value is not None and not _is_none(node.value):
            yield ("return-value", *span(node.value), "None")
        elif isinstance(node, ast.Lambda) and not _is_none(node.body):
            yield ("return-value", *span(node.body), "None")
        elif isinstance(node, ast.Break):
            yield ("loop-control", *span(node), "continue")
        elif isinstance(node, ast.Continue):
            yield ("loop-control", *span(node), "break")
        elif isinstance(node, ast.ExceptHandler):
            if not (len(node.body) == 1 and isinstance(node.body[0], ast.Raise) and node.body[0].exc is None):
                start, end = span(node.body[0])[0], span(node.body[-1])[1]
                yield "exception-handler", start, end, "raise" + self._newlines(start, end)
        elif isinstance(node, ast.Slice):
            for bound in (node.lower, node.upper):
                if bound is not None and not _is_literal(bound):
                    text = self.text(bound)
                    if not isinstance(bound, _SIMPLE_EXPR):
                        text = f"({text})"
                    yield ("slice", *span(bound), f"{text} + 1")
        if isinstance(node, ast.If | ast.While | ast.IfExp):
            if not isinstance(node.test, ast.Constant):
                yield ("negate-condition", *span(node.test), f"not ({self.text(node.test)})")
                if not isinstance(node, ast.While):  # `while True` would only time out
                    yield ("drop-condition", *span(node.test), "True")
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None and not _is_none(node.value):
            yield ("none-value", *span(node.value), "None")
        if isinstance(node, _DELETABLE) and not (isinstance(node, ast.AnnAssign) and node.value is None):
            start, end = span(node)
            yield "statement-deletion", start, end, "pass" + self._newlines(start, end)

    def printed(self, call: ast.expr, scopes: tuple[tuple[str, int], ...]) -> None:
        """What a printing call prints: each string emptied, each f-string emptied and
        each of its parts dropped in turn (the part's positions inside an f-string are not
        reliable before 3.12, so the whole f-string is rewritten)."""
        for arg in call.args if isinstance(call, ast.Call) else ():
            start, end = self.index.span(arg)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                self.add("output", start, end, '""', scopes)
            elif isinstance(arg, ast.JoinedStr):
                self.add("output", start, end, '""', scopes)
                for i in range(len(arg.values) if len(arg.values) > 1 else 0):
                    rest = ast.JoinedStr([v for j, v in enumerate(arg.values) if j != i])
                    self.add("output", start, end, ast.unparse(rest), scopes)

    def _constant(self, node: ast.Constant) -> Iterator[tuple[str, int, int, str]]:
        start, end = self.index.span(node)
        value = node.value
        if isinstance(value, bool):
            yield "constant", start, end, str(not value)
        elif isinstance(value, int | float):
            for delta in (1, -1):
                new = value + delta if isinstance(value, int) else round(value + delta, 12)
                if new not in (float("inf"), float("-inf")):  # 1e999 has no literal
                    yield "constant", start, end, repr(new)
        elif isinstance(value, str | bytes):
            m = _STRING.match(self.source[start:end])
            if m:
                prefix, quote, body = m.groups()
                yield "string", start, end, f"{prefix}{quote}XX{body}XX{quote}"

    def _newlines(self, start: int, end: int) -> str:
        """Keeps the line count when a multi-line statement is replaced."""
        return "\n" * self.source.count("\n", start, end)


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    return isinstance(node, ast.Constant)


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


def _is_typing_cast(node: ast.AST) -> bool:
    """`cast(T, x)` or `typing.cast(T, x)`: its first argument never changes what runs."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name == "cast" and len(node.args) == 2
