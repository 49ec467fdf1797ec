"""A purpose question on the Quiz screen, against a real HTTP server on 127.0.0.1 speaking
the OpenAI chat API: the answer is typed into an input line, graded by the model in a worker,
the rubric shown point by point, the answer stored with its FSRS rating."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from llm_server import Answer, ScriptedServer
from quiz_repos import build_quiz_repo
from textual.widgets import Input, Static

from comprehend.tui.quiz_app import QuizApp
from comprehend.workspace import open_workspace

pytestmark = pytest.mark.slow
MODEL = "openai/scripted"


async def until(pilot, condition) -> None:
    for _ in range(400):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the quiz screen never got there")


def test_an_open_question_is_answered_in_words_and_graded(tmp_path) -> None:
    from comprehend.quiz.session import plan_quiz

    server = ScriptedServer(script=[
        Answer(json.dumps({"question": "What is total() for?", "rubric": [
            {"point": "it sums the values", "line": 8, "cites": "result += value"},
            {"point": "an empty list totals 0", "line": 6, "cites": "result = 0"}]})),
        Answer(json.dumps({"points": [{"n": 1, "met": True, "why": "said so"},
                                      {"n": 2, "met": True, "why": "said so"}]}))])
    built = build_quiz_repo(tmp_path / "repo")
    (built.path / ".comprehend.toml").write_text(
        f'[llm]\nmodel = "{MODEL}"\napi_base = "{server.url}"\ntimeout = 5.0\nretries = 0\n')
    workspace = open_workspace(built.path, db=tmp_path / "s.db")
    with workspace.open_store() as store:
        plan = plan_quiz(workspace, store, person="ana@example.com", count=1,
                         about="pkg.core.total", seed=1, kinds=("purpose",))

    async def scenario():
        app = QuizApp(workspace, plan)
        async with app.run_test(size=(100, 40)) as pilot:
            screen = app.screen
            await until(pilot, lambda: screen.view is not None and screen.view.question is not None)
            box = screen.query_one("#quiz-answer", Input)
            shown = (box.display, box.has_focus, str(screen.query_one("#quiz-prompt", Static).content))
            await pilot.press(*"it adds the values, 0 for none")
            await pilot.press("enter")
            await until(pilot, lambda: screen.view.outcome is not None)
            result = str(screen.query_one("#quiz-result", Static).content)
            after = box.display
            await pilot.press("n")
            await until(pilot, lambda: screen.view.finished)
            return shown, result, after, str(screen.query_one("#quiz-prompt", Static).content)

    try:
        shown, result, after, summary = asyncio.run(scenario())
    finally:
        server.close()
    assert shown == (True, True, "What is total() for?\nAnswer in your own words.")
    assert result.startswith("2 of 2 rubric points met (Good).\n"
                             "  + 1. it sums the values (line 8: result += value) — said so\n"
                             "  + 2. an empty list totals 0 (line 6: result = 0) — said so\n")
    assert after is False
    assert summary.startswith("1 of 1 right (100%).")
    assert server.requests == 2
    with sqlite3.connect(workspace.store_path) as conn:
        rows = conn.execute("SELECT choice, correct, rating FROM answers").fetchall()
        purposes = [p for (p,) in conn.execute("SELECT purpose FROM llm_calls ORDER BY rowid")]
    assert rows == [("it adds the values, 0 for none", 1, 3)]
    assert purposes == ["quiz-purpose", "quiz-grade"]
