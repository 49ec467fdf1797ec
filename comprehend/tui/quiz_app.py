"""The review app opened on its Quiz screen, for `comprehend quiz`: the same app (every
screen one key away) with the session's plan already checked by the command, and its
questions already being made while the app starts."""

from __future__ import annotations

from pathlib import Path

from comprehend.tui import app as review_app
from comprehend.tui.app import ReviewApp


class QuizApp(ReviewApp):
    DEFAULT_MODE = "quiz"
    # Textual reads CSS_PATH next to the class's own module; the review's sheet is the one.
    CSS_PATH = str(Path(review_app.__file__).with_name("comprehend.tcss"))

    def __init__(self, workspace, plan, feed=None, **llm) -> None:
        super().__init__(workspace, **llm)
        self.quiz_plan = plan
        self.quiz_feed = feed  # already making the plan's questions, or None
