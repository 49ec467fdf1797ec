"""What several kinds share: how a symbol is named in a choice, the code shown with a
question, picking distractors, and a question's source."""

from __future__ import annotations

import random
from collections.abc import Sequence

from comprehend.quiz.context import QuizContext
from comprehend.quiz.model import Source, Target

CHOICES = 4  # one key and up to three distractors
MAX_CODE_LINES = 40


def label(ctx: QuizContext, node_id: str) -> str:
    """A symbol as a choice shows it: its dotted name and file (`Cart.add in shopcart/cart.py`);
    a module by its path."""
    node = ctx.graph.nodes[node_id]
    if node["kind"] in ("module", "package"):
        return node["path"]
    return f"{node['qualname'] or node_id} in {node['path']}"


def code_of(ctx: QuizContext, path: str, start: int, end: int) -> str:
    """Lines start..end of `path` at head, cut to MAX_CODE_LINES."""
    lines = ctx.source(path).splitlines()[start - 1:end]
    if len(lines) > MAX_CODE_LINES:
        lines = lines[:MAX_CODE_LINES] + ["    ..."]
    return "\n".join(lines)


def owners(ctx: QuizContext) -> dict[str, str]:
    """node id -> the id of the module (file) holding it, once per context: by path, one
    pass over the nodes (CodeGraph.module_of_all walks containment, 2 s on Django)."""
    if "owners" not in ctx._memo:
        nodes = ctx.graph.nodes
        module_at = {n["path"]: i for i, n in nodes.items() if n["kind"] in ("module", "package")
                     and n["path"] and not n["path"].endswith("/")}
        ctx._memo["owners"] = {i: module_at[n["path"]] for i, n in nodes.items()
                               if n["kind"] != "external" and n["path"] in module_at}
    return ctx._memo["owners"]


def source_of(target: Target, ctx: QuizContext) -> Source:
    return Source(file=target.file, symbol=target.symbol, start_line=target.start_line,
                  end_line=target.end_line, commit=ctx.head)


def shuffled_choices(key: str, distractors: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    """The key and up to CHOICES-1 distinct distractors in a seeded order."""
    pool = sorted({d for d in distractors if d != key})
    rng.shuffle(pool)
    choices = [key, *pool[:CHOICES - 1]]
    rng.shuffle(choices)
    return tuple(choices)


def pick(items: Sequence[str], rng: random.Random) -> str:
    return sorted(items)[rng.randrange(len(items))]
