"""The Overview's comprehension debt on the demo repository once people have answered
quizzes: the figure, its change since last week, the weekly sparkline and the risk table's
debt column all match the team report computed apart from the app, from the same store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from answers import answer
from textual.widgets import DataTable, Sparkline, Static

from comprehend.demo import DemoRepo
from comprehend.graph.build import build_graph
from comprehend.tui.app import ReviewApp
from comprehend.views.risk import module_risks, risk_text
from comprehend.views.team import load_team
from comprehend.workspace import open_workspace

WEEKS = 12


def days_ago(n: int) -> str:
    return (datetime.now(UTC) - timedelta(days=n)).replace(microsecond=0).isoformat()


def expected_figures(workspace) -> tuple[str, list[float], list[tuple[str, ...]]]:
    """The debt line, the sparkline's weeks and the risk rows, from the team report."""
    now = datetime.now(UTC)
    with workspace.open_store() as store:
        head = workspace.repo.head
        graph = build_graph(workspace.repo, workspace.config, store, rev=head)
        report = load_team(workspace, store, since=(now - timedelta(weeks=WEEKS - 1)).timestamp(),
                           rev=head, now=now.timestamp(), graph=graph)
        debt = {m.path: m.debt for m in report.modules}
        risks = module_risks(graph, store, head, debt=debt)
    weeks = [w.debt for w in report.weeks]
    change = 100 * (weeks[-1] - weeks[-2])
    line = (f"{100 * report.debt:.1f}% comprehension debt, {change:+.1f} points since last week "
            f"({report.answers} answers)")
    rows = []
    for r in risks:
        rank, ai, untested, module_debt, score = risk_text(r)
        rows.append((r.path, score, rank, ai, untested, module_debt))
    return line, weeks, rows


def test_overview_shows_the_debt_its_weekly_trend_and_debt_in_the_risks(demo: DemoRepo, tmp_path) -> None:
    workspace = open_workspace(demo.path, db=tmp_path / "s.db")
    with workspace.open_store() as store:
        # Maya knows bulk_discount well (three right answers over three weeks); Dana got
        # redeem wrong last week, then right yesterday; Tomas missed the cart total.
        answer(store, 1, "maya@shopcart.example", "shopcart.discounts.bulk_discount", days_ago(20), True)
        answer(store, 2, "maya@shopcart.example", "shopcart.discounts.bulk_discount", days_ago(12), True)
        answer(store, 3, "maya@shopcart.example", "shopcart.discounts.bulk_discount", days_ago(3), True)
        answer(store, 4, "dana@shopcart.example", "shopcart.coupons.redeem", days_ago(8), False)
        answer(store, 5, "dana@shopcart.example", "shopcart.coupons.redeem", days_ago(1), True)
        answer(store, 6, "tomas@shopcart.example", "shopcart.discounts.cart_discount", days_ago(2), False)
    before = expected_figures(workspace)

    async def scenario():
        app = ReviewApp(workspace)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            for _ in range(600):
                await pilot.pause(0.05)
                if screen.debt is not None:
                    break
            await app.workers.wait_for_complete()
            await pilot.pause()
            risks = screen.query_one("#risks", DataTable)
            shown = (str(screen.query_one("#debt-text", Static).content),
                     list(screen.query_one("#debt-trend", Sparkline).data),
                     screen.query_one("#debt-trend").display,
                     [tuple(str(c) for c in risks.get_row_at(i)) for i in range(risks.row_count)],
                     [str(c.label) for c in risks.columns.values()], risks.border_subtitle)
            after = expected_figures(workspace)  # before the next answer
            # An answer recorded meanwhile (as the Quiz screen does): back on the Overview,
            # the debt is computed again.
            with workspace.open_store() as store:
                answer(store, 7, "tomas@shopcart.example", "shopcart.discounts.cart_discount",
                       days_ago(0), True)
            await pilot.press("2", "1")
            again = ""
            for _ in range(600):
                await pilot.pause(0.05)
                again = str(screen.query_one("#debt-text", Static).content)
                if again.endswith("(7 answers)"):
                    break
            return *shown, after, again

    line, trend, trend_shown, risk_rows, headings, subtitle, after, again = asyncio.run(scenario())
    # Recall decays by the second: the app computed between `before` and `after`, so what it
    # shows, rounded as shown, is one of the two.
    assert line in {before[0], after[0]}
    assert line.endswith("points since last week (6 answers)")
    assert len(trend) == WEEKS
    assert trend[:-1] == after[1][:-1] == before[1][:-1]  # past weeks do not move
    assert before[1][-1] >= trend[-1] >= after[1][-1] or before[1][-1] <= trend[-1] <= after[1][-1]
    assert trend_shown is True
    assert headings == ["Module", "Risk", "Rank", "AI", "Untested", "Debt"]
    assert subtitle == "rank x AI share x untested x debt"
    assert risk_rows in (before[2], after[2])
    assert [row[0] for row in risk_rows] == ["web/price.ts", "shopcart/coupons.py"]
    assert again.endswith("points since last week (7 answers)")
