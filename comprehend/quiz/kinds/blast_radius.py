"""What breaks if this changes? The graph's impact set (callers, subclasses, tests, and
importers of a module, transitively) answers it; the key is a test that reaches the target
(through `tests` edges or calls) or, without one, a module that does. Each key is proven
again by a path of resolved edges found here, independently of CodeGraph.impact, and each
wrong choice by the absence of any path, guesses (`name-match` edges) included."""

from __future__ import annotations

import random
from collections import defaultdict, deque

from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._common import code_of, label, pick, shuffled_choices, source_of
from comprehend.quiz.model import Question, Refused, Target

KIND = "blast_radius"
CATEGORY = "relation"
LANGUAGES = None
_REACH = ("calls", "inherits", "tests")


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    graph = ctx.graph
    if target.symbol not in graph.nodes:
        return Refused(KIND, target.symbol, "not in the code graph")
    impact = graph.impact([target.symbol])
    resolved_paths = _paths(ctx, target.symbol, resolved_only=True)
    any_paths = _paths(ctx, target.symbol, resolved_only=False)
    owner = graph.module_of_all()
    tests = sorted(n for n in impact if graph.nodes[n]["test_case"] and n in resolved_paths)
    name = target.qualname
    if tests:
        key_id = pick(tests, rng)
        pool = [n for n, d in graph.nodes.items() if d["test_case"] and n not in any_paths and n not in impact]
        prompt = f"Which of these tests can fail if {name} changes?"
        noun = "test"
    else:
        home = owner.get(target.symbol)
        modules = sorted({owner[n] for n in impact if n in owner and n in resolved_paths} - {home})
        modules = [m for m in modules if not graph.nodes[m]["is_test"]]
        if not modules:
            return Refused(KIND, target.symbol, "nothing outside its module depends on it")
        key_id = pick(modules, rng)
        reached_modules = {owner.get(n) for n in any_paths} | {owner.get(n) for n in impact} | {home}
        pool = [m for m in set(owner.values()) if m not in reached_modules and not graph.nodes[m]["is_test"]]
        prompt = f"Which of these modules can break if {name} changes?"
        noun = "module"
    if len(pool) < 2:
        return Refused(KIND, target.symbol, f"too few unaffected {noun}s to choose wrong answers from")
    key = label(ctx, key_id)
    distractors = [label(ctx, p) for p in sorted(pool)]
    choices = shuffled_choices(key, distractors, rng)
    chain = resolved_paths.get(key_id) if noun == "test" else _module_chain(resolved_paths, owner, key_id)
    if not chain:
        return Refused(KIND, target.symbol, "no path of resolved edges proves the key")
    steps = " -> ".join(label(ctx, s) for s, _, _ in chain) + f" -> {name}"
    evidence = {"type": "graph",
                "edges": [{"source": s, "target": d, "kind": a["kind"], "confidence": a["confidence"],
                           "file": graph.nodes[s]["path"], "line": a["line"]} for s, d, a in chain],
                "not_reached": sorted(p for p in pool if label(ctx, p) in choices)}
    return Question(kind=KIND, category=CATEGORY, prompt=prompt, choices=choices, answer=key,
                    explanation=f"{key} reaches {name}: {steps}. None of the other choices does.",
                    source=source_of(target, ctx), evidence=evidence, policy_hash=ctx.policy_hash,
                    code=code_of(ctx, target.file, target.start_line, target.end_line),
                    language=target.language)


def _paths(ctx: QuizContext, start: str, *, resolved_only: bool) -> dict[str, list[tuple[str, str, dict]]]:
    """node -> the chain of edges (from it down to `start`) by which a change to `start`
    reaches it: reverse calls/inherits/tests edges, a class for its members, importers of a
    module; breadth first, so each chain is a shortest one."""
    graph = ctx.graph
    memo_key = f"blast-pred:{resolved_only}"
    pred = ctx._memo.get(memo_key)
    if pred is None:
        pred = defaultdict(list)
        for s, d, a in graph.edges:
            if resolved_only and a["confidence"] != "resolved":
                continue
            if a["kind"] in _REACH:
                pred[d].append((s, d, a))
            elif a["kind"] == "contains" and graph.nodes[s]["kind"] == "class":
                pred[d].append((s, d, a))
            elif a["kind"] == "imports" and graph.nodes[d]["kind"] in ("module", "package"):
                pred[d].append((s, d, a))
        ctx._memo[memo_key] = pred
    chains: dict[str, list] = {start: []}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in pred.get(node, ()):
            source = edge[0]
            kind = edge[2]["kind"]
            if kind == "imports" and graph.nodes[node]["kind"] not in ("module", "package"):
                continue
            if source not in chains:
                chains[source] = [edge, *chains[node]]
                queue.append(source)
    del chains[start]
    return chains


def _module_chain(paths: dict, owner: dict[str, str], module: str) -> list | None:
    inside = sorted((len(chain), n) for n, chain in paths.items() if owner.get(n) == module)
    return paths[inside[0][1]] if inside else None
