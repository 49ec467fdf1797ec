"""`comprehend quiz [PATH]`: a quiz on the repository's own code whose answers are proven,
in the Quiz screen of the review app, in line mode (--plain), or written to a file
(--export)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from comprehend.commands._common import workspace_from
from comprehend.errors import UserError


@click.command(name="quiz")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--user", "person", metavar="EMAIL", default=None,
              help="Who answers (default: git's user.email). Answers and memory are per person.")
@click.option("--count", type=click.IntRange(min=1, max=500), default=10, show_default=True,
              help="How many questions to ask.")
@click.option("--about", metavar="PATH|SYMBOL|REV", default=None,
              help="Only ask about a file or folder, a symbol (Cart.add), or what a commit "
                   "range changed (main..HEAD; the quiz is then about the range's end).")
@click.option("--plain", is_flag=True, help="Line mode on stdin/stdout: answer by number; ends at end of input.")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the questions, with their answers and evidence, to FILE as JSON instead of asking.")
@click.option("--seed", type=int, default=None, help="Same seed, same questions (default: the clock).")
@click.option("--kind", "kinds", metavar="KIND", multiple=True,
              help="Only ask questions of this kind (repeatable): callers, output, purpose, ...")
@click.option("--llm", "llm", metavar="MODEL", default=None,
              help="Add free-text purpose questions written and graded by this litellm model "
                   "(default: [llm] model).")
@click.option("--max-cost", type=click.FloatRange(min=0), metavar="USD", default=None,
              help="Stop calling the model before the session could spend more than USD.")
@click.option("--max-tokens", type=click.IntRange(min=1), metavar="N", default=None,
              help="Stop calling the model before the session could use more than N tokens.")
@click.pass_context
def command(ctx: click.Context, path: Path, person: str | None, count: int, about: str | None,
            plain: bool, export: Path | None, seed: int | None, kinds: tuple[str, ...],
            llm: str | None, max_cost: float | None, max_tokens: int | None) -> None:
    """Ask questions about this repository's code whose answers comprehend has proven
    (who calls this, what breaks, which commit wrote it, what a variable is for, ...).

    Keys in the Quiz screen: 1-4 or arrows + enter answer, n next, esc leaves; an open
    question (purpose, with a model) is answered in words in its input line."""
    from comprehend.llm import Budget, require_litellm
    from comprehend.quiz.session import plan_quiz

    if llm is not None:
        require_litellm(f"--llm {llm}")
    workspace = workspace_from(ctx, path)
    with workspace.open_store() as store:
        plan = plan_quiz(workspace, store, person=person, count=count, about=about, seed=seed,
                         llm=llm, budget=Budget(max_cost, max_tokens), kinds=kinds or None)
    if export is not None:
        _export(plan, export)
        return
    if not plain and sys.stdin.isatty() and sys.stdout.isatty():
        from comprehend.quiz.session import Feed
        from comprehend.views.quiz import SCREEN_AHEAD

        feed = Feed(plan, ahead=SCREEN_AHEAD)  # the first question is made while the app starts
        from comprehend.tui.quiz_app import QuizApp

        try:
            QuizApp(workspace, plan, feed, llm=llm, budget=Budget(max_cost, max_tokens)).run()
        finally:
            feed.stop()
        return
    _plain_session(workspace, plan)


def _export(plan, path: Path) -> None:
    from comprehend.quiz.session import Feed

    feed = Feed(plan)
    questions = []
    while (question := feed.next()) is not None:
        questions.append(question.to_json())
    try:
        path.write_text(json.dumps({"questions": questions}, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--export {path}: cannot write ({exc.strerror}); pass a writable path") from exc
    click.echo(f"comprehend: wrote {len(questions)} questions to {path} "
               f"({len(feed.refused)} candidates refused)", err=True)


def _plain_session(workspace, plan) -> None:
    from comprehend.quiz.session import Feed, Recorder, summarize
    from comprehend.views.quiz import choice_lines, heading, outcome_text, summary_text

    # The line mode asks for the next question once this one is answered: one more is
    # made ahead, so it is ready by then.
    feed = Feed(plan, ahead=2)
    number = 0
    with workspace.open_store() as store:
        recorder = Recorder(store, plan.person, model=plan.ctx.llm)
        try:
            while (question := feed.next()) is not None:
                number += 1
                click.echo(heading(number, question))
                click.echo(question.prompt)
                if question.code:
                    click.echo("\n".join("    " + line for line in question.code.splitlines()))
                for line in choice_lines(question):
                    click.echo("  " + line)
                shown = time.monotonic()
                choice = _read_choice(question)
                if choice is None:
                    break
                outcome = recorder.record(question, choice, time.monotonic() - shown)
                click.echo(outcome_text(outcome))
                click.echo("")
        finally:
            feed.stop()
        click.echo(summary_text(summarize(recorder.outcomes), len(feed.refused)))
    if number == 0 and not recorder.outcomes:
        reasons = feed.refusal_reasons().most_common(3)
        if reasons:
            click.echo("No question could be proven here; most common reasons: "
                       + "; ".join(f"{r} ({n})" for r, n in reasons), err=True)


def _read_choice(question) -> str | None:
    """The chosen text from stdin: a number for a multiple-choice question, the text itself
    for an open one; None at end of input or on q."""
    n = len(question.choices)
    while True:
        click.echo(f"answer [1-{n}, q to stop]: " if n else "answer (q to stop): ", nl=False)
        line = sys.stdin.readline()
        if not line:
            click.echo("")
            return None
        text = line.strip()
        if not sys.stdin.isatty():
            click.echo(text)  # a scripted answer, so the transcript reads like a session
        if text.lower() in ("q", "quit"):
            return None
        if not n:
            if text:
                return text
            continue
        if text.isdigit() and 1 <= int(text) <= n:
            return question.choices[int(text) - 1]
        click.echo(f"answer with a number from 1 to {n}")
