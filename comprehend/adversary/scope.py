"""Which part of a change the adversary concentrates on: lines AI wrote.

A line is in scope when it was added by the change and `git blame` at head attributes it to
an AI commit, and a file is in scope when an AI commit in base..head touched it (so what an
AI commit deleted, which blame cannot see, is in scope too). `--all-authors` puts
everything in scope. A working-tree change has no commits, so no author yet: all of it is
in scope, and the run says so."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from comprehend import git
from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.config import Config
from comprehend.git import Repository


@dataclass(frozen=True)
class Scope:
    everything: bool
    description: str  # one line for the run's notes
    files: frozenset[str] = frozenset()
    lines: dict[str, frozenset[int]] = field(default_factory=dict)
    ai_commits: tuple[str, ...] = ()

    def covers(self, finding: Finding) -> bool:
        if self.everything:
            return True
        if finding.file not in self.files:
            return False
        if finding.evidence.get("side") == "removed":
            return True
        lines = self.lines.get(finding.file, frozenset())
        return any(n in lines for n in range(finding.start_line, finding.end_line + 1))

    def narrow(self, change: Change) -> Change:
        """The change restricted to in-scope files and added lines (what mutation attacks)."""
        if self.everything:
            return change
        files = []
        for f in change.files:
            if f.path not in self.files:
                continue
            keep = self.lines.get(f.path, frozenset())
            hunks = tuple(dataclasses.replace(h, added=tuple(a for a in h.added if a[0] in keep))
                          for h in f.hunks)
            files.append(dataclasses.replace(f, hunks=tuple(h for h in hunks if h.added or h.removed)))
        return dataclasses.replace(change, files=tuple(files))


def everything(description: str) -> Scope:
    return Scope(everything=True, description=description)


def ai_scope(repo: Repository, config: Config, store: Any, change: Change) -> Scope:
    """The AI-written part of a committed change, from the attribution engine."""
    try:
        from comprehend.history.attribution import classify_commits
        from comprehend.history.blame import attribute_files
    except ImportError:
        return everything("AI attribution is not available in this build: every author's "
                          "changes were reviewed")
    assert change.head is not None
    commits = classify_commits(repo, config, f"{change.base}..{change.head}")
    ai = [c for c in commits if c.cls == "ai"]
    if not ai:
        return Scope(everything=False, files=frozenset(), lines={},
                     description=f"no AI-authored commit among the {len(commits)} in range: "
                                 "nothing in scope (pass --all-authors to review every author)")
    touched = git.commits_with_files(repo, change.base, change.head)
    ai_shas = {c.sha for c in ai}
    files = frozenset(p for sha, paths in touched.items() if sha in ai_shas for p in paths)
    blamed = [f for f in change.files
              if f.path in files and f.status != "deleted" and not f.binary and f.added_lines]
    attributed = attribute_files(repo, config, store, [f.path for f in blamed], change.head) if blamed else {}
    lines = {f.path: frozenset(a.line for a in attributed[f.path] if a.cls == "ai") & f.added_lines
             for f in blamed}
    tools = sorted({c.tool for c in ai if c.tool})
    who = f" ({', '.join(tools)})" if tools else ""
    return Scope(everything=False, files=files, lines=lines,
                 ai_commits=tuple(c.sha for c in ai),
                 description=f"AI-authored changes only: {len(ai)} of {len(commits)} commits{who}, "
                             f"{sum(len(v) for v in lines.values())} added lines in "
                             f"{len(files)} files (pass --all-authors to review every author)")

