"""SVG snapshots of the review on the demo repository after `check` ran on its Claude Code
commit (pytest-textual-snapshot), each screen at 80x24 and at 160x48. The demo's
identities, dates and contents are fixed, so are its commit shas, and the app shows the
repository's folder name (always shopcart here), never its temporary path. After a
deliberate change to a screen: pytest tests/tui --snapshot-update, then look at the SVGs."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from comprehend.tui.app import ReviewApp
from comprehend.workspace import open_workspace

SIZES = {"small": (80, 24), "large": (160, 48)}
# Keys from the Overview to each view; every key is followed by the work it starts.
VIEWS = {
    "overview": (),
    "changes": ("2",),
    "change": ("2", "down", "enter"),  # the Claude Code commit, second newest
    "graph": ("3", "down", "down", "down", "down", "down", "enter", "down", "down", "down"),
    "findings": ("4",),
    "finding": ("4", "enter"),
    "help": ("2", "question_mark"),
}


def keys_then_settle(keys: tuple[str, ...]):
    async def run_before(pilot: Pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("view", list(VIEWS))
def test_view(snap_compare, checked_demo, view: str, size: str) -> None:
    app = ReviewApp(open_workspace(checked_demo.path))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=keys_then_settle(VIEWS[view]))
