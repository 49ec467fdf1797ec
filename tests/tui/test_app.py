"""The review app driven with Textual's Pilot on the demo repository."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable, Static

from comprehend.demo import DemoRepo
from comprehend.tui.app import ReviewApp
from comprehend.tui.screens.changes import ChangesScreen
from comprehend.tui.screens.findings import FindingsScreen
from comprehend.tui.screens.graph import GraphScreen
from comprehend.tui.screens.help import HelpScreen
from comprehend.tui.screens.overview import OverviewScreen
from comprehend.tui.screens.quiz import QuizScreen
from comprehend.tui.screens.team import TeamScreen
from comprehend.workspace import open_workspace


def column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


def test_opens_on_overview_with_real_data_and_switches_all_six_screens(demo: DemoRepo) -> None:
    async def scenario() -> tuple[list, list]:
        app = ReviewApp(open_workspace(demo.path))
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert type(screen) is OverviewScreen
            assert str(screen.query_one("#summary", Static).content) == (
                "18 commits from 2026-09-01 to 2026-10-14 by 6 authors; 24 files"
            )
            authors = column(screen.query_one("#authors", DataTable), 1)
            assert authors == ["Maya Patel", "Dana Kim", "Tomas Ortega", "Tomas Ortega (aider)",
                               "copilot-swe-agent[bot]", "dependabot[bot]"]
            languages = column(screen.query_one("#languages", DataTable), 0)
            assert languages == ["Python", "Ignore List", "Markdown", "TOML", "Text", "TypeScript"]
            recent = column(screen.query_one("#recent", DataTable), 1)
            assert recent == [c.sha[:8] for c in reversed(demo.commits)][:15]

            visited = []
            for key in "234561":
                await pilot.press(key)
                visited.append((key, app.current_mode, type(app.screen)))
            await pilot.press("?")
            with_help = type(app.screen)
            await pilot.press("escape")
            after_help = type(app.screen)
            await pilot.press("?", "3")  # a screen key over the help closes it and switches
            over_help = (app.current_mode, type(app.screen))
            await pilot.press("q")
        return visited, [with_help, after_help, over_help, app.return_code]

    visited, rest = asyncio.run(scenario())
    assert visited == [
        ("2", "changes", ChangesScreen),
        ("3", "graph", GraphScreen),
        ("4", "findings", FindingsScreen),
        ("5", "quiz", QuizScreen),
        ("6", "team", TeamScreen),
        ("1", "overview", OverviewScreen),
    ]
    assert rest == [HelpScreen, OverviewScreen, ("graph", GraphScreen), 0]


def test_planned_screens_say_what_will_appear_there(demo: DemoRepo) -> None:
    async def scenario() -> dict[str, str]:
        app = ReviewApp(open_workspace(demo.path))
        notes = {}
        async with app.run_test(size=(100, 30)) as pilot:
            for key in "23456":
                await pilot.press(key)
                notes[app.current_mode] = str(app.screen.query_one(".planned-note", Static).content)
        return notes

    notes = asyncio.run(scenario())
    assert sorted(notes) == ["changes", "findings", "graph", "quiz", "team"]
    assert {text.split("\n\n")[0] for text in notes.values()} == {"Not built yet."}
    assert notes["findings"] == (
        "Not built yet.\n\nHere you will see what the adversary found in a change: mutants no "
        "test kills, tests that cannot fail, expectations rewritten in the same commit as the "
        "code they check, each with evidence you can re-run."
    )
