"""`comprehend sync [PATH] [--remote NAME]`: share the team's quiz answers through the
repository's own remote (a notes ref of comprehend's own)."""

from __future__ import annotations

from pathlib import Path

import click

from comprehend.commands._common import workspace_from


@click.command(name="sync")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--remote", help="Remote to share through (default: the branch's, else origin).")
@click.pass_context
def command(ctx: click.Context, path: Path, remote: str | None) -> None:
    """Share quiz answers with the team through the repository's remote."""
    from comprehend.quiz.sync import REF, sync

    workspace = workspace_from(ctx, path)
    with workspace.open_store() as store:
        result = sync(workspace.repo, store, remote)
    click.echo(f"synced with {result.remote} ({REF}): sent {result.sent} answers, received "
               f"{result.received}; {result.total} answers shared in all")
    if result.skipped:
        click.echo(f"warning: {result.skipped} lines in {REF} were not answer records and were "
                   "skipped", err=True)
