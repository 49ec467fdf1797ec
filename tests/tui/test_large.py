"""A generated 1,000-file repository with a cold store: while the Overview's worker blames
every file (seconds of work), the screens still switch and draw, because nothing on the UI
thread reads git or the store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from gitrepo import git
from largerepo import build_large

from comprehend.tui.app import ReviewApp
from comprehend.tui.screens.changes import ChangesScreen
from comprehend.tui.screens.findings import FindingsScreen
from comprehend.tui.screens.graph import GraphScreen
from comprehend.tui.screens.overview import OverviewScreen
from comprehend.workspace import open_workspace


@pytest.mark.slow
def test_screens_switch_while_the_overview_blames_a_thousand_files(tmp_path: Path) -> None:
    path = build_large(tmp_path / "large", commits=3000)  # a long history: blame takes a while

    async def scenario():
        app = ReviewApp(open_workspace(path))
        seen = []
        async with app.run_test(size=(120, 40)) as pilot:
            overview = app.screen
            # Wait until the Overview is blaming: its commits are shown, its lines are not.
            while overview.overview is None:
                await pilot.pause(0.05)
            blaming = [w for w in app.workers if w.name == "overview" and w.is_running]
            for key in "2341":
                await pilot.press(key)
                seen.append((type(app.screen), any(w.is_running for w in blaming)))
            written = str(overview.query_one("#written").content)
            await pilot.press("2")
            while app.screen.view is None:
                await pilot.pause(0.05)
            changes = app.screen.view
        return len(blaming), seen, written, changes  # quitting stops the blame between chunks

    blaming, seen, written, changes = asyncio.run(scenario())
    assert blaming == 1
    # Each screen was drawn while the Overview's blame was still under way.
    assert seen == [(ChangesScreen, True), (GraphScreen, True), (FindingsScreen, True),
                    (OverviewScreen, True)]
    assert written.splitlines()[1].startswith("Lines   counting…")
    claude = git(path, "log", "--format=%H", "--grep=noreply@anthropic.com").split()
    assert [(row.sha, row.tool) for row in changes.rows] == [(sha, "claude-code") for sha in claude]
