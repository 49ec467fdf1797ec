"""`comprehend review [PATH]`: the terminal UI on a repository, or a plain summary when
stdout is not a terminal (or with --no-tui)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from comprehend.commands._common import workspace_from


@click.command(name="review")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--no-tui", is_flag=True, help="Print a plain summary instead of opening the UI.")
@click.option("--json", "as_json", is_flag=True,
              help="Print what the screens show (overview, checks, risks, debt, changes, findings) as JSON.")
@click.option("--llm", "llm", metavar="MODEL", default=None,
              help="The litellm model `c` asks about a change (default: [llm] model).")
@click.option("--max-cost", type=click.FloatRange(min=0), metavar="USD", default=None,
              help="Stop each critic run before it could spend more than USD.")
@click.option("--max-tokens", type=click.IntRange(min=1), metavar="N", default=None,
              help="Stop each critic run before it could use more than N tokens.")
@click.pass_context
def command(ctx: click.Context, path: Path, no_tui: bool, as_json: bool, llm: str | None,
            max_cost: float | None, max_tokens: int | None) -> None:
    """Open the review (a terminal UI) on the repository at PATH (default: here).

    Keys: 1-6 switch screens, ? shows the keys of a screen, ctrl+p commands, q quits; on a
    change, r checks it and c asks the LLM critic (with a model). When stdout is not a
    terminal, or with --no-tui, prints a plain summary instead."""
    from comprehend.llm import Budget, require_litellm

    if llm is not None:
        require_litellm(f"--llm {llm}")
    workspace = workspace_from(ctx, path)
    if as_json:
        import json

        from comprehend.views.export import review_json

        with workspace.open_store() as store:
            click.echo(json.dumps(review_json(workspace, store), indent=2, sort_keys=True))
        return
    open_review(workspace, tui=not no_tui, llm=llm, budget=Budget(max_cost, max_tokens))


def open_review(workspace, *, tui: bool, llm: str | None = None, budget=None) -> bool:
    """Run the UI when asked and both ends are a terminal, else print the summary.
    Returns whether the UI ran."""
    # A session of `comprehend serve` talks to the browser through textual-serve's driver,
    # over pipes: the UI, never the summary.
    served = os.environ.get("COMPREHEND_SERVED") == "1" and "TEXTUAL_DRIVER" in os.environ
    if tui and (served or (sys.stdout.isatty() and sys.stdin.isatty())):
        from comprehend.tui.app import ReviewApp

        ReviewApp(workspace, llm=llm, budget=budget).run()
        return True
    from comprehend.history.share import line_share
    from comprehend.views.overview import SUMMARY_BLAME_BUDGET, format_summary, load_overview

    with workspace.open_store() as store:
        overview = load_overview(workspace, store)
        share = line_share(workspace, store, overview.head, budget=SUMMARY_BLAME_BUDGET)
    click.echo(format_summary(overview, share), nl=False)
    return False
