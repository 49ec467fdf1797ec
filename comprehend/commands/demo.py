"""`comprehend demo [DIR]`: build the demo repository, open the review on it, then say what
to try next there."""

from __future__ import annotations

import shlex
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
    folder) and open the review on it; then print two commands to try on it next.

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
        click.echo(f"The demo stays in {demo.path}; `comprehend review {shlex.quote(str(demo.path))}` "
                   "reopens it.")
    else:
        click.echo("")
    steps = next_commands(demo)
    width = max(len(why) for why, _argv in steps) + 1
    for why, argv in steps:
        click.echo(f"{why + ':':<{width}} {shlex.join(argv)}")


def next_commands(demo) -> list[tuple[str, list[str]]]:
    """What to try on the demo next, as (why, command line)."""
    shas = [c.sha for c in demo.commits]
    claude = shas.index(demo.bug.commit)
    return [
        ("Attack the Claude Code commit",
         ["comprehend", "check", str(demo.path), "--base", shas[claude - 1][:8], "--head", shas[claude][:8]]),
        ("See which lines AI wrote", ["comprehend", "blame", str(demo.path / demo.bug.file)]),
    ]
