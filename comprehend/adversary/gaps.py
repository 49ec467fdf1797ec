"""One finding per gap: surviving mutants grouped by the block they share (Python's from
`ast`, Go's and JS/TS's from tree-sitter: treeblocks.py).

Mutation reports a survivor per line; one untested branch of five statements gave five
findings, and one real case gave thirteen. Here survivors in the same statement block (the
body of one `if`/`else`/`for`/`while`/`with`/`try`/`except` arm) become one finding
with the count, the lines, one representative mutant (the likeliest) and a sentence on what
no test checks. Survivors on lines the change only re-indented or re-wrapped are dropped:
that code is old, and the change did not write it."""

from __future__ import annotations

import ast
import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from comprehend.adversary.changes import Sources, is_python
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.treeblocks import GRAMMAR_OF, tree_blocks

RULE = "surviving-mutant"
_SPACE = re.compile(r"\s+")


def group_survivors(findings: list[Finding], change: Change, sources: Sources,
                    notes: list[str]) -> list[Finding]:
    """`findings` with surviving mutants on layout-only lines dropped and the rest grouped by
    block; other findings unchanged. What was dropped is said in `notes`."""
    survivors = [f for f in findings if f.rule == RULE]
    if not survivors:
        return findings
    files = {f.path: f for f in change.files if not f.binary and (
        is_python(f.path) or PurePosixPath(f.path).suffix.lower() in GRAMMAR_OF)}
    layout_only = {path: _layout_only_lines(f) for path, f in files.items()}
    kept = [f for f in survivors if f.start_line not in layout_only.get(f.file, set())]
    dropped = len(survivors) - len(kept)
    if dropped:
        notes.append(f"{dropped} surviving mutant(s) on lines the change only re-indented or "
                     "re-wrapped were not reported (that code is not new)")
    groups: dict[tuple[str, Block | None], list[Finding]] = defaultdict(list)
    blocks: dict[str, list[Block]] = {}
    for f in kept:
        if f.file not in blocks:
            changed = files.get(f.file)
            text = sources.new_text(changed) if changed is not None else None
            blocks[f.file] = (_blocks(text) if is_python(f.file) else _tree_blocks(f.file, text)) \
                if text else []
        block = _innermost(blocks[f.file], f.start_line)
        groups[(f.file, block)].append(f)
    grouped = []
    for (_, block), members in groups.items():
        # a function's own statements are separate behaviours (a condition, a return): only
        # the arms of a branch, loop or handler are one gap
        if block is None or block.kind in ("function", "module") or len(members) == 1:
            grouped += members
        else:
            grouped.append(_one_finding(block, members))
    others = [f for f in findings if f.rule != RULE]
    return others + sorted(grouped, key=lambda f: (f.file, f.start_line))


# --- lines the change only re-laid out --------------------------------------------------------

def _layout_only_lines(f: ChangedFile) -> set[int]:
    """Added lines whose text, ignoring whitespace, a removed line of the same hunk had, and
    every added line of a hunk that is the same code re-wrapped."""
    out: set[int] = set()
    for hunk in f.hunks:
        if not hunk.added or not hunk.removed:
            continue
        removed = {_SPACE.sub("", text) for _, text in hunk.removed}
        if "".join(_SPACE.sub("", t) for _, t in hunk.added) == \
                "".join(_SPACE.sub("", t) for _, t in hunk.removed):
            out |= {n for n, _ in hunk.added}
            continue
        out |= {n for n, text in hunk.added if _SPACE.sub("", text) in removed
                and _SPACE.sub("", text)}
    return out


# --- blocks -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    start: int  # first line of the block's first statement
    end: int  # last line of its last statement
    header: str  # the line that opens it: `if total > 100:`, `else:`, `def price(...)`
    function: str  # the enclosing function, for the fingerprint and the sentence
    kind: str  # if | else | for | while | with | try | except | case | function | module
    condition: str = ""  # what decides an `if` block (Go/JS: read from the tree)


def _tree_blocks(path: str, text: str) -> list[Block]:
    return [Block(*row) for row in tree_blocks(path, text)]


def _blocks(text: str) -> list[Block]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    lines = text.splitlines()
    out: list[Block] = []

    def header(line: int) -> str:
        return lines[line - 1].strip()[:100] if 0 < line <= len(lines) else ""

    def opener(first: int, word: str) -> int:
        """The `else:`/`finally:` line above a block's first statement (comments between)."""
        n = first - 1
        while n > 0 and not lines[n - 1].strip().startswith(word):
            n -= 1
        return n

    def add(body: list[ast.stmt], head_line: int, kind: str, function: str) -> None:
        if body:
            out.append(Block(body[0].lineno, body[-1].end_lineno or body[-1].lineno,
                             header(head_line), function, kind))

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{function}.{child.name}" if function else child.name
                add(child.body, child.lineno, "function", name)
            elif isinstance(child, ast.If):
                add(child.body, child.lineno, "if", function)
                if child.orelse and not (len(child.orelse) == 1 and isinstance(child.orelse[0], ast.If)):
                    add(child.orelse, opener(child.orelse[0].lineno, "else"), "else", function)
            elif isinstance(child, ast.For | ast.AsyncFor | ast.While):
                add(child.body, child.lineno, "for" if not isinstance(child, ast.While) else "while",
                    function)
                add(child.orelse, opener(child.orelse[0].lineno, "else") if child.orelse else 0,
                    "else", function)
            elif isinstance(child, ast.With | ast.AsyncWith):
                add(child.body, child.lineno, "with", function)
            elif isinstance(child, ast.Try):
                add(child.body, child.lineno, "try", function)
                add(child.orelse, opener(child.orelse[0].lineno, "else") if child.orelse else 0,
                    "else", function)
                add(child.finalbody, opener(child.finalbody[0].lineno, "finally")
                    if child.finalbody else 0, "finally", function)
            elif isinstance(child, ast.ExceptHandler):
                add(child.body, child.lineno, "except", function)
            visit(child, name)

    visit(tree, "")
    return out


def _innermost(blocks: list[Block], line: int) -> Block | None:
    holding = [b for b in blocks if b.start <= line <= b.end]
    return min(holding, key=lambda b: b.end - b.start) if holding else None


# --- the grouped finding ----------------------------------------------------------------------

def _one_finding(block: Block, members: list[Finding]) -> Finding:
    members = sorted(members, key=lambda f: (-f.confidence, f.start_line))
    first = members[0]
    lines = sorted({f.start_line for f in members})
    where = f"in {block.function}" if block.function else "at module level"
    gap = _gap_sentence(block, where)
    evidence = dict(first.evidence)
    evidence.update({
        "why": gap,
        "survivors": len(members),
        "lines": ", ".join(str(n) for n in lines),
        "others": [f"line {f.start_line}: {f.evidence.get('mutation') or f.title}"
                   for f in sorted(members[1:], key=lambda f: f.start_line)][:10],
    })
    title = (f"{len(members)} mutants survive in the block `{block.header}` "
             f"(lines {lines[0]}-{lines[-1]}) {where}")
    return dataclasses.replace(
        first, start_line=lines[0], end_line=lines[-1], title=title, evidence=evidence,
        confidence=max(f.confidence for f in members), fingerprint="",
    ).with_fingerprint(f"block\0{block.function}\0{block.kind}\0{block.header}")


def _gap_sentence(block: Block, where: str) -> str:
    if block.kind == "if":
        condition = block.condition or block.header.removeprefix("if ").removeprefix("elif ").rstrip(":")
        return (f"no test checks what the code does when `{condition}` holds ({where}): a test "
                "that makes it true and asserts the exact result would catch these mutants")
    if block.kind in ("else", "except", "finally"):
        return (f"no test checks the `{block.header.rstrip(':')}` path ({where}): a test that "
                "takes that path and asserts its result or error would catch these mutants")
    if block.kind == "case":
        return (f"no test checks the `{block.header.rstrip(':')}` case ({where}): a test that "
                "reaches it and asserts its exact result would catch these mutants")
    if block.kind in ("for", "while"):
        return (f"no test checks the loop `{block.header.rstrip(':')}` ({where}): a test with "
                "several items and an exact expected result would catch these mutants")
    return (f"the tests run this code but check none of its results ({where}): a test that "
            "asserts the exact values it produces would catch these mutants")
