"""What breaks if this changes? The graph's impact set (callers, subclasses, tests, and
importers of a module, transitively) answers it; the key is a test that reaches the target
(through `tests` edges or calls) or, without one, a module that does. Each key is proven
again by a path of resolved edges found here, independently of CodeGraph.impact; a wrong
choice must be outside the impact set, which follows guessed (`name-match`) edges too."""

from __future__ import annotations

import random
from collections import defaultdict, deque

from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._common import code_of, label, owners, pick, shuffled_choices, source_of
from comprehend.quiz.model import Question, Refused, Target

KIND = "blast_radius"
CATEGORY = "relation"
LANGUAGES = None
_REACH = ("calls", "inherits", "tests")
KEY_TESTS = 25  # tests found along resolved edges before the search stops


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    graph = ctx.graph
    if target.symbol not in graph.nodes:
        return Refused(KIND, target.symbol, "not in the code graph")
    # What a change reaches by any edge, guesses included: no wrong choice may be in it.
    impact = graph.impact([target.symbol])
    # Keys come from resolved edges only, each with its own path (enough tests: stop).
    resolved_paths = _paths(ctx, target.symbol, enough_tests=KEY_TESTS)
    owner = owners(ctx)
    tests = sorted(n for n in impact if graph.nodes[n]["test_case"] and n in resolved_paths)
    name = target.qualname
    if tests:
        key_id = pick(tests, rng)
        pool = [n for n in _test_cases(ctx) if n not in impact]
        prompt = f"Which of these tests can fail if {name} changes?"
        noun = "test"
    else:
        home = owner.get(target.symbol)
        resolved_paths = _paths(ctx, target.symbol)  # all of it: modules are few
        modules = sorted({owner[n] for n in impact if n in owner and n in resolved_paths} - {home})
        modules = [m for m in modules if not graph.nodes[m]["is_test"]]
        if not modules:
            return Refused(KIND, target.symbol, "nothing outside its module depends on it")
        key_id = pick(modules, rng)
        reached_modules = {owner.get(n) for n in impact} | {home}
        pool = [m for m in set(owner.values()) if m not in reached_modules and not graph.nodes[m]["is_test"]]
        prompt = f"Which of these modules can break if {name} changes?"
        noun = "module"
    if len(pool) < 2:
        return Refused(KIND, target.symbol, f"too few unaffected {noun}s to choose wrong answers from")
    key = label(ctx, key_id)
    pool = sorted(pool)
    pool = rng.sample(pool, min(30, len(pool)))  # labels for a few, not for every test
    distractors = [label(ctx, p) for p in sorted(pool)]
    choices = shuffled_choices(key, distractors, rng)
    chain = resolved_paths.chain(key_id) if noun == "test" else _module_chain(resolved_paths, owner, key_id)
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


class Reach(dict):
    """node -> the edge by which a change to the start reaches it (toward the start)."""

    def chain(self, node: str) -> list[tuple[str, str, dict]]:
        """The edges from `node` down to the start, a shortest such path."""
        edges = []
        while node in self:
            edge = self[node]
            edges.append(edge)
            node = edge[1]
        return edges


def _test_cases(ctx: QuizContext) -> list[str]:
    if "test-cases" not in ctx._memo:
        ctx._memo["test-cases"] = sorted(n for n, d in ctx.graph.nodes.items() if d["test_case"])
    return ctx._memo["test-cases"]


def _paths(ctx: QuizContext, start: str, *, enough_tests: int | None = None) -> Reach:
    """What a change to `start` reaches along resolved edges (reverse calls/inherits/tests,
    a class for its members, importers of a module), with the edge each was reached by;
    breadth first, so each chain (Reach.chain) is a shortest one. Stops early once
    `enough_tests` test functions are reached."""
    graph = ctx.graph
    pred = ctx._memo.get("blast-pred")
    if pred is None:
        pred = defaultdict(list)
        for s, d, a in graph.edges:
            if a["confidence"] != "resolved":
                continue
            if a["kind"] in _REACH:
                pred[d].append((s, d, a))
            elif a["kind"] == "contains" and graph.nodes[s]["kind"] == "class":
                pred[d].append((s, d, a))
            elif a["kind"] == "imports" and graph.nodes[d]["kind"] in ("module", "package"):
                pred[d].append((s, d, a))
        ctx._memo["blast-pred"] = pred
    reach = Reach()
    seen = {start}
    queue = deque([start])
    tests = 0
    while queue:
        node = queue.popleft()
        for edge in pred.get(node, ()):
            source = edge[0]
            if source not in seen:
                seen.add(source)
                reach[source] = edge
                queue.append(source)
                tests += graph.nodes[source]["test_case"]
        if enough_tests is not None and tests >= enough_tests:
            break
    return reach


def _module_chain(paths: Reach, owner: dict[str, str], module: str) -> list | None:
    inside = sorted((len(paths.chain(n)), n) for n in paths if owner.get(n) == module)
    return paths.chain(inside[0][1]) if inside else None
