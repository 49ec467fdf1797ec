"""Which symbols to ask about, best first: code AI wrote (the share of its current lines
whose blame is an AI commit), that much depends on (graph rank), and that the person has
not shown they understand (FSRS recall of their card, reduced by what changed since). And
what `--about PATH|SYMBOL|REV` narrows that to."""

from __future__ import annotations

import hashlib
import marshal
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from comprehend import git
from comprehend.errors import UserError
from comprehend.git import Repository
from comprehend.quiz.context import QuizContext
from comprehend.quiz.model import Target

TARGET_KINDS = ("function", "class")
BLAMED_FILES = 40  # files blamed for the AI share: the best-ranked ones (blame is cached)
# Weights of the score; an AI-written, central symbol nobody has answered comes first.
W_AI, W_RANK, W_UNKNOWN = 2.0, 1.0, 1.5
FACTS_VERSION = 1  # of the ranks and AI shares kept in the store's quiz_facts: bump to redo them


@dataclass(frozen=True)
class About:
    """What --about named: a path, a graph symbol, or a commit range's changed symbols."""

    spec: str
    form: str  # path | symbol | rev
    paths: frozenset[str]
    symbols: frozenset[str]  # node ids (form symbol or rev)

    def covers(self, target: Target) -> bool:
        if self.form == "path":
            return target.file in self.paths
        return target.symbol in self.symbols

    def covers_bank(self, file: str | None, symbol: str | None) -> bool:
        return (file is not None and file in self.paths) or (symbol is not None and symbol in self.symbols)


def about_head(repo: Repository, spec: str | None) -> str:
    """The commit a quiz is about: the end of a commit range given to --about, else HEAD."""
    if spec and ".." in spec:
        end = spec.split("...", 1)[1] if "..." in spec else spec.split("..", 1)[1]
        return git.resolve_ref(repo, end or "HEAD", option="--about")
    return "HEAD"


def resolve_about(ctx: QuizContext, spec: str) -> About:
    graph = ctx.graph
    if ".." in spec:
        return _rev_about(ctx, spec)
    clean = spec.strip("/")
    files = {path for path, *_ in graph.files}
    if clean in files or any(p.startswith(clean + "/") for p in files):
        paths = frozenset(p for p in files if p == clean or p.startswith(clean + "/"))
        return About(spec, "path", paths, frozenset())
    from comprehend.graph.export import FocusNotFound, find_node

    try:
        node_id = find_node(graph.nodes, spec)
    except FocusNotFound:
        node_id = None
    if node_id is not None:
        inside = {n for n, d in graph.nodes.items()
                  if d["path"] == graph.nodes[node_id]["path"]
                  and graph.nodes[node_id]["start_line"] <= d["start_line"] <= graph.nodes[node_id]["end_line"]}
        if graph.nodes[node_id]["kind"] in ("module", "package"):
            return About(spec, "path", frozenset({graph.nodes[node_id]["path"]}), frozenset())
        return About(spec, "symbol", frozenset({graph.nodes[node_id]["path"]}), frozenset(inside | {node_id}))
    if git.ref_sha(ctx.repo, spec) is not None or _is_commit(ctx.repo, spec):
        return _rev_about(ctx, spec)
    raise UserError(f"--about {spec}: not a path, a symbol or a commit in {ctx.repo.root.name}; "
                    "pass a file or folder, a name such as Cart.add, or a range such as main..HEAD")


def _is_commit(repo: Repository, spec: str) -> bool:
    try:
        git.resolve_ref(repo, spec, option="--about")
    except UserError:
        return False
    return True


def _rev_about(ctx: QuizContext, spec: str) -> About:
    """The symbols whose lines a commit range (or one commit) added or changed."""
    from comprehend.adversary.diff import parse_patch

    if ".." in spec:
        sep = "..." if "..." in spec else ".."
        start_ref, end_ref = spec.split(sep, 1)
        start = git.resolve_ref(ctx.repo, start_ref or "HEAD", option="--about")
        end = git.resolve_ref(ctx.repo, end_ref or "HEAD", option="--about")
        base = git.merge_base(ctx.repo, start, end)
    else:
        end = git.resolve_ref(ctx.repo, spec, option="--about")
        parents = git.git_text(["rev-list", "--parents", "-n", "1", end], ctx.repo.root).split()
        base = parents[1] if len(parents) > 1 else git.git_text(
            ["hash-object", "-t", "tree", "/dev/null"], ctx.repo.root).strip()
    if end != ctx.head:
        raise UserError(f"--about {spec}: the range ends at {end[:12]}, not at the commit "
                        f"quizzed ({ctx.head[:12]}); check it out or pass a range ending there")
    symbols: set[str] = set()
    paths: set[str] = set()
    for changed in parse_patch(git.diff_patch(ctx.repo, base, end)):
        if changed.status == "deleted":
            continue
        for line in changed.added_lines:
            hit = ctx.graph.symbols_at(changed.path, line)
            if hit:
                paths.add(changed.path)
                symbols.update(hit)
    if not symbols:
        raise UserError(f"--about {spec}: the range changes no code comprehend can ask about; "
                        "pass a range that changes source files")
    return About(spec, "rev", frozenset(paths), frozenset(symbols))


def choose_targets(ctx: QuizContext, person: str | None, about: About | None = None,
                   now: datetime | None = None) -> list[Target]:
    """Every function and class outside tests, best first (see the module's docstring)."""
    from comprehend.quiz.schedule import memories, recall

    graph = ctx.graph
    now = now or datetime.now(UTC)
    candidates = [(node_id, n) for node_id, n in graph.nodes.items()
                  if n["kind"] in TARGET_KINDS and not n["is_test"] and n["end_line"] >= n["start_line"]]
    nodes = candidates
    if about is not None:
        nodes = [(i, n) for i, n in nodes if about.covers(_bare_target(i, n))]
    if not nodes:
        return []
    # Ranks and shares of every candidate, whatever --about chose: they are kept per commit.
    ranks = _ranks(ctx, candidates)
    top = max((ranks.get(i, 0.0) for i, _ in nodes), default=0.0) or 1.0
    shares = _ai_shares(ctx, nodes, candidates, ranks)
    cards = {}
    if ctx.store is not None and person:
        from comprehend.store.quiz import load_cards

        cards = memories(load_cards(ctx.store, person))
    scored = []
    for node_id, node in nodes:
        rank = ranks.get(node_id, 0.0) / top
        memory = cards.get(node_id)
        known = recall(memory, now, _code(ctx, node)) if memory is not None else 0.0
        share = shares.get(node_id, 0.0)
        score = W_AI * share + W_RANK * rank + W_UNKNOWN * (1.0 - known)
        target = Target(symbol=node_id, file=node["path"], start_line=node["start_line"],
                        end_line=node["end_line"], qualname=node["qualname"] or node_id,
                        kind=node["kind"], language=node["language"], ai_share=share, rank=rank)
        scored.append((-score, node_id, target))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [t for _, _, t in scored]


def _bare_target(node_id: str, node: dict) -> Target:
    return Target(node_id, node["path"], node["start_line"], node["end_line"],
                  node["qualname"] or node_id, node["kind"], node["language"])


def _code(ctx: QuizContext, node: dict) -> str:
    return "\n".join(ctx.source(node["path"]).splitlines()[node["start_line"] - 1:node["end_line"]])


def _ai_shares(ctx: QuizContext, nodes: list[tuple[str, dict]], candidates: list[tuple[str, dict]],
               ranks: dict[str, float]) -> dict[str, float]:
    """Share of each symbol's lines whose blame is an AI commit, for the candidates in the
    BLAMED_FILES best-ranked files of `nodes` (others count 0: unknown is not AI). Kept in
    the store per commit, attribution state and files blamed (see _shares_key)."""
    if ctx.store is None:
        return {}
    from comprehend.history.ledger import record_history

    history = record_history(ctx.repo, ctx.config, ctx.store, ctx.head)
    best: dict[str, float] = defaultdict(float)
    for node_id, node in nodes:
        best[node["path"]] = max(best[node["path"]], ranks.get(node_id, 0.0))
    files = sorted(best, key=lambda p: (-best[p], p))[:BLAMED_FILES]
    key = _shares_key(ctx, history, files)
    cached = _load_facts(ctx, key)
    if cached is not None:
        return cached
    shares = _shares_of(ctx, candidates, files, history)
    _save_facts(ctx, key, shares)
    return shares


def _shares_of(ctx: QuizContext, candidates: list[tuple[str, dict]], files: list[str],
               history) -> dict[str, float]:
    from comprehend.history.blame import attribute_files

    lines = attribute_files(ctx.repo, ctx.config, ctx.store, files, ctx.head, context=history)
    # AI lines up to each line of each file, so a symbol's share is one subtraction.
    prefix: dict[str, list[int]] = {}
    for path, attributed in lines.items():
        count = [0] * (max((a.line for a in attributed), default=0) + 1)
        for a in attributed:
            count[a.line] = a.cls == "ai"
        for i in range(1, len(count)):
            count[i] += count[i - 1]
        prefix[path] = count
    shares: dict[str, float] = {}
    for node_id, node in candidates:
        count = prefix.get(node["path"])
        if not count:
            continue
        start, end = node["start_line"], min(node["end_line"], len(count) - 1)
        if start <= end:
            shares[node_id] = (count[end] - count[start - 1]) / (end - start + 1)
    return shares


def _shares_key(ctx: QuizContext, history, files: list[str]) -> str:
    """What a line's class depends on besides the commit: the attribution fingerprint (the
    team's rules, the catalogue, this code's version) and the sidecar records (a new git-ai
    note changes lines without changing the commit), and which files were blamed."""
    from comprehend.history.ledger import fingerprint

    digest = hashlib.sha256(f"shares\0{FACTS_VERSION}\0{ctx.graph.key}\0{ctx.head}\0".encode())
    digest.update(fingerprint(ctx.config, history.catalogue).encode())
    digest.update(repr(sorted(history.sidecars.digests.items())).encode())
    digest.update(repr(sorted(history.shallow)).encode())
    digest.update("\0".join(files).encode())
    return digest.hexdigest()


def _ranks(ctx: QuizContext, nodes: list[tuple[str, dict]]) -> dict[str, float]:
    """PageRank of the candidate targets, to a looser tolerance than CodeGraph.rank:
    ordering targets needs the order, not eight digits (3 s to 1 s on SQLAlchemy's 13,000
    symbols). Kept in the store by graph (a warm session reads it instead)."""
    from comprehend.graph.rank import EDGE_WEIGHTS, pagerank

    key = f"ranks\0{FACTS_VERSION}\0{ctx.graph.key}" if ctx.graph.key else None
    cached = _load_facts(ctx, key) if key else None
    if cached is not None:
        return cached
    edges = ((src, dst, EDGE_WEIGHTS.get(data["kind"], 0.0)) for src, dst, data in ctx.graph.edges)
    every = pagerank(list(ctx.graph.nodes), edges, tol=1.0e-6, max_iter=20)
    ranks = {node_id: every.get(node_id, 0.0) for node_id, _ in nodes}
    if key:
        _save_facts(ctx, key, ranks)
    return ranks


def _load_facts(ctx: QuizContext, key: str) -> dict[str, float] | None:
    if ctx.store is None:
        return None
    from comprehend.store.quiz import load_quiz_facts

    data = load_quiz_facts(ctx.store, key)
    try:
        facts = marshal.loads(data) if data is not None else None
    except (EOFError, ValueError, TypeError):
        return None  # damaged or from another Python: computed again
    return facts if isinstance(facts, dict) else None


def _save_facts(ctx: QuizContext, key: str, facts: dict[str, float]) -> None:
    if ctx.store is not None:
        from comprehend.store.quiz import save_quiz_facts

        save_quiz_facts(ctx.store, key, marshal.dumps(facts))
