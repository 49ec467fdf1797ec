"""What the review's Changes screen shows: the AI-authored commits on every local branch
(the branch they were reached through, the paths they touched, the latest check on each),
the branches with their AI commits and latest verdict, and one change opened: its diff
with the lines AI wrote marked and the adversary's findings placed at their lines."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from comprehend.adversary.ask import RUN_KIND as CRITIC_RUN_KIND
from comprehend.git import BranchCommit, branch_commits, commit_patch, local_branches
from comprehend.history.ledger import record_history
from comprehend.store.connection import Store
from comprehend.store.history import commit_classes
from comprehend.store.runs import latest_runs_for, run_findings
from comprehend.views.filters import Query
from comprehend.views.findings import FindingRow, finding_row

FILTER_KEYS = ("tool", "author", "path", "branch", "subject", "sha")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass(frozen=True)
class ChangeRow:
    sha: str
    subject: str
    author: str
    email: str
    date: str  # ISO 8601 with the author's offset
    tool: str | None
    branch: str
    files: tuple[str, ...]
    verdict: str | None  # the latest check on this commit: pass | fail, None: never checked
    run: int | None

    def columns(self) -> dict[str, str]:
        return {"tool": self.tool or "", "author": f"{self.author} {self.email}",
                "path": "\n".join(self.files), "branch": self.branch, "subject": self.subject,
                "sha": self.sha, "date": self.date}

    def text(self) -> str:
        return "\n".join(self.columns().values())

    def matches(self, query: Query) -> bool:
        return query.matches(self.columns(), self.text())


@dataclass(frozen=True)
class BranchRow:
    name: str
    tip: str
    ai_commits: int  # AI commits reached first through this branch
    verdict: str | None  # the latest check whose head is the tip
    run: int | None


@dataclass(frozen=True)
class ChangesView:
    rows: tuple[ChangeRow, ...]  # newest first
    branches: tuple[BranchRow, ...]
    commits: int  # all commits walked, AI or not

    def filtered(self, query: Query) -> tuple[ChangeRow, ...]:
        return tuple(row for row in self.rows if row.matches(query))


def load_changes(workspace, store: Store) -> ChangesView:
    repo = workspace.repo
    branches = local_branches(repo)
    for tip in dict.fromkeys([repo.head, *(tip for _name, tip in branches)]):
        record_history(repo, workspace.config, store, tip)
    known = commit_classes(store)
    ai: list[BranchCommit] = []
    count = 0
    for commit in branch_commits(repo):
        count += 1
        found = known.get(commit.sha)
        if found is not None and found.cls == "ai":
            ai.append(commit)
    runs = latest_runs_for(store, [c.sha for c in ai] + [tip for _name, tip in branches])
    rows = tuple(
        ChangeRow(c.sha, c.subject, c.author_name, c.author_email, c.authored_at,
                  known[c.sha].tool, c.branch, c.files,
                  runs[c.sha]["verdict"] if c.sha in runs else None,
                  runs[c.sha]["id"] if c.sha in runs else None)
        for c in ai
    )
    per_branch = Counter(c.branch for c in ai)
    branch_rows = tuple(
        BranchRow(name, tip, per_branch[name], runs[tip]["verdict"] if tip in runs else None,
                  runs[tip]["id"] if tip in runs else None)
        for name, tip in branches
    )
    return ChangesView(rows, branch_rows, count)


# --- One change opened --------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # file | hunk | add | delete | context | meta
    text: str
    file: str | None  # the path on the new side
    line: int | None  # line number on the new side (add, context)
    ai: bool  # written by AI: an added line of an AI commit
    findings: tuple[int, ...] = ()  # indices into ChangeDetail.findings anchored after it


@dataclass(frozen=True)
class CriticRun:
    """The latest time the critic was asked about this commit from the review (`c`)."""

    run: int
    verdict: str  # pass | fail | error | cancelled
    model: str
    tokens: int
    cost_usd: float
    requests: int  # calls that left the machine (0: every answer came from the cache)
    confirmed: int
    claims: int
    stopped: str | None

    def text(self) -> str:
        spent = f"{self.tokens:,} tokens, ${self.cost_usd:.4f}" + (
            "" if self.requests else " (answer from the cache)")
        if self.stopped:
            return f"critic ({self.model}, run {self.run}): {self.verdict}: {self.stopped} · {spent}"
        return (f"critic ({self.model}, run {self.run}): {self.verdict.upper()}, "
                f"{self.confirmed} of {self.claims} claim(s) confirmed by a failing test · {spent}")


@dataclass(frozen=True)
class ChangeDetail:
    row: ChangeRow
    lines: tuple[DiffLine, ...]
    # of the latest check on this commit, then of the latest critic asked about it
    findings: tuple[FindingRow, ...]
    unplaced: tuple[int, ...]  # findings whose line is not in the diff (shown at the end)
    check_command: str  # the command that checks this change from a shell
    critic: CriticRun | None = None


def check_command(row: ChangeRow) -> str:
    return f"comprehend check --base {row.sha[:12]}^ --head {row.sha[:12]}"


def load_change_detail(workspace, store: Store, row: ChangeRow) -> ChangeDetail:
    patch = commit_patch(workspace.repo, row.sha).decode("utf-8", "replace")
    findings: tuple[FindingRow, ...] = ()
    if row.run is not None:
        findings = tuple(finding_row(f, run=row.run, head=row.sha)
                         for f in run_findings(store, row.run))
    critic = latest_critic(store, row.sha)
    if critic is not None:
        findings += tuple(finding_row(f, run=critic.run, head=row.sha)
                          for f in run_findings(store, critic.run))
    anchors: dict[tuple[str, int], list[int]] = {}
    for index, f in enumerate(findings):
        anchors.setdefault((f.file, f.start_line), []).append(index)
    lines: list[DiffLine] = []
    placed: set[int] = set()
    path: str | None = None
    new_line = 0
    for text in patch.splitlines():
        if text.startswith("diff --git "):
            path = text.split(" b/", 1)[-1]
            lines.append(DiffLine("file", text, path, None, False))
        elif text.startswith("+++ "):
            path = text[6:] if text.startswith("+++ b/") else path
        elif text.startswith(("--- ", "index ", "new file", "deleted file", "similarity", "rename ", "old mode", "new mode")):
            continue
        elif (hunk := _HUNK.match(text)) is not None:
            new_line = int(hunk.group(1))
            lines.append(DiffLine("hunk", text, path, None, False))
        elif text.startswith("+"):
            here = tuple(i for i in anchors.get((path or "", new_line), ()) if i not in placed)
            placed.update(here)
            lines.append(DiffLine("add", text, path, new_line, True, here))
            new_line += 1
        elif text.startswith("-"):
            lines.append(DiffLine("delete", text, path, None, False))
        elif text.startswith(" "):
            here = tuple(i for i in anchors.get((path or "", new_line), ()) if i not in placed)
            placed.update(here)
            lines.append(DiffLine("context", text, path, new_line, False, here))
            new_line += 1
        else:
            lines.append(DiffLine("meta", text, path, None, False))
    unplaced = tuple(i for i in range(len(findings)) if i not in placed)
    return ChangeDetail(row, tuple(lines), findings, unplaced, check_command(row), critic)


def latest_critic(store: Store, sha: str) -> CriticRun | None:
    run = latest_runs_for(store, [sha], kind=CRITIC_RUN_KIND).get(sha)
    if run is None:
        return None
    llm = run["summary"].get("llm") or {}
    return CriticRun(run["id"], run["verdict"], llm.get("model") or "?", int(llm.get("tokens") or 0),
                     float(llm.get("cost_usd") or 0.0), int(llm.get("requests") or 0),
                     int(llm.get("confirmed") or 0), int(llm.get("claims") or 0),
                     llm.get("stopped"))


def refreshed(store: Store, row: ChangeRow) -> ChangeRow:
    """The row with the latest check on its commit (after a check ran)."""
    run = latest_runs_for(store, [row.sha]).get(row.sha)
    return row if run is None else replace(row, verdict=run["verdict"], run=run["id"])
