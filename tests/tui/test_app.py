"""The review app driven with Textual's Pilot on the demo repository."""

from __future__ import annotations

import asyncio
import sqlite3

from textual.widgets import DataTable, Static

from comprehend.demo import DemoRepo
from comprehend.store.schema import SCHEMA_VERSION
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
            assert str(screen.query_one("#written", Static).content) == (
                "Commits ai 4: aider, claude-code, copilot-agent, cursor; bot 1: dependabot; human 13\n"
                "Lines   at least 30.4% AI, 168 of 553: aider 66, claude-code 43, cursor 39, copilot-agent 20"
            )
            authors = screen.query_one("#authors", DataTable)
            assert authors.border_title == "Authors: 3 people, 2 AI agents, 1 bot"
            assert list(zip(column(authors, 1), column(authors, 2), strict=True)) == [
                ("human 5, ai 1", "Maya Patel"), ("human 4, ai 1", "Dana Kim"),
                ("human", "Tomas Ortega"), ("ai aider", "Tomas Ortega (aider)"),
                ("ai copilot-agent", "copilot-swe-agent[bot]"), ("bot dependabot", "dependabot[bot]"),
            ]
            # Nobody has answered a quiz here: one line on how to start, no sparkline, and
            # the risk score without the understanding factor.
            assert str(screen.query_one("#debt-text", Static).content) == (
                "no quiz answers yet: `comprehend quiz` (or key 5 here) asks the first questions")
            assert screen.query_one("#debt-trend").display is False
            risks = screen.query_one("#risks", DataTable)
            assert [str(c.label) for c in risks.columns.values()] == ["Module", "Risk", "Rank", "AI", "Untested"]
            assert risks.border_subtitle == "rank x AI share x untested"
            languages = column(screen.query_one("#languages", DataTable), 0)
            assert languages == ["Python", "Ignore List", "Markdown", "TOML", "Text", "TypeScript"]
            recent = screen.query_one("#recent", DataTable)
            newest = list(reversed(demo.commits))[:15]
            assert column(recent, 1) == [c.sha[:8] for c in newest]
            # The class each commit shows is the truth the demo was built with.
            assert column(recent, 2) == [f"{c.origin} {c.tool}" if c.tool else c.origin for c in newest]

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


def test_team_screen_shows_the_debt_the_heat_map_and_quizzes_a_module(demo: DemoRepo, tmp_path) -> None:
    from comprehend.config import LlmConfig
    from comprehend.llm import LlmClient
    from comprehend.store.runs import RunRecord, record_run
    from comprehend.views.team import load_team

    workspace = open_workspace(demo.path, db=tmp_path / "s.db")
    # one model call, answered by litellm's own test double: the spend line appears
    client = LlmClient(LlmConfig(cost_per_1k_tokens=2.0), "openai/scripted",
                       mock_response='{"defects": []}')
    client.complete([{"role": "user", "content": "x" * 300}], purpose="critic", prompt_hash="p",
                    input_hash="i", redactions=0)
    with workspace.open_store() as store:
        record_run(store, RunRecord("check", "2026-10-14T10:00:00+00:00", "2026-10-14T10:01:00+00:00",
                                    None, None, None, "", "", "pass", {}), [], client.audit_rows())
        expected = load_team(workspace, store)

    async def scenario():
        app = ReviewApp(workspace)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("6")
            screen = app.screen
            for _ in range(400):
                await pilot.pause(0.05)
                if screen.report is not None:
                    break
            summary = str(screen.query_one("#team-summary", Static).content)
            heat = screen.query_one("#team-heat", DataTable)
            rows = column(heat, 0)
            islands = column(screen.query_one("#team-islands", DataTable), 0)
            trend = list(screen.query_one("#team-trend").data)
            spend = str(screen.query_one("#team-spend", Static).content)
            heat.focus()
            heat.move_cursor(row=rows.index("shopcart/coupons.py"))
            await pilot.press("enter")
            quiz = app.screen
            return summary, rows, islands, trend, spend, app.current_mode, quiz.about

    summary, rows, islands, trend, spend, mode, about = asyncio.run(scenario())
    (month,) = expected.spend
    now = client.calls[0].called_at[:7]  # the month of the call
    assert (month.month, month.calls, month.cached) == (now, 1, 0)
    assert month.cost_usd == round(month.tokens / 1000 * 2.0, 6)
    assert spend == f"LLM spend per month: {now}: ${month.cost_usd:.4f}, {month.tokens:,} tokens, 1 call(s)"
    assert summary.startswith(f"Comprehension debt {expected.debt * 100:.1f}% of the weighted code")
    assert rows == [m.path for m in expected.modules]
    assert islands == [i.module for i in expected.islands]
    assert len(trend) == len(expected.weeks)
    assert (mode, about) == ("quiz", "shopcart/coupons.py")


def test_a_store_it_cannot_read_is_said_on_the_overview(demo: DemoRepo, tmp_path) -> None:
    db = tmp_path / "newer.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")

    async def scenario() -> tuple[str, bool, bool]:
        app = ReviewApp(open_workspace(demo.path, db=db))
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            return (str(screen.query_one("#summary", Static).content),
                    screen.query_one("#written").display, screen.query_one("#recent").display)

    assert asyncio.run(scenario()) == (
        f"Cannot read the repository: store {db} has schema version 999, written by a newer "
        f"comprehend (this one reads up to {SCHEMA_VERSION}); upgrade comprehend or pass --db PATH",
        False, False,
    )
