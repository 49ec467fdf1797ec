"""The Overview's answer to "what here did AI write": commits by class and tool, authors
marked by what they are, and the AI share of current lines (history/share.py), on the demo
repository (whose truth is known) and on small repositories built for one case."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gitrepo import GitRepo

from comprehend.demo import DemoRepo
from comprehend.history.share import LineShare, PendingShare, line_share
from comprehend.history.summary import summarize
from comprehend.store.share import cached_counts
from comprehend.views.overview import (
    AuthorCount,
    ClassCount,
    Overview,
    author_label,
    commits_text,
    load_overview,
    share_text,
)
from comprehend.workspace import Workspace, open_workspace

DEMO_SHARE = LineShare(
    files=24,
    by_class=(("ai", 168), ("bot", 1), ("human", 384), ("unknown", 0)),
    by_tool=(("aider", 66), ("claude-code", 43), ("cursor", 39), ("copilot-agent", 20)),
)


def demo_workspace(demo: DemoRepo, tmp_path: Path, workers: int = 0) -> Workspace:
    """The shared demo with a store of this test's own, so every test starts cold."""
    ws = open_workspace(demo.path, db=tmp_path / "c.db")
    if workers:
        ws = replace(ws, config=replace(ws.config, attribution=replace(ws.config.attribution, workers=workers)))
    return ws


def test_commits_by_class_and_tool_on_the_demo(demo: DemoRepo, tmp_path: Path) -> None:
    ws = demo_workspace(demo, tmp_path)
    with ws.open_store() as store:
        ov = load_overview(ws, store)
    assert ov.classes == (
        ClassCount("ai", 4, (("aider", 1), ("claude-code", 1), ("copilot-agent", 1), ("cursor", 1))),
        ClassCount("bot", 1, (("dependabot", 1),)),
        ClassCount("human", 13, ()),
        ClassCount("unknown", 0, ()),
    )
    assert commits_text(ov) == "ai 4: aider, claude-code, copilot-agent, cursor; bot 1: dependabot; human 13"
    # Every recent commit shows the class and tool the demo was built with.
    newest = list(reversed(demo.commits))[:15]
    assert [(c.sha, c.cls, c.tool) for c in ov.recent] == [(c.sha, c.origin, c.tool) for c in newest]


def test_authors_are_marked_by_what_they_are(demo: DemoRepo, tmp_path: Path) -> None:
    ws = demo_workspace(demo, tmp_path)
    with ws.open_store() as store:
        ov = load_overview(ws, store)
    assert [(a.name, a.classes, a.tools, a.kind, author_label(a)) for a in ov.authors] == [
        ("Maya Patel", (("human", 5), ("ai", 1)), ("cursor",), "person", "human 5, ai 1"),
        ("Dana Kim", (("human", 4), ("ai", 1)), ("claude-code",), "person", "human 4, ai 1"),
        ("Tomas Ortega", (("human", 4),), (), "person", "human"),
        ("Tomas Ortega (aider)", (("ai", 1),), ("aider",), "ai", "ai aider"),
        ("copilot-swe-agent[bot]", (("ai", 1),), ("copilot-agent",), "ai", "ai copilot-agent"),
        ("dependabot[bot]", (("bot", 1),), ("dependabot",), "bot", "bot dependabot"),
    ]


def test_line_share_is_the_one_scan_reports(demo: DemoRepo, tmp_path: Path) -> None:
    ws = demo_workspace(demo, tmp_path)
    with ws.open_store() as store:
        share = line_share(ws, store, demo.head)
        scanned = summarize(ws, store, rev=demo.head)["ai_share"]
    assert share == DEMO_SHARE
    assert (share.lines, share.share, dict(share.by_class)) == (
        scanned["lines"], scanned["share"], scanned["by_class"])
    assert dict(share.by_tool) == {t: n for t, n in scanned["by_tool"].items() if t != "dependabot"}
    assert share_text(share) == (
        "at least 30.4% AI, 168 of 553: aider 66, claude-code 43, cursor 39, copilot-agent 20")


def test_the_budget_bounds_the_blaming_and_cached_lines_need_none(demo: DemoRepo, tmp_path: Path) -> None:
    ws = demo_workspace(demo, tmp_path)
    with ws.open_store() as store:
        # Cold: 24 files, each blamed over the 18 commits of the history.
        assert line_share(ws, store, demo.head, budget=431) == PendingShare(files=24, walks=432)
        assert cached_counts(store, demo.head) == []
        assert line_share(ws, store, demo.head, budget=432) == DEMO_SHARE
        # Now every file is cached for HEAD: no blame, whatever the budget.
        assert line_share(ws, store, demo.head, budget=0) == DEMO_SHARE


def test_files_cached_at_an_ancestor_cost_only_the_commits_since(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("a.py", "x = 1\n")
    repo.write("b.py", "y = 2\n")
    repo.commit("Add a and b")
    ws = open_workspace(repo.path, db=tmp_path / "c.db")
    with ws.open_store() as store:
        assert line_share(ws, store, ws.repo.head) == LineShare(
            files=3, by_class=(("ai", 0), ("bot", 0), ("human", 3), ("unknown", 0)), by_tool=())
    repo.write("a.py", "x = 1\nz = 3\n")
    repo.commit("Extend a", author="Claude", email="noreply@anthropic.com")
    ws = open_workspace(repo.path, db=tmp_path / "c.db")
    with ws.open_store() as store:
        # Three files cached one commit back: one commit each to carry them forward.
        assert line_share(ws, store, ws.repo.head, budget=2) == PendingShare(files=3, walks=3)
        warm = line_share(ws, store, ws.repo.head, budget=3)
    cold_ws = open_workspace(repo.path, db=tmp_path / "cold.db")
    with cold_ws.open_store() as store:
        cold = line_share(cold_ws, store, cold_ws.repo.head)
    assert warm == cold == LineShare(
        files=3, by_class=(("ai", 1), ("bot", 0), ("human", 3), ("unknown", 0)),
        by_tool=(("claude-code", 1),))


def test_a_stopped_share_keeps_the_chunks_it_finished(demo: DemoRepo, tmp_path: Path) -> None:
    ws = demo_workspace(demo, tmp_path, workers=1)  # chunks of four files
    progress: list[tuple[int, int]] = []
    with ws.open_store() as store:
        stopped = line_share(ws, store, demo.head, progress=lambda done, total: progress.append((done, total)),
                             stopped=lambda: len(progress) == 4)
        kept = {row.file for row in cached_counts(store, demo.head)}
        resumed = line_share(ws, store, demo.head, budget=(24 - 4) * 18)
    assert stopped is None
    assert progress == [(1, 24), (2, 24), (3, 24), (4, 24)]
    assert len(kept) == 4
    assert resumed == DEMO_SHARE


def overview_with(classes: tuple[ClassCount, ...]) -> Overview:
    return Overview(root=Path("/r"), branch="main", head="0" * 40, commits=sum(c.commits for c in classes),
                    first_date="2026-01-01", last_date="2026-01-02", classes=classes, authors=(),
                    files=0, languages=(), recent=())


def test_commit_counts_name_tools_with_their_counts_once_any_repeats() -> None:
    ov = overview_with((
        ClassCount("ai", 1205, (("claude-code", 1000), ("aider", 200))),
        ClassCount("bot", 2, (("renovate", 1), ("dependabot", 1))),
        ClassCount("human", 0, ()),
        ClassCount("unknown", 3, ()),
    ))
    assert commits_text(ov) == (
        "ai 1,205: claude-code 1,000, aider 200, unnamed 5; bot 2: renovate, dependabot; unknown 3")


def test_share_text_when_pending_empty_or_partly_unknown() -> None:
    assert share_text(PendingShare(files=300, walks=600_000)) == (
        "not counted yet (300 files to blame); `comprehend scan` counts and caches it, "
        "and so does the review in a terminal")
    assert share_text(LineShare(files=1, by_class=(("ai", 0), ("bot", 0), ("human", 0), ("unknown", 0)),
                                by_tool=())) == "no text lines to count"
    assert share_text(LineShare(files=9, by_class=(("ai", 1), ("bot", 0), ("human", 2), ("unknown", 1997)),
                                by_tool=())) == "at least 0.1% AI, 1 of 2,000; 1,997 of unknown origin"


def test_an_author_with_every_commit_by_agents_is_one() -> None:
    agent = AuthorCount("Claude", "noreply@anthropic.com", 3, (("ai", 3),), ("claude-code", "cursor"))
    mixed = AuthorCount("Ana", "ana@example.com", 4, (("ai", 3), ("human", 1)), ("claude-code",))
    assert (agent.kind, author_label(agent)) == ("ai", "ai claude-code, cursor")
    assert (mixed.kind, author_label(mixed)) == ("person", "ai 3, human 1")
