"""`comprehend demo [DIR]`: build the demo repository, then open the review on it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from comprehend.commands._common import workspace_from


@click.command(name="demo")
@click.argument("directory", metavar="[DIR]", required=False, type=click.Path(path_type=Path))
@click.option("--no-tui", is_flag=True, help="Print a plain summary instead of opening the UI.")
@click.pass_context
def command(ctx: click.Context, directory: Path | None, no_tui: bool) -> None:
    """Build the demo repository in DIR (a new or empty folder; default: a fresh temporary
    folder) and open the review on it.

    The demo is a small shop library written over six weeks by three people, GitHub
    Copilot's coding agent, aider, Cursor, Claude Code and dependabot; one AI commit hides
    a bug behind a test rewritten to match it."""
    from comprehend.commands.review import open_review
    from comprehend.demo import build_demo

    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="comprehend-demo-")) / "shopcart"
    demo = build_demo(directory)
    click.echo(f"Demo repository: {demo.path} ({len(demo.commits)} commits)")
    if open_review(workspace_from(ctx, demo.path), tui=not no_tui):
        click.echo(f"The demo stays in {demo.path}; `comprehend review {demo.path}` reopens it.")
