"""The Changes, Graph and Findings screens, the help and the command palette, driven with
Pilot on the demo repository after `check` ran on its Claude Code commit."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

from gitrepo import git
from rich.text import Text
from textual.widgets import DataTable, Static, Tree

from comprehend.store.runs import recent_runs
from comprehend.tui.app import ReviewApp
from comprehend.tui.screens.change_detail import ChangeDetailScreen
from comprehend.tui.screens.changes import ChangesScreen
from comprehend.tui.screens.finding_detail import FindingDetailScreen
from comprehend.tui.screens.findings import FindingsScreen
from comprehend.tui.screens.graph import GraphScreen
from comprehend.tui.screens.help import HelpScreen
from comprehend.tui.widgets.source_view import SourceView
from comprehend.workspace import open_workspace

SIZE = (120, 40)


def column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def run(path: Path, scenario):
    async def main():
        app = ReviewApp(open_workspace(path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            return await scenario(app, pilot)

    return asyncio.run(main())


def ai_commits(demo) -> list[tuple[str, str]]:
    return [(c.sha[:8], c.tool) for c in reversed(demo.commits) if c.origin == "ai"]


def test_changes_lists_ai_commits_filters_and_opens_the_claude_change(checked_demo) -> None:
    demo = checked_demo.demo
    claude = demo.rewritten.commit

    async def scenario(app, pilot):
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#change-list", DataTable)
        listed = list(zip(column(table, 1), column(table, 2), strict=True))
        checks = dict(zip(column(table, 1), column(table, 5), strict=True))
        subtitle = table.border_subtitle
        await pilot.press("slash", *"tool:claude", "enter")
        filtered = column(table, 1), table.border_subtitle
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        diff = "\n".join(str(s.content) for s in detail.query(".diff-chunk"))
        cards = [c.title for c in detail.query(".finding-card")]
        test_fold = next(c for c in detail.query(".evidence-fold") if c.title == "The test")
        folded = test_fold.collapsed
        test_fold.collapsed = False
        await pilot.pause()
        opened = str(test_fold.query_one(".evidence-text", Static).content)
        await pilot.press("escape")
        return (listed, checks, subtitle, filtered, type(detail), diff, cards, folded, opened,
                type(app.screen))

    (listed, checks, subtitle, filtered, detail, diff, cards, folded, opened,
     back) = run(checked_demo.path, scenario)
    assert listed == ai_commits(demo)
    assert checks[claude[:8]] == "fail"
    assert {v for k, v in checks.items() if k != claude[:8]} == {"—"}
    assert subtitle == "4 AI-authored commits"
    assert filtered == ([claude[:8]], "1 of 4 AI-authored commits match tool:claude")
    assert detail is ChangeDetailScreen
    # The rewritten expectation is in the diff, marked as AI-written, with its finding inline.
    new_line = demo.rewritten.new.strip()
    marked = [line for line in diff.splitlines() if new_line in line]
    assert marked == [f"{demo.rewritten.line:>5} AI +    {demo.rewritten.new}"]
    rewritten = [c for c in cards if "rewritten-expectation" in c]
    assert rewritten == [
        f"HIGH rewritten-expectation · line {demo.rewritten.line}: test_ten_notebooks_get_the_bulk_price: "
        "expected 3591 became 3990 in the same change as the code it tests"]
    assert len(cards) == len(checked_demo.result.findings) == 9
    assert folded is True
    assert opened == ("def test_ten_notebooks_get_the_bulk_price():\n"
                      "    assert discounted_line_total(LineItem(NOTEBOOK, 10)) == 3990")
    assert back is ChangesScreen


def test_findings_table_filters_sorts_and_opens_the_rewritten_expectation(checked_demo) -> None:
    demo = checked_demo.demo

    async def scenario(app, pilot):
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one("#finding-list", DataTable)
        title = table.border_title
        rules = column(table, 1)
        await pilot.press("s")  # run -> severity
        by_severity = column(table, 0), table.border_subtitle
        await pilot.press("slash", *"rule:rewritten", "enter")
        filtered = [(r[0], r[1], r[2], r[3]) for r in zip(*(column(table, i) for i in range(4)), strict=True)]
        await pilot.press("enter")
        await settle(pilot)
        source = app.screen.query_one(SourceView)
        return (title, rules, by_severity, filtered, type(app.screen), sorted(source.focus_lines),
                source.text.splitlines()[demo.rewritten.line - 1], source.cursor_location)

    title, rules, (severities, subtitle), filtered, screen, focus, line, cursor = run(checked_demo.path, scenario)
    # the two truthiness-only weak tests are advice (medium), below the gate
    assert title == "Findings: 2 failing, 0 acknowledged"
    assert sorted(rules) == sorted(f.rule for f in checked_demo.result.findings)
    assert severities == ["high"] * 2 + ["medium"] * 7
    assert subtitle == "9 findings · sorted by severity"
    assert filtered == [("high", "rewritten-expectation", demo.rewritten.file, str(demo.rewritten.line))]
    assert screen is FindingDetailScreen
    assert focus == [demo.rewritten.line]
    assert line == f"    {demo.rewritten.new}"
    assert cursor == (demo.rewritten.line - 1, 0)


def test_acknowledging_the_rewritten_expectation_takes_it_out_of_the_failing_count(checked_demo, tmp_path) -> None:
    path = checked_demo.copy(tmp_path)
    git(path, "config", "user.email", "reviewer@shopcart.example")  # who acknowledges
    rewritten = next(f for f in checked_demo.result.findings if f.rule == "rewritten-expectation")

    async def scenario(app, pilot):
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one("#finding-list", DataTable)
        await pilot.press("slash", *"rule:rewritten", "enter", "a")
        await pilot.press("enter")  # an empty reason is refused: the dialog stays
        refused = type(app.screen).__name__
        await pilot.press(*"the spec raised the price", "enter")
        await settle(pilot)
        return refused, table.border_title, column(table, 5)

    refused, title, acks = run(path, scenario)
    assert refused == "AckScreen"
    assert title == "Findings: 1 failing, 1 acknowledged"
    assert acks == ["ack"]
    entries = tomllib.loads((path / ".comprehend" / "acks.toml").read_text())["ack"]
    assert [(e["fingerprint"], e["reason"], e["rule"], e["who"]) for e in entries] == [
        (rewritten.fingerprint, "the spec raised the price", "rewritten-expectation",
         "reviewer@shopcart.example")]


def test_graph_expands_symbols_follows_a_caller_and_goes_back(checked_demo) -> None:
    async def scenario(app, pilot):
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        tree = screen.query_one(Tree)
        modules = [str(n.label) for n in tree.root.children]
        discounts = next(n for n in tree.root.children if n.data == ("entry", "shopcart.discounts"))
        tree.move_cursor(discounts)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        symbols = [str(n.label) for n in discounts.children]
        bulk = next(n for n in discounts.children if n.data == ("entry", "shopcart.discounts.bulk_discount"))
        tree.move_cursor(bulk)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        relations = [str(n.label) for n in bulk.children if n.data[0] == "relation"]
        callers = next(n for n in bulk.children if n.data == ("relation", "shopcart.discounts.bulk_discount", "callers"))
        tree.move_cursor(callers)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        edges = [str(n.label) for n in callers.children]
        tree.move_cursor(callers.children[0])
        await pilot.pause()
        await pilot.press("enter")
        followed = tree.cursor_node.data
        await settle(pilot)
        info = str(screen.query_one("#graph-info", Static).content)
        title = screen.query_one(SourceView).border_title
        await pilot.press("backspace")
        back = tree.cursor_node.data
        await pilot.press("slash", *"loyalty_disc")
        found = [str(n.label) for n in tree.root.children]
        return modules, symbols, relations, edges, followed, info, title, back, found

    modules, symbols, relations, edges, followed, info, title, back, found = run(checked_demo.path, scenario)
    assert modules[:2] == ["▣ shopcart/__init__.py", "▤ shopcart/cart.py"]
    assert "▤ shopcart/discounts.py" in modules and "▤ web/price.ts" in modules
    assert symbols == ["≡ BULK_TIERS", "≡ LOYALTY_TIERS", "≡ LOYALTY_CAP_CENTS", "ƒ bulk_discount",
                       "ƒ discounted_line_total", "ƒ cart_discount", "ƒ loyalty_discount"]
    assert relations == ["callers 2", "callees 1", "tests 2"]
    assert [e.split("  ")[0] for e in edges] == ["cart_discount", "discounted_line_total"]
    assert edges[0].split("  ")[1].startswith("resolved · calls · line ")
    assert followed == ("entry", "shopcart.discounts.cart_discount")
    assert info.startswith("cart_discount  function · shopcart/discounts.py:")
    assert "Impact: " in info
    assert title == "shopcart/discounts.py"
    assert back == ("entry", "shopcart.discounts.bulk_discount")
    assert found[0] == "ƒ loyalty_discount"  # the highest-ranked match first, then its tests
    assert sorted(found[1:]) == [
        "ƒ test_loyalty_discount_for_long_standing_customers test",
        "ƒ test_loyalty_discount_handles_new_customers test",
        "ƒ test_loyalty_discount_returns_a_value test"]


def test_help_lists_every_key_of_each_screen(checked_demo) -> None:
    async def scenario(app, pilot):
        shown = {}
        for key, screen_type in (("1", None), ("2", ChangesScreen), ("3", GraphScreen), ("4", FindingsScreen)):
            await pilot.press(key)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            markup = str(app.screen.query_one("#help", Static).content)
            shown[key] = (Text.from_markup(markup).plain, app.screen.screen_keys,
                          screen_type)
            await pilot.press("escape")
        return shown

    shown = run(checked_demo.path, scenario)
    for key, (text, listed, screen_type) in shown.items():
        for k, what in listed:
            assert f"{k}  {what}" in text
        assert "ctrl+p  commands: check a change, ask the critic, scan, switch screen, open a file" in text
        if screen_type is not None:
            # Every key the screen binds is in its help.
            bound = {b.key for b in screen_type.BINDINGS}
            names = {"slash": "/", "escape": "esc", "backspace": "backspace"}
            helped = " ".join(k for k, _ in listed)
            assert all(names.get(b, b) in helped for b in bound), (key, bound, helped)
    assert [k for k, _ in shown["2"][1]] == ["enter", "r", "c", "/", "esc"]


def test_palette_switches_screens_and_opens_a_file(checked_demo) -> None:
    async def scenario(app, pilot):
        await pilot.press("ctrl+p")
        await pilot.press(*"switch screen: findings")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        mode = app.current_mode
        await pilot.press("ctrl+p")
        await pilot.press(*"open file: shopcart/tax.py")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        tree = app.screen.query_one(Tree)
        return mode, app.current_mode, tree.cursor_node.data

    assert run(checked_demo.path, scenario) == ("findings", "graph", ("entry", "shopcart.tax"))


def test_r_checks_a_change_in_a_worker_and_stores_the_run(checked_demo, tmp_path) -> None:
    path = checked_demo.copy(tmp_path)
    aider = next(c for c in checked_demo.demo.commits if c.tool == "aider")

    async def scenario(app, pilot):
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#change-list", DataTable)
        table.move_cursor(row=column(table, 1).index(aider.sha[:8]))
        await pilot.press("r")
        started = app.check_state.sha
        await settle(pilot)
        return started, app.check_state, dict(zip(column(table, 1), column(table, 5), strict=True))

    started, state, checks = run(path, scenario)
    assert started == aider.sha
    assert state.outcome == checks[aider.sha[:8]]
    assert state.outcome in ("pass", "fail")
    with open_workspace(path).open_store() as store:
        runs = recent_runs(store)
    assert [(r["head"], r["verdict"]) for r in runs] == [
        (aider.sha, state.outcome), (checked_demo.demo.rewritten.commit, "fail")]
    assert state.message.startswith(f"check of {aider.sha[:8]}: {state.outcome.upper()}")


def test_esc_cancels_a_running_check_and_its_sandbox_is_removed(checked_demo, tmp_path) -> None:
    import os
    import tempfile

    from comprehend.adversary.sandbox import PREFIX

    path = checked_demo.copy(tmp_path)
    claude = checked_demo.demo.rewritten.commit
    mine = f"{PREFIX}{os.getpid()}-"

    def sandboxes() -> list[Path]:
        return sorted(Path(tempfile.gettempdir()).glob(f"{mine}*"))

    async def scenario(app, pilot):
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#change-list", DataTable)
        table.move_cursor(row=column(table, 1).index(claude[:8]))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        for _ in range(600):  # until the mutants run in their sandbox (at most a minute)
            if app.check_state.stage.startswith("mutation: mutant") and sandboxes():
                break
            await asyncio.sleep(0.1)
        during = len(sandboxes())
        await pilot.press("escape")  # cancels the check, and keeps the change open
        still_open = type(app.screen)
        # A cancelled thread worker counts as done at once; the check itself stops at its
        # next progress report, then says so.
        for _ in range(600):
            if not app.check_state.running:
                break
            await asyncio.sleep(0.1)
        return during, still_open, app.check_state

    during, still_open, state = run(path, scenario)
    assert during == 1
    assert still_open is ChangeDetailScreen
    assert (state.outcome, state.running) == ("cancelled", False)
    assert sandboxes() == []
    with open_workspace(path).open_store() as store:
        assert [r["head"] for r in recent_runs(store)] == [claude]  # the fixture's run only


def test_enter_on_a_branch_filters_the_changes_to_it(checked_demo) -> None:
    async def scenario(app, pilot):
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("shift+tab", "enter")  # from the changes list up to the branches
        table = app.screen.query_one("#change-list", DataTable)
        return app.screen.focused.id, table.border_subtitle, table.row_count

    assert run(checked_demo.path, scenario) == (
        "change-list", "4 of 4 AI-authored commits match branch:main", 4)
