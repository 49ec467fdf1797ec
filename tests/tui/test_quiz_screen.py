"""The Quiz screen driven with Textual's Pilot at 80x24: questions arrive from the worker,
keys answer, n goes on, esc leaves; every answer is in the store."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from quiz_repos import build_quiz_repo
from textual.widgets import Static

from comprehend.tui.quiz_app import QuizApp
from comprehend.tui.screens.overview import OverviewScreen
from comprehend.tui.screens.quiz import QuizScreen
from comprehend.workspace import open_workspace


async def settle(app, pilot, until) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if until():
            return
    raise AssertionError("the quiz screen never got there")


@pytest.fixture
def planned(tmp_path):
    from comprehend.quiz.session import plan_quiz

    built = build_quiz_repo(tmp_path / "repo")
    workspace = open_workspace(built.path, db=tmp_path / "s.db")
    with workspace.open_store() as store:
        plan = plan_quiz(workspace, store, person="ana@example.com", count=2, about=None, seed=4)
    return workspace, plan


def test_answer_next_and_leave_at_80x24(planned) -> None:
    workspace, plan = planned

    async def scenario():
        app = QuizApp(workspace, plan)
        seen = {}
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert type(screen) is QuizScreen
            await settle(app, pilot, lambda: screen.view is not None and screen.view.question is not None)
            first = screen.view.question
            seen["heading"] = str(screen.query_one("#quiz-heading", Static).content)
            await pilot.press("down", "enter")
            seen["first"] = (first.choices[1], screen.view.outcome.choice)
            seen["result"] = str(screen.query_one("#quiz-result", Static).content)
            await pilot.press("1")  # already answered: ignored
            await pilot.press("n")
            await settle(app, pilot, lambda: screen.view.question is not None and screen.view.number == 2)
            second = screen.view.question
            await pilot.press("3")
            seen["second"] = (second.choices[2], screen.view.outcome.choice)
            await pilot.press("n")
            await settle(app, pilot, lambda: screen.view.finished)
            seen["summary"] = str(screen.query_one("#quiz-prompt", Static).content)
            await pilot.press("escape")
            seen["after"] = type(app.screen)
        return seen, first, second

    seen, first, second = asyncio.run(scenario())
    assert seen["heading"].startswith("Question 1 · ")
    assert seen["first"][0] == seen["first"][1]
    assert seen["second"][0] == seen["second"][1]
    verdict = "Right." if first.answer == first.choices[1] else f"Wrong: the answer is {first.answer}"
    assert seen["result"].startswith(verdict + "\n" + first.explanation)
    right = (first.answer == first.choices[1]) + (second.answer == second.choices[2])
    assert seen["summary"].startswith(f"{right} of 2 right")
    assert seen["after"] is OverviewScreen
    with sqlite3.connect(workspace.store_path) as conn:
        rows = conn.execute("SELECT question, choice FROM answers ORDER BY answered_at").fetchall()
    assert rows == [(first.id, first.choices[1]), (second.id, second.choices[2])]


def test_the_feed_comprehend_quiz_started_is_the_one_the_screen_asks(planned) -> None:
    from comprehend.quiz.session import Feed

    workspace, plan = planned
    feed = Feed(plan, ahead=1)  # as `comprehend quiz` starts it, before the app

    async def scenario():
        app = QuizApp(workspace, plan, feed)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            await settle(app, pilot, lambda: screen.view is not None and screen.view.question is not None)
            return screen.feed, screen.view.question

    used, shown = asyncio.run(scenario())
    assert used is feed
    assert shown is feed.made[0]


def test_a_served_session_asks_who_answers_before_the_quiz(tmp_path, monkeypatch) -> None:
    from comprehend.tui.app import ReviewApp

    built = build_quiz_repo(tmp_path / "repo")
    workspace = open_workspace(built.path, db=tmp_path / "s.db")
    monkeypatch.setenv("COMPREHEND_SERVED", "1")

    async def scenario():
        app = ReviewApp(workspace)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("5")
            screen = app.screen
            asked = str(screen.query_one("#quiz-prompt", Static).content)
            await pilot.press(*"nobody", "enter")
            refused = str(screen.query_one("#quiz-prompt", Static).content)
            await pilot.press(*"@j.example", "enter")
            await settle(app, pilot, lambda: screen.view is not None and screen.view.question is not None)
            await pilot.press("1")
            return asked, refused, screen.view.recorder.person

    asked, refused, person = asyncio.run(scenario())
    assert asked == "Who is answering? Type your email and press enter."
    assert refused == "nobody: not an email; type the one you commit with."
    assert person == "nobody@j.example"
    with sqlite3.connect(workspace.store_path) as conn:
        assert conn.execute("SELECT DISTINCT person FROM answers").fetchall() == [("nobody@j.example",)]
