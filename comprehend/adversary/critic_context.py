"""The critic's separate context: what it may see of a change, and nothing else.

The diff hunks with the functions enclosing them (docstrings included), then from the code
graph the tests that reach the changed code, its callers and its callees, each ranked; inside
a token budget the lowest-ranked items are dropped first. Never the author's conversation,
never a commit message as an instruction: files such as AGENTS.md or CLAUDE.md that the
change touches are hunks like any other, and every item reaches the model as fenced data.
Every text is redacted (outbound.py) before it is counted, hashed or sent; deny-listed files
are left out whole."""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from comprehend import git
from comprehend.adversary.changes import Sources
from comprehend.adversary.diff import Change, ChangedFile, Hunk
from comprehend.adversary.outbound import Outbound
from comprehend.git import Repository
from comprehend.llm import estimate_tokens

# Ranks: lower is kept first.
RANK = {"hunk": 0, "function": 0, "test": 1, "caller": 2, "callee": 3}
MAX_FUNCTION_LINES = 160  # longer enclosing functions are cut to a window around the change
NEIGHBOURS_PER_KIND = 6


@dataclass(frozen=True)
class ContextItem:
    kind: str  # hunk | function | test | caller | callee
    path: str
    start: int  # first line shown (1-based), 0 for a hunk of a deleted file
    end: int
    text: str  # redacted
    rank: int


@dataclass(frozen=True)
class CriticContext:
    items: tuple[ContextItem, ...]
    dropped: tuple[str, ...]  # "kind path:start-end" of items left out for the budget
    denied: tuple[str, ...]  # deny-listed files never sent
    redactions: int
    tokens: int  # estimated tokens of the items sent
    changed_lines: int  # added + removed lines in the change shown

    def input_hash(self) -> str:
        """What the answer depends on: the items, without the per-run nonce."""
        data = json.dumps([(i.kind, i.path, i.start, i.end, i.text) for i in self.items])
        return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def build_context(repo: Repository, change: Change, sources: Sources, graph: Any | None,
                  outbound: Outbound, token_budget: int) -> CriticContext:
    candidates: list[ContextItem] = []
    denied: list[str] = []
    changed = 0
    seeds: list[str] = []  # graph nodes of the changed code
    for f in change.files:
        if f.binary or not (f.added_lines or f.removed_lines):
            continue
        if outbound.denied(f.path) or (f.old_path and outbound.denied(f.old_path)):
            denied.append(f.path)
            continue
        changed += len(f.added_lines) + len(f.removed_lines)
        new_text = sources.new_text(f)
        functions = _enclosing(f, new_text) if new_text is not None else []
        for hunk in f.hunks:
            # a hunk that only adds lines a function below shows (marked +) adds nothing
            if not hunk.removed and all(any(i.start <= n <= i.end for i in functions)
                                        for n, t in hunk.added if t.strip()):
                continue
            if hunk.added or hunk.removed:
                candidates.append(_item("hunk", f.path, hunk.new_start,
                                        hunk.new_start + max(hunk.new_lines, 1) - 1,
                                        _render_hunk(hunk)))
        candidates += functions
        if graph is not None:
            for line in sorted(f.added_lines):
                seeds += graph.symbols_at(f.path, line)[:1]
    if graph is not None and seeds:
        candidates += _neighbours(repo, change, graph, list(dict.fromkeys(seeds)), outbound,
                                  {c.path for c in candidates})
    return _fit(candidates, outbound, token_budget, tuple(denied), changed)


def _item(kind: str, path: str, start: int, end: int, text: str) -> ContextItem:
    return ContextItem(kind, path, start, end, text, RANK[kind])


def _render_hunk(hunk: Hunk) -> str:
    head = f"@@ -{hunk.old_start},{hunk.old_lines} +{hunk.new_start},{hunk.new_lines} @@"
    lines = [head] + [f"-{t}" for _, t in hunk.removed] + [f"+{t}" for _, t in hunk.added]
    return "\n".join(lines)


def _numbered(lines: list[str], start: int, added: frozenset[int] = frozenset()) -> str:
    """Lines with their numbers; those the change added marked with +."""
    return "\n".join(f"{start + i:>5} {'+' if start + i in added else ' '}| {t}"
                     for i, t in enumerate(lines))


def _enclosing(f: ChangedFile, text: str) -> list[ContextItem]:
    """The smallest function or class around each changed line (Python), else a window."""
    lines = text.splitlines()
    # blank lines added between definitions belong to no function
    changed = [n for n in sorted(f.added_lines) if n <= len(lines) and lines[n - 1].strip()]
    spans: list[tuple[int, int]] = []
    if f.path.endswith((".py", ".pyi")):
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None
        defs = [] if tree is None else [
            (n.lineno - len(n.decorator_list), n.end_lineno or n.lineno)
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
        for line in changed:
            around = [d for d in defs if d[0] <= line <= d[1]]
            spans.append(min(around, key=lambda d: d[1] - d[0]) if around
                         else (max(1, line - 5), min(len(lines), line + 5)))
    else:
        spans = [(max(1, n - 10), min(len(lines), n + 10)) for n in changed]
    items = []
    for start, end in _merge(spans):
        if end - start + 1 > MAX_FUNCTION_LINES:
            middle = min(n for n in changed if start <= n <= end)
            start = max(start, middle - MAX_FUNCTION_LINES // 2)
            end = min(end, start + MAX_FUNCTION_LINES - 1)
        items.append(_item("function", f.path, start, end,
                           _numbered(lines[start - 1:end], start, f.added_lines)))
    return items


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    # an outer span swallows the inner ones it contains
    return [s for s in merged if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in merged)]


def _neighbours(repo: Repository, change: Change, graph: Any, seeds: list[str],
                outbound: Outbound, shown: set[str]) -> list[ContextItem]:
    wanted: list[tuple[str, str]] = []
    tests = sorted(graph.tests_of(seeds))
    callers = sorted({c for s in seeds for c in graph.callers(s)} - set(tests) - set(seeds))
    callees = sorted({c for s in seeds for c in graph.callees(s)} - set(seeds))
    for kind, ids in (("test", tests), ("caller", callers), ("callee", callees)):
        wanted += [(kind, i) for i in ids[:NEIGHBOURS_PER_KIND]]
    nodes = [(kind, graph.nodes[i]) for kind, i in wanted
             if graph.nodes[i].get("path") and graph.nodes[i].get("start_line")
             and graph.nodes[i]["kind"] in ("function", "class")]
    paths = sorted({n["path"] for _, n in nodes if not outbound.denied(n["path"])})
    texts = _read_texts(repo, change.head, paths)
    items = []
    for kind, node in nodes:
        text = texts.get(node["path"])
        if text is None:
            continue
        lines = text.splitlines()
        start, end = node["start_line"], min(node["end_line"], node["start_line"] + 80)
        items.append(_item(kind, node["path"], start, end, _numbered(lines[start - 1:end], start)))
    return items


def _read_texts(repo: Repository, rev: str | None, paths: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if rev is None:
        for p in paths:
            try:
                out[p] = (repo.root / p).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
        return out
    blobs = git.read_blobs(repo, [f"{rev}:{p}" for p in paths if "\n" not in p])
    for spec, data in blobs.items():
        try:
            out[spec.split(":", 1)[1]] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return out


def _fit(candidates: list[ContextItem], outbound: Outbound, budget: int,
         denied: tuple[str, ...], changed: int) -> CriticContext:
    """Redact, drop duplicates, then keep items by rank (and order) while the budget lasts."""
    seen: set[tuple[str, int, int]] = set()
    redacted: list[tuple[ContextItem, int]] = []
    shown = [(c.path, c.start, c.end) for c in candidates if c.kind == "function"]
    for item in candidates:
        if item.rank > 0 and any(p == item.path and s <= item.start and item.end <= e
                                 for p, s, e in shown):
            continue  # already inside a changed function shown whole
        key = (item.path, item.start, item.end) if item.kind != "hunk" else (
            f"hunk:{item.path}", item.start, item.end)
        if key in seen:
            continue
        seen.add(key)
        text, count = outbound.redact(item.text)
        redacted.append((ContextItem(item.kind, item.path, item.start, item.end, text, item.rank),
                         count))
    order = sorted(range(len(redacted)), key=lambda i: (redacted[i][0].rank, i))
    kept: set[int] = set()
    used = 0
    for i in order:
        cost = estimate_tokens(redacted[i][0].text) + 20  # the block's fence
        if used + cost > budget and kept:
            break  # strictly by rank: nothing lower-ranked gets in past what did not fit
        kept.add(i)
        used += cost
    items = tuple(redacted[i][0] for i in sorted(kept))
    dropped = tuple(f"{r.kind} {r.path}:{r.start}-{r.end}"
                    for i, (r, _) in enumerate(redacted) if i not in kept)
    return CriticContext(items, dropped, denied, sum(c for i, (_, c) in enumerate(redacted)
                                                     if i in kept), used, changed)
