"""Callers and callees share this: the graph's resolved `calls` edges, checked again
against the source text before a key is made. A `name-match` edge is a guess: it never
makes a key, and a symbol it links is never offered as a wrong choice either (it might be
right)."""

from __future__ import annotations

import random
from collections import defaultdict

from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._common import code_of, label, owners, shuffled_choices, source_of
from comprehend.quiz.model import Question, Refused, Target

CALLABLE = ("function", "class")


def call_edges(ctx: QuizContext, *, src: str | None = None, dst: str | None = None) -> list[tuple[str, str, dict]]:
    """The calls edges from `src` and/or into `dst`, read from an index built once per
    context by one pass over the graph's edge list (not CodeGraph's adjacency)."""
    index = ctx._memo.get("calls-index")
    if index is None:
        by_src: dict[str, list] = defaultdict(list)
        by_dst: dict[str, list] = defaultdict(list)
        for edge in ctx.graph.edges:
            if edge[2]["kind"] == "calls":
                by_src[edge[0]].append(edge)
                by_dst[edge[1]].append(edge)
        index = ctx._memo["calls-index"] = (by_src, by_dst)
    if src is not None:
        return [e for e in index[0].get(src, ()) if dst is None or e[1] == dst]
    return list(index[1].get(dst, ()))


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
    # Re-derive the key from the source: the call is written where the edge says. Tried in
    # a seeded order until one holds, so a popular target costs a few reads, not hundreds.
    candidates = sorted({e[other] for e in resolved})
    rng.shuffle(candidates)
    proven, key_id = [], None
    for candidate in candidates[:8]:
        proven = [e for e in resolved if e[other] == candidate
                  and name_at_line(ctx, graph.nodes[e[0]]["path"], e[2]["line"], e[1])]
        if proven:
            key_id = candidate
            break
    if key_id is None:
        return Refused(kind, target.symbol, f"no resolved {direction}")
    linked = {e[other] for e in edges}  # any confidence: never a wrong choice
    pool = _distractors(ctx, target, linked | {target.symbol}, direction)
    if len(pool) < 2:
        return Refused(kind, target.symbol, "too few symbols to choose wrong answers from")
    if direction == "callers":
        # A wrong choice must not call the target at all: checked on the edges once more.
        pool = [p for p in pool if not call_edges(ctx, src=p, dst=target.symbol)]
    key = label(ctx, key_id)
    choices = shuffled_choices(key, [label(ctx, p) for p in pool], rng)
    key_edges = proven
    name = target.qualname or target.symbol
    if direction == "callers":
        prompt = f"Which of these calls {name}?" if target.kind != "class" else \
            f"Which of these calls {name} (creates one)?"
        why = f"{label(ctx, key_id)} calls {name} on line {key_edges[0][2]['line']}"
    else:
        prompt = f"Which of these does {name} call?"
        why = f"{name} calls {label(ctx, key_id)} on line {key_edges[0][2]['line']}"
    others = sorted({e[other] for e in resolved} - {key_id})
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
    by_module = ctx._memo.get("callables-by-module")
    if by_module is None:
        by_module = defaultdict(list)
        for node_id, module in owners(ctx).items():
            if graph.nodes[node_id]["kind"] in CALLABLE:
                by_module[module].append(node_id)
        ctx._memo["callables-by-module"] = by_module
    home = owners(ctx).get(target.symbol)

    def fits(node_id: str) -> bool:
        return node_id not in exclude and not (direction == "callees" and graph.nodes[node_id]["is_test"])

    same = sorted(n for n in by_module.get(home, ()) if fits(n))
    if len(same) >= 3:
        return same
    # Modules near it: those its own module's calls reach or come from, in name order.
    near: set[str] = set()
    for node_id in by_module.get(home, ()):
        for s, d, _a in call_edges(ctx, src=node_id) + call_edges(ctx, dst=node_id):
            near.add(owners(ctx).get(d if s == node_id else s, ""))
    rest = sorted(n for module in sorted(near - {home, ""}) for n in by_module.get(module, ()) if fits(n))
    pool = same + rest[:50]
    if len(pool) < 3:  # a lone module: any callables, in name order
        pool += sorted(n for members in by_module.values() for n in members if fits(n) and n not in pool)[:50]
    return pool
