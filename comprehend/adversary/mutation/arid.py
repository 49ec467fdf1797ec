"""Arid lines and file roles, from the adversary/arid.toml policy.

An arid line is one whose mutants say nothing about the tests (a log call, a __repr__, a
TYPE_CHECKING block); mutate.py does not mutate it. The same policy says which files are
tests (run against the mutants, never mutated) and which are left alone."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from comprehend.errors import ConfigError
from comprehend.policy import PolicyFile, policy_file


@dataclass(frozen=True)
class AridRules:
    calls: tuple[str, ...]
    functions: frozenset[str]
    condition_blocks: frozenset[str]
    condition_flags: frozenset[str]
    assignment_targets: frozenset[str]
    comment_markers: tuple[str, ...]
    test_globs: tuple[str, ...]
    skip_globs: tuple[str, ...]
    # Calls that print: arid like `calls`, but mutated where a test that runs the line
    # captures output (output.py), since there the output is the behaviour.
    output_calls: tuple[str, ...] = ()

    def is_test_file(self, path: str) -> bool:
        return any(_glob(g).fullmatch(path) for g in self.test_globs)

    def is_skipped_file(self, path: str) -> bool:
        return any(_glob(g).fullmatch(path) for g in self.skip_globs)

    def is_arid_call(self, name: str) -> bool:
        return any(_call_pattern(p).fullmatch(name) for p in self.calls)

    def is_output_call(self, name: str) -> bool:
        return any(_call_pattern(p).fullmatch(name) for p in self.output_calls)


def load_arid_rules(repo_root: Path | None) -> tuple[AridRules, PolicyFile]:
    source = policy_file("adversary", "arid.toml", repo_root)
    data = source.toml()

    def strings(table: str, key: str) -> tuple[str, ...]:
        value = data.get(table, {}).get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source.path}: [{table}] {key} must be an array of strings")
        return tuple(value)

    rules = AridRules(
        calls=strings("calls", "names"),
        functions=frozenset(strings("functions", "names")),
        condition_blocks=frozenset(_normalize(t, source) for t in strings("conditions", "blocks")),
        condition_flags=frozenset(strings("conditions", "flags")),
        assignment_targets=frozenset(strings("assignments", "targets")),
        comment_markers=strings("comments", "markers"),
        test_globs=strings("files", "tests"),
        skip_globs=strings("files", "skip"),
        output_calls=strings("output", "calls"),
    )
    return rules, source


def arid_lines(tree: ast.Module, source: str, rules: AridRules,
               keep_output: bool = False) -> frozenset[int]:
    """Every line of the module that mutation leaves alone under `rules`; with
    `keep_output`, statements that only print (`printing_lines`) are not arid for that."""
    lines: set[int] = set()
    for number, text in enumerate(source.splitlines(), start=1):
        if "#" in text and any(m in text.split("#", 1)[1] for m in rules.comment_markers):
            lines.add(number)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in rules.functions:
            lines.update(_span(node))
        elif isinstance(node, ast.If):
            test = ast.unparse(node.test)
            if test in rules.condition_blocks:
                lines.update(_span(node))
            elif test in rules.condition_flags:
                lines.update(range(node.test.lineno, (node.test.end_lineno or node.test.lineno) + 1))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if rules.is_arid_call(ast.unparse(node.value.func)) and not (keep_output and is_printing(node, rules)):
                lines.update(_span(node))
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(ast.unparse(t) in rules.assignment_targets for t in targets):
                lines.update(_span(node))
            elif isinstance(node.value, ast.Call) and rules.is_arid_call(ast.unparse(node.value.func)):
                lines.update(_span(node))  # started = time.monotonic()
    return frozenset(lines)


def is_printing(node: ast.AST, rules: AridRules) -> bool:
    """A statement that only calls an output function: `click.echo(f"...")`."""
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and rules.is_output_call(ast.unparse(node.value.func)))


def printing_lines(tree: ast.Module, rules: AridRules) -> frozenset[int]:
    """Every line of a statement that only prints."""
    return frozenset(n for node in ast.walk(tree) if is_printing(node, rules) for n in _span(node))


def _span(node: ast.AST) -> range:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return range(first, (node.end_lineno or node.lineno) + 1)


def _normalize(expression: str, source: PolicyFile) -> str:
    """Conditions compare as ast.unparse prints them, so quoting and spacing do not matter."""
    try:
        return ast.unparse(ast.parse(expression, mode="eval").body)
    except SyntaxError as exc:
        raise ConfigError(
            f"{source.path}: [conditions] {expression!r} is not a Python expression; fix it"
        ) from exc


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """A path glob: `**/` is any number of folders, `*` and `?` stay inside one."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


@cache
def _call_pattern(pattern: str) -> re.Pattern[str]:
    """`logger.*` matches logger.info and logger.handlers.emit; `print` matches only print."""
    if pattern.endswith(".*"):
        return re.compile(re.escape(pattern[:-2]) + r"\..+")
    return re.compile(re.escape(pattern))
