"""The purpose kind with litellm's own test double (mock_response: nothing is sent): the
rubric's citations checked against the source, refusals, the grade and its FSRS rating."""

from __future__ import annotations

import json
import random

import pytest
from quiz_repos import build_quiz_repo

from comprehend.adversary.outbound import load_outbound
from comprehend.config import LlmConfig, load_config
from comprehend.errors import UserError
from comprehend.git import open_repository
from comprehend.llm import LlmClient
from comprehend.policy import policy_file
from comprehend.quiz.context import open_context
from comprehend.quiz.kinds import purpose
from comprehend.quiz.language_model import PROMPT_FILES, QuizModel
from comprehend.quiz.model import Question, Refused
from comprehend.quiz.targets import choose_targets
from comprehend.store import open_store
from comprehend.store.llm import run_llm_calls


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    from gitrepo import BASE_ENV

    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        folder = tmp_path_factory.mktemp("purpose")
        built = build_quiz_repo(folder / "repo")
        repo = open_repository(built.path)
        store = open_store(folder / "store.db")
        ctx = open_context(repo, load_config(repo.root), store)
        targets = {t.symbol: t for t in choose_targets(ctx, "me@example.com")}
        yield ctx, targets
        store.close()


def model_answering(ctx, text: str) -> QuizModel:
    """A session model whose every call litellm answers with `text` (no cache, no network)."""
    client = LlmClient(LlmConfig(cost_per_1k_tokens=1.0), "openai/mock", mock_response=text)
    prompts = tuple(policy_file("quizzes", name, ctx.repo.root) for name in PROMPT_FILES)
    return QuizModel(client, prompts, load_outbound(ctx.repo.root)[0], "me@example.com", ctx.head)


def ask(ctx, target, answer: dict):
    ctx.llm = model_answering(ctx, json.dumps(answer))
    try:
        return purpose.generate(ctx, target, random.Random(0))
    finally:
        ctx.llm = None


def point(text: str, line: int, cites: str) -> dict:
    return {"point": text, "line": line, "cites": cites}


def test_points_whose_citation_is_not_on_the_line_are_dropped(quiz) -> None:
    ctx, targets = quiz
    q = ask(ctx, targets["pkg.core.total"], {"question": "What is total for?", "rubric": [
        point("sums", 8, "result += value"), point("starts at zero", 6, "result = 0"),
        point("wrong line", 5, "result += value"), point("outside total", 12, "def summary"),
        point("returns it", 9, "return result")]})
    assert isinstance(q, Question)
    assert (q.kind, q.category, q.choices) == ("purpose", "conceptual", ())
    assert [r["line"] for r in q.evidence["rubric"]] == [8, 6, 9]
    assert q.evidence["dropped"] == 2
    assert q.answer == ("1. sums (line 8: result += value)\n2. starts at zero (line 6: result = 0)\n"
                        "3. returns it (line 9: return result)")
    assert (q.source.file, q.source.start_line, q.source.end_line) == ("pkg/core.py", 5, 9)
    assert q.code.splitlines()[0] == "def total(values):"


def test_fewer_than_two_verified_points_or_no_model_is_refused(quiz) -> None:
    ctx, targets = quiz
    total = targets["pkg.core.total"]
    weak = ask(ctx, total, {"question": "Why?", "rubric": [point("sums", 8, "result += value"),
                                                           point("invented", 7, "memoize")]})
    assert weak == Refused("purpose", "pkg.core.total",
                           "rubric: 1 of 2 point(s) cite a line of the source (2 needed)")
    assert purpose.generate(ctx, total, random.Random(0)) == Refused(
        "purpose", "pkg.core.total", "no LLM configured")
    malformed = ask(ctx, total, {"rubric": []})
    assert malformed == Refused("purpose", "pkg.core.total",
                                "the model's question did not fit its schema (no question)")


@pytest.mark.parametrize(("met", "rating", "points"), [
    ((True, True), "Good", (1, 2)), ((False, True), "Hard", (2,)), ((False, False), "Again", ())])
def test_the_grade_counts_points_met_and_maps_them_to_fsrs(quiz, met, rating, points) -> None:
    ctx, targets = quiz
    q = ask(ctx, targets["pkg.core.total"], {"question": "What is total for?", "rubric": [
        point("sums", 8, "result += value"), point("starts at zero", 6, "result = 0")]})
    grader = model_answering(ctx, json.dumps({"points": [
        {"n": n, "met": m, "why": "because"} for n, m in enumerate(met, start=1)]}))
    graded = purpose.grade(grader, ctx.store, q, "it adds them up")
    assert (graded.met, graded.total, graded.rating) == (points, 2, rating)
    rows = run_llm_calls(ctx.store, grader.run_id)
    assert [(r["purpose"], r["outcome"], r["model"]) for r in rows] == [("quiz-grade", "ok", "openai/mock")]


def test_a_grade_that_never_fits_its_schema_is_an_error_and_without_a_model_too(quiz) -> None:
    ctx, targets = quiz
    q = ask(ctx, targets["pkg.core.total"], {"question": "What is total for?", "rubric": [
        point("sums", 8, "result += value"), point("starts at zero", 6, "result = 0")]})
    grader = model_answering(ctx, json.dumps({"points": [{"n": 7, "met": True}]}))
    with pytest.raises(UserError) as failed:
        purpose.grade(grader, ctx.store, q, "it adds them up")
    assert "its grade did not fit its schema after one repair request (point 7 is not in the " \
           "rubric (1-2))" in failed.value.message
    assert [r["purpose"] for r in run_llm_calls(ctx.store, grader.run_id)] == [
        "quiz-grade", "quiz-grade-repair"]
    with pytest.raises(UserError) as none:
        purpose.grade(None, ctx.store, q, "it adds them up")
    assert none.value.message.startswith("no LLM configured: a purpose question is graded by a model")
