"""`c` asks the LLM critic about a change from the review, against a real HTTP server on
127.0.0.1 speaking the OpenAI chat API: without a model it says how to configure one and
sends nothing; with one it shows the cost first, runs in a worker, stores the run with its
findings and audit rows, and shows the findings inline; esc cancels and cleans up."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

import pytest
from critic_repos import FALSE_BUG, TRUE_BUG, answer, defect, shop_change
from llm_server import Answer, ScriptedServer
from textual.widgets import Collapsible, Static

from comprehend.llm import Budget
from comprehend.store.llm import run_llm_calls
from comprehend.store.runs import recent_runs, run_findings
from comprehend.tui.app import ReviewApp
from comprehend.tui.screens.ask_critic import AskCriticScreen
from comprehend.tui.screens.change_detail import ChangeDetailScreen
from comprehend.views.critic import NO_MODEL
from comprehend.workspace import open_workspace

pytestmark = pytest.mark.slow
MODEL = "openai/scripted"
SIZE = (120, 40)


@pytest.fixture
def server():
    s = ScriptedServer()
    yield s
    s.close()


def configured(path: Path, server: ScriptedServer, **extra: object) -> None:
    """[llm] in the repository's committed config, as a team would set it."""
    settings = {"model": MODEL, "api_base": server.url, "cost_per_1k_tokens": 1.0,
                "timeout": 5.0, "retries": 0, **extra}
    lines = "\n".join(f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}"
                      for k, v in settings.items())
    (path / ".comprehend.toml").write_text(f"[llm]\n{lines}\n".replace("'", '"'), encoding="utf-8")


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(condition, seconds: float = 60.0) -> bool:
    for _ in range(int(seconds * 10)):
        if condition():
            return True
        await asyncio.sleep(0.1)
    return False


def run(path: Path, scenario, **options):
    async def main():
        app = ReviewApp(open_workspace(path), **options)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            return await scenario(app, pilot)

    return asyncio.run(main())


def notices(app) -> list[str]:
    # shown as written: `[llm] model` is text, not markup
    assert [n.markup for n in app._notifications] == [False] * len(app._notifications)
    return [n.message for n in app._notifications]


def test_without_a_model_c_says_how_to_configure_one_and_sends_nothing(tmp_path: Path, server) -> None:
    shop_change(tmp_path / "shop")

    async def scenario(app, pilot):
        await pilot.press("c")
        await settle(pilot)
        return notices(app), type(app.screen).__name__

    shown, screen = run(tmp_path / "shop", scenario)
    assert shown == [NO_MODEL]
    assert screen == "ChangesScreen"
    assert server.requests == 0


def test_c_shows_the_cost_then_stores_the_critic_run_and_shows_it_inline(tmp_path: Path, server) -> None:
    shop = shop_change(tmp_path / "shop")
    configured(tmp_path / "shop", server)
    server.script = [Answer(answer(TRUE_BUG, FALSE_BUG), prompt_tokens=800, completion_tokens=100)]

    async def scenario(app, pilot):
        await pilot.press("enter")  # open the Claude change
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)  # the estimate, in a thread
        asked = app.screen
        text = str(asked.query_one("#ask-critic-text", Static).content)
        requests_before = server.requests
        await pilot.press("y")
        assert await until(lambda: app.check_state is not None and not app.check_state.running)
        await settle(pilot)
        body = app.screen.query_one("#change-body")
        titles = [str(c.title) for c in body.query(Collapsible) if "finding-card" in c.classes]
        summary = [str(s.content) for s in body.query(".critic-summary")]
        return type(asked), text, requests_before, app.check_state, titles, summary, type(app.screen)

    asked, text, before, state, titles, summary, screen = run(tmp_path / "shop", scenario)
    assert asked is AskCriticScreen
    assert before == 0  # nothing left the machine before the person said yes
    assert f"Ask the critic ({MODEL}) about {shop.head()[:8]} Add discount and checkout?" in text
    assert "Cost: at most $" in text and "(price: [llm] cost_per_1k_tokens = 1)" in text
    assert server.requests == 1
    assert (state.job, state.outcome) == ("critic", "fail")
    assert state.message.startswith(f"critic on {shop.head()[:8]}: FAIL — 1 of 2 claim(s) "
                                    "confirmed by a failing test; 900 tokens, $0.9000")
    assert screen is ChangeDetailScreen
    assert summary == [f"critic ({MODEL}, run 1): FAIL, 1 of 2 claim(s) confirmed by a failing "
                       "test · 900 tokens, $0.9000"]
    assert sorted(titles) == sorted([
        "HIGH llm-confirmed · line 7: LLM critic, confirmed by a failing test: "
        "10 items are not more than 10",
        "INFO llm-unconfirmed · line 8: LLM critic, unconfirmed: small orders are overcharged",
    ])
    with open_workspace(tmp_path / "shop").open_store() as store:
        (critic_run,) = recent_runs(store, kind="review")
        assert recent_runs(store) == []  # not a check: the commit's check verdict is untouched
        assert (critic_run["head"], critic_run["verdict"], critic_run["model"],
                critic_run["tokens"]) == (shop.head(), "fail", MODEL, 900)
        assert sorted(f["rule"] for f in run_findings(store, critic_run["id"])) == [
            "llm-confirmed", "llm-unconfirmed"]
        calls = run_llm_calls(store, critic_run["id"])
        assert [(c["purpose"], c["outcome"], c["tokens"], c["cost_usd"]) for c in calls] == [
            ("critic", "ok", 900, 0.9)]


def test_n_does_not_ask_and_the_budget_stop_is_recorded(tmp_path: Path, server) -> None:
    shop_change(tmp_path / "shop")
    configured(tmp_path / "shop", server)
    server.default = Answer(answer(TRUE_BUG))

    async def scenario(app, pilot):
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        declined = (type(app.screen).__name__, server.requests, app.check_state)
        await pilot.press("c")
        await settle(pilot)
        text = str(app.screen.query_one("#ask-critic-text", Static).content)
        await pilot.press("enter")
        assert await until(lambda: app.check_state is not None and not app.check_state.running)
        return declined, text, app.check_state

    declined, text, state = run(tmp_path / "shop", scenario, budget=Budget(max_tokens=50))
    assert declined == ("ChangesScreen", 0, None)
    assert "Budget: --max-tokens 50 (the critic stops before going over)." in text
    assert server.requests == 0
    assert state.outcome == "error"
    assert "--max-tokens 50: the next model call needs up to" in state.message


def test_esc_cancels_the_critic_while_its_tests_run_and_removes_the_sandbox(tmp_path: Path, server) -> None:
    from comprehend.adversary.sandbox import PREFIX

    shop_change(tmp_path / "shop")
    configured(tmp_path / "shop", server)
    slow = defect("hangs", "import time\n\n\ndef test_slow():\n    time.sleep(60)\n")
    server.script = [Answer(answer(slow))]
    mine = f"{PREFIX}{os.getpid()}-"

    def sandboxes() -> list[Path]:
        return sorted(Path(tempfile.gettempdir()).glob(f"{mine}*"))

    async def scenario(app, pilot):
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        assert await until(lambda: app.check_state.stage.startswith("LLM critic: running")
                           and bool(sandboxes()))
        during = len(sandboxes())
        await pilot.press("escape")
        assert await until(lambda: not app.check_state.running, 20.0)
        return during, app.check_state

    during, state = run(tmp_path / "shop", scenario)
    assert during == 1
    assert state.outcome == "cancelled"
    assert state.message.startswith(f"critic on {state.sha[:8]} cancelled; its sandbox was removed")
    assert sandboxes() == []
    with open_workspace(tmp_path / "shop").open_store() as store:
        (critic_run,) = recent_runs(store, kind="review")
        assert critic_run["verdict"] == "cancelled"
        assert [c["outcome"] for c in run_llm_calls(store, critic_run["id"])] == ["ok"]


def test_the_palette_asks_the_critic_about_the_selected_change(tmp_path: Path, server) -> None:
    shop_change(tmp_path / "shop")
    configured(tmp_path / "shop", server)

    async def scenario(app, pilot):
        await pilot.press("ctrl+p")
        await pilot.press(*"ask the llm critic")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        return type(app.screen)

    assert run(tmp_path / "shop", scenario) is AskCriticScreen
    assert server.requests == 0

