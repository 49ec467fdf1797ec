"""Callers and callees share this: the graph's resolved `calls` edges, checked again
against the source text before a key is made. A `name-match` edge is a guess: it never
makes a key, and a symbol it links is never offered as a wrong choice either (it might be
right)."""

from __future__ import annotations

import random

from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._common import code_of, label, pick, shuffled_choices, source_of
from comprehend.quiz.model import Question, Refused, Target

CALLABLE = ("function", "class")


def call_edges(ctx: QuizContext, *, src: str | None = None, dst: str | None = None) -> list[tuple[str, str, dict]]:
    return [(s, d, a) for s, d, a in ctx.graph.edges
            if a["kind"] == "calls" and (src is None or s == src) and (dst is None or d == dst)]


def name_at_line(ctx: QuizContext, path: str, line: int, callee: str) -> bool:
    """The callee's own name is written on the line the edge says it is called from."""
    name = (ctx.graph.nodes[callee]["qualname"] or callee).rsplit(".", 1)[-1]
    lines = ctx.source(path).splitlines()
    return 0 < line <= len(lines) and name in lines[line - 1]


def ask(ctx: QuizContext, target: Target, rng: random.Random, kind: str, direction: str) -> Question | Refused:
    graph = ctx.graph
    if target.symbol not in graph.nodes or graph.nodes[target.symbol]["kind"] not in CALLABLE:
        return Refused(kind, target.symbol, "not a function or class")
    if direction == "callers":
        edges = call_edges(ctx, dst=target.symbol)
        other = 0
    else:
        edges = call_edges(ctx, src=target.symbol)
        other = 1
    resolved = [e for e in edges if e[2]["confidence"] == "resolved"
                and graph.nodes[e[other]]["kind"] in CALLABLE and e[other] != target.symbol]
    # Re-derive each candidate key from the source: the call is written where the edge says.
    proven = [e for e in resolved
              if name_at_line(ctx, graph.nodes[e[0]]["path"], e[2]["line"], e[1])]
    if not proven:
        return Refused(kind, target.symbol, f"no resolved {direction}")
    linked = {e[other] for e in edges}  # any confidence: never a wrong choice
    key_id = pick(sorted({e[other] for e in proven}), rng)
    pool = _distractors(ctx, target, linked | {target.symbol}, direction)
    if len(pool) < 2:
        return Refused(kind, target.symbol, "too few symbols to choose wrong answers from")
    if direction == "callers":
        # A wrong choice must not call the target at all: checked on the edges once more.
        pool = [p for p in pool if not call_edges(ctx, src=p, dst=target.symbol)]
    key = label(ctx, key_id)
    choices = shuffled_choices(key, [label(ctx, p) for p in pool], rng)
    key_edges = [e for e in proven if e[other] == key_id]
    name = target.qualname or target.symbol
    if direction == "callers":
        prompt = f"Which of these calls {name}?" if target.kind != "class" else \
            f"Which of these calls {name} (creates one)?"
        why = f"{label(ctx, key_id)} calls {name} on line {key_edges[0][2]['line']}"
    else:
        prompt = f"Which of these does {name} call?"
        why = f"{name} calls {label(ctx, key_id)} on line {key_edges[0][2]['line']}"
    others = sorted({e[other] for e in proven} - {key_id})
    if others:
        why += f"; it also {'is called by' if direction == 'callers' else 'calls'} " \
               f"{', '.join(label(ctx, o) for o in others[:3])}"
    evidence = {"type": "graph",
                "edges": [{"source": s, "target": d, "kind": "calls", "confidence": a["confidence"],
                           "file": graph.nodes[s]["path"], "line": a["line"]} for s, d, a in key_edges],
                "not_linked": sorted(p for p in pool if label(ctx, p) in choices)}
    return Question(kind=kind, category="relation", prompt=prompt, choices=choices, answer=key,
                    explanation=why + ".", source=source_of(target, ctx), evidence=evidence,
                    policy_hash=ctx.policy_hash,
                    code=code_of(ctx, target.file, target.start_line, target.end_line),
                    language=target.language)


def _distractors(ctx: QuizContext, target: Target, exclude: set[str], direction: str) -> list[str]:
    """Plausible wrong choices: functions and classes of the target's own module first, then
    of modules near it; never test code for callees."""
    graph = ctx.graph
    owner = graph.module_of_all()
    home = owner.get(target.symbol)
    same, rest = [], []
    for node_id, node in graph.nodes.items():
        if node_id in exclude or node["kind"] not in CALLABLE:
            continue
        if direction == "callees" and node["is_test"]:
            continue
        (same if owner.get(node_id) == home else rest).append(node_id)
    return sorted(same) + sorted(rest)[:50] if len(same) < 3 else sorted(same)
