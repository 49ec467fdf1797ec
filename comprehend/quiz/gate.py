"""The comprehension gate (`comprehend check --require-quiz`): a `not-understood` finding for
each symbol an AI commit of the change wrote or changed that no current member has
answered a question about correctly since that change. The team decides in config whether
"nobody here understands this" blocks a merge ([adversary] severity, default medium)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.adversary.rules import rule_finding
from comprehend.adversary.scope import ai_scope
from comprehend.config import Config
from comprehend.git import Repository
from comprehend.graph.build import build_graph
from comprehend.history.attribution import commit_from_row
from comprehend.history.blame import attribute_files
from comprehend.quiz.sync import pull_answers
from comprehend.quiz.teamfacts import normalize, symbol_lines
from comprehend.store.history import load_commits
from comprehend.store.quiz import load_answers

RULE = "not-understood"
Gate = Callable[[Change], tuple[list[Finding], list[str]]]


def quiz_gate(repo: Repository, config: Config, store) -> Gate:
    def run(change: Change) -> tuple[list[Finding], list[str]]:
        if change.head is None:
            return [], ["--require-quiz: a working-tree change has no author yet, so no "
                        "comprehension was required"]
        new, why = pull_answers(repo, store)
        notes = [f"--require-quiz: read the team's shared answers ({new} new)" if why is None
                 else f"--require-quiz: shared answers not read ({why}); only this store's count"]
        scope = ai_scope(repo, config, store, change)
        if not any(scope.lines.values()):
            return [], [*notes, "--require-quiz: no line of the change was written by AI"]
        graph = build_graph(repo, config, store, rev=change.head)
        owners = symbol_lines(graph)
        paths = sorted(p for p, lines in scope.lines.items() if lines and p in owners)
        attributed = attribute_files(repo, config, store, paths, change.head) if paths else {}
        commit_of = {(p, a.line): a.commit for p in paths for a in attributed[p]}
        commits = {sha: commit_from_row(row) for sha, row in
                   load_commits(store, set(commit_of.values())).items()}
        changed: dict[str, dict] = {}
        for path in paths:
            for line in sorted(scope.lines[path]):
                symbol = owners[path].get(line)
                commit = commits.get(commit_of.get((path, line), ""))
                # Definitions only: a blank line or an import between them is no symbol to
                # understand.
                if symbol is None or commit is None or \
                        graph.nodes[symbol]["kind"] in ("module", "package"):
                    continue
                entry = changed.setdefault(symbol, {"path": path, "line": line, "at": 0, "shas": set()})
                entry["at"] = max(entry["at"], commit.committed_at)
                entry["shas"].add(commit.sha)
        former = {normalize(m) for m in config.team.former}
        members = {normalize(m) for m in config.team.members} - former
        understood: dict[str, float] = {}
        for a in load_answers(store):
            person = normalize(a["person"])
            if a["correct"] and a["symbol"] and person not in former and (not members or person in members):
                when = datetime.fromisoformat(a["answered_at"]).astimezone(UTC).timestamp()
                understood[a["symbol"]] = max(understood.get(a["symbol"], 0.0), when)
        findings = []
        for symbol, entry in sorted(changed.items()):
            if understood.get(symbol, -1.0) >= entry["at"]:
                continue
            node = graph.nodes.get(symbol, {})
            name = node.get("qualname") or symbol
            since = datetime.fromtimestamp(entry["at"], UTC).date().isoformat()
            findings.append(rule_finding(
                RULE, confidence=1.0, file=entry["path"], line=entry["line"],
                title=f"nobody on the team has answered about {name} since AI changed it ({since})",
                evidence={"symbol": symbol, "changed_at": since,
                          "commits": sorted(s[:12] for s in entry["shas"]),
                          "ask": f"comprehend quiz --about {symbol}",
                          "why": "AI wrote or changed it and no current member has shown they "
                                 "understand it; take the quiz, then sync the answers"},
            ).with_fingerprint(f"{symbol}:{max(entry['shas'])}"))
        return findings, notes

    return run
