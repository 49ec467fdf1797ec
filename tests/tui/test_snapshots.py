"""SVG snapshots of the review on the demo repository (pytest-textual-snapshot). The demo's
identities, dates and contents are fixed, so are its commit shas, and the app shows the
repository's folder name (always shopcart here), never its temporary path. After a
deliberate change to a screen: pytest tests/tui --snapshot-update, then look at the SVGs."""

from __future__ import annotations

from textual.pilot import Pilot

from comprehend.demo import DemoRepo
from comprehend.tui.app import ReviewApp
from comprehend.workspace import open_workspace


async def overview_loaded(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_overview(snap_compare, demo: DemoRepo) -> None:
    app = ReviewApp(open_workspace(demo.path))
    assert snap_compare(app, terminal_size=(100, 30), run_before=overview_loaded)


def test_overview_in_a_small_terminal(snap_compare, demo: DemoRepo) -> None:
    app = ReviewApp(open_workspace(demo.path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=overview_loaded)


def test_changes_screen(snap_compare, demo: DemoRepo) -> None:
    app = ReviewApp(open_workspace(demo.path))
    assert snap_compare(app, press=["2"], terminal_size=(100, 30), run_before=overview_loaded)


def test_help(snap_compare, demo: DemoRepo) -> None:
    app = ReviewApp(open_workspace(demo.path))
    assert snap_compare(app, press=["question_mark"], terminal_size=(100, 30),
                        run_before=overview_loaded)
