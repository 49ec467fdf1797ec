"""The Quiz screen (key 5): a session in place. Questions are made in a worker thread and
shown as they come; keys 1-4 (or arrows and enter) answer, n goes on, esc leaves. An open
question (purpose) is answered in words in an input line; the model grades it in a worker."""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Iterable

from rich.syntax import Syntax
from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from comprehend.tui.screens.base import ReviewScreen
from comprehend.views.quiz import (
    SCREEN_AHEAD,
    QuizView,
    choice_lines,
    heading,
    outcome_text,
    summary_text,
)

DEFAULT_COUNT = 10
READ_BEFORE_NEXT_S = 0.5  # a question on screen this long is drawn: the next may be made


class QuizScreen(ReviewScreen):
    MODE = "quiz"
    LABEL = "Quiz"
    BINDINGS = [
        *(Binding(str(n), f"answer({n - 1})", "Answer", key_display="1-4", show=n == 1) for n in range(1, 5)),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("enter", "answer_cursor", "Answer"),
        Binding("n", "next", "Next"),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: QuizView | None = None
        self.feed = None
        self.message = "Choosing what to ask about and proving the answers..."
        self.refused = 0
        # In a `comprehend serve` session one machine serves many people: ask who answers
        # instead of taking git's user.email.
        self.person: str | None = None
        self.ask_who = os.environ.get("COMPREHEND_SERVED") == "1"
        self.about: str | None = None  # a path, symbol or range the questions are about
        self.given_used = False  # the app's own plan and feed serve the first session only
        self.store = None  # opened when a session begins: answers are recorded in it

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="quiz"):
            yield Input(placeholder="your email, then enter", id="quiz-who")
            yield Static("", id="quiz-heading")
            yield Static("", id="quiz-prompt")
            yield Static("", id="quiz-code")
            yield Static("", id="quiz-choices")
            yield Input(placeholder="your answer in your own words, then enter", id="quiz-answer")
            yield Static("", id="quiz-result")

    def mounted(self) -> None:
        who = self.query_one("#quiz-who", Input)
        if self.asks_who:
            self.message = "Who is answering? Type your email and press enter."
            self.render_state()
            who.focus()
            return
        who.display = False
        self.render_state()

    @property
    def asks_who(self) -> bool:
        return self.ask_who and getattr(self.app, "quiz_plan", None) is None

    def first_shown(self) -> None:
        if not self.asks_who:  # else the session starts once they said who answers
            self.start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "quiz-answer":
            self.submit_answer(event.value)
            return
        email = event.value.strip()
        if "@" not in email or " " in email:
            self.message = f"{email or 'nothing'}: not an email; type the one you commit with."
            self.render_state()
            return
        self.person = email
        event.input.display = False
        self.message = f"Answering as {email}. Choosing what to ask about and proving the answers..."
        self.render_state()
        self.start()

    def on_unmount(self) -> None:
        if self.feed is not None:
            self.feed.stop()
        if self.store is not None:
            self.store.close()

    @work(thread=True, exclusive=True, group="quiz")
    def start(self) -> None:
        from comprehend.errors import UserError
        from comprehend.quiz.session import Feed, plan_quiz

        # `comprehend quiz` hands over its plan, and the feed already making its questions,
        # for the first session only: a session about another module plans its own.
        plan, feed = (None, None) if self.given_used else (
            getattr(self.app, "quiz_plan", None), getattr(self.app, "quiz_feed", None))
        self.given_used = True
        try:
            if plan is None:
                workspace = self.app.workspace
                with workspace.open_store() as store:
                    plan = plan_quiz(workspace, store, person=self.person, count=DEFAULT_COUNT,
                                     about=self.about, seed=None,
                                     llm=getattr(self.app, "critic_model", None),
                                     budget=getattr(self.app, "critic_budget", None))
        except UserError as exc:
            self.app.call_from_thread(self.fail, str(exc))
            return
        self.app.call_from_thread(self.begin, plan.person, plan.ctx.llm)
        self.feed = feed = feed if feed is not None else Feed(plan, ahead=SCREEN_AHEAD)
        worker = get_current_worker()
        try:
            while True:
                try:
                    if not self.wants_question():
                        raise queue.Empty  # asking makes the feed make one more: not yet
                    question = feed.next(timeout=0.1)
                except queue.Empty:
                    if worker.is_cancelled:  # the app is closing: stop making questions
                        feed.stop()
                        return
                    if not self.wants_question():
                        time.sleep(0.1)
                    continue
                if question is None:
                    break
                self.app.call_from_thread(self.offer, question)
        except UserError as exc:
            self.app.call_from_thread(self.fail, str(exc))
            return
        self.app.call_from_thread(self.done, len(feed.refused))

    def wants_question(self) -> bool:
        """Whether to take the next question from the feed now: when none is waiting to be
        shown and the one on screen was answered or has been read for a while (so making
        the next does not slow drawing this one)."""
        view = self.view
        if view is None or view.pending:
            return view is None
        return view.question is None or view.outcome is not None or \
            time.monotonic() - view.shown_at >= READ_BEFORE_NEXT_S

    def restart(self, about: str) -> None:
        """A new session about `about` (the Team screen's chosen module)."""
        if not self.shown:  # before the first visit: that visit starts the session, about this
            self.about = about
            return
        if self.feed is not None:
            self.feed.stop()
        self.feed, self.view, self.about = None, None, about
        self.message = f"Choosing questions about {about} and proving the answers..."
        self.render_state()
        if self.ask_who and self.person is None:
            return  # the session starts once they said who answers
        self.start()

    def begin(self, person: str, model=None) -> None:
        from comprehend.quiz.session import Recorder

        if self.store is None:
            self.store = self.app.workspace.open_store()
        self.view = QuizView(Recorder(self.store, person, model=model))

    def offer(self, question) -> None:
        if self.view is not None:
            self.view.offer(question)
            self.render_state()

    def done(self, refused: int) -> None:
        if self.view is not None:
            self.view.finished = True
            self.refused = refused
            if self.view.question is None and not self.view.number:
                self.message = "No question could be proven here."
            self.render_state()

    def fail(self, message: str) -> None:
        self.message = message
        self.render_state()

    # --- keys ----------------------------------------------------------------------------

    def action_answer(self, index: int) -> None:
        if self.view is not None and self.view.answer(index) is not None:
            self.render_state()

    def action_answer_cursor(self) -> None:
        if self.view is None:
            return
        if self.view.outcome is not None:
            self.action_next()
        elif self.view.answer() is not None:
            self.render_state()

    def action_move(self, step: int) -> None:
        if self.view is not None:
            self.view.move(step)
            self.render_state()

    def action_next(self) -> None:
        if self.view is not None and self.view.outcome is not None:
            self.view.advance()
            self.render_state()

    def submit_answer(self, text: str) -> None:
        """An open question's answer: graded by the model in a worker when it has a rubric."""
        view = self.view
        if view is None or view.question is None or view.outcome is not None or not text.strip():
            return
        if view.question.evidence.get("type") != "rubric":
            view.answer_text(text)
            self.answered()
            return
        self.query_one("#quiz-answer", Input).disabled = True
        model = view.recorder.model
        self.query_one("#quiz-result", Static).update(
            f"grading your answer with {model.model if model else 'the model'}...")
        self.grade(view.question, text)

    @work(thread=True, exclusive=True, group="quiz-grade")
    def grade(self, question, text: str) -> None:
        from comprehend.errors import UserError
        from comprehend.quiz.kinds.purpose import grade

        view = self.view
        try:
            with self.app.workspace.open_store() as store:
                graded = grade(view.recorder.model, store, question, text.strip())
        except UserError as exc:
            self.app.call_from_thread(self.grade_failed, exc.message)
            return
        self.app.call_from_thread(self.graded, question, text, graded)

    def graded(self, question, text: str, graded) -> None:
        if self.view is not None and self.view.question is question:
            self.view.answer_text(text, graded)
            self.answered()

    def grade_failed(self, message: str) -> None:
        answer = self.query_one("#quiz-answer", Input)
        answer.disabled = False
        self.query_one("#quiz-result", Static).update(f"not graded, not recorded: {message}")

    def answered(self) -> None:
        answer = self.query_one("#quiz-answer", Input)
        answer.disabled = False
        self.set_focus(None)  # keys again: n goes on
        self.render_state()

    def action_leave(self) -> None:
        self.app.switch_mode("overview")

    # --- drawing -------------------------------------------------------------------------

    def render_state(self) -> None:
        get = self.query_one
        view = self.view
        question = view.question if view is not None else None
        if question is None:
            finished = view is not None and view.finished and view.number
            text = summary_text(view.summary, self.refused) if finished else (
                "Making the next question..." if view is not None and view.number else self.message)
            get("#quiz-heading", Static).update(Text("Summary" if finished else "Quiz", style="bold"))
            get("#quiz-prompt", Static).update(text)
            for name in ("#quiz-code", "#quiz-choices", "#quiz-result"):
                get(name, Static).update("")
            get("#quiz-answer", Input).display = False
            return
        get("#quiz-heading", Static).update(Text(heading(view.number, question), style="bold"))
        get("#quiz-prompt", Static).update(question.prompt)
        numbered = bool(question.source.start_line) and question.language != "diff"  # a diff has its own
        code = Syntax(question.code, question.language or "python", line_numbers=numbered,
                      start_line=question.source.start_line or 1, word_wrap=False,
                      theme="ansi_dark") if question.code else ""
        get("#quiz-code", Static).update(code)
        choices = Text()
        for i, line in enumerate(choice_lines(question)):
            style = ""
            if view.outcome is not None:
                if question.choices[i] == question.answer:
                    style = "bold green"
                elif i == view.cursor:
                    style = "bold red"
            elif i == view.cursor:
                style = "reverse"
            choices.append(("> " if i == view.cursor else "  ") + line + "\n", style=style)
        get("#quiz-choices", Static).update(choices)
        answer = get("#quiz-answer", Input)
        opened = not question.choices and view.outcome is None
        if opened and not answer.display:
            answer.value = ""
            answer.display = True
            answer.focus()
        elif not opened:
            answer.display = False
        if view.outcome is not None:
            more = "n: next question" if view.pending or not view.finished else "n: summary"
            get("#quiz-result", Static).update(outcome_text(view.outcome) + f"\n\n{more}")
        elif question.choices:
            get("#quiz-result", Static).update("1-4 or arrows + enter to answer")
        elif not answer.disabled:
            get("#quiz-result", Static).update("type your answer and press enter")
