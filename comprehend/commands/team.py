"""`comprehend team [PATH] [--json | --html FILE] [--since DATE]`: comprehension debt now and
week by week, where it sits, knowledge islands, the truck factor, each member's reach."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from comprehend.commands._common import workspace_from
from comprehend.errors import UserError


@click.command(name="team")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report as one self-contained HTML file.")
@click.option("--since", help="First week of the trend (YYYY-MM-DD; default: 26 weeks ago).")
@click.option("--member", help="Show only this member (an email) among members and islands.")
@click.pass_context
def command(ctx: click.Context, path: Path, as_json: bool, html_file: Path | None,
            since: str | None, member: str | None) -> None:
    """Show the team's comprehension debt, week by week."""
    from comprehend.commands._progress import progress_bar
    from comprehend.views.team import load_team

    if as_json and html_file:
        raise UserError("--json and --html: pass one of them")
    start = _date(since) if since else None
    workspace = workspace_from(ctx, path)
    with workspace.open_store() as store, progress_bar("blaming") as progress:
        report = load_team(workspace, store, since=start, progress=progress)
    if member is not None:
        report = report.for_member(member)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, sort_keys=True))
        return
    if html_file is not None:
        from comprehend.report.team_html import render_html

        try:
            html_file.write_text(render_html(report, workspace.repo.root.name), encoding="utf-8")
        except OSError as exc:
            raise UserError(f"--html {html_file}: cannot write ({exc.strerror})") from exc
        click.echo(f"wrote {html_file}")
        return
    from comprehend.report.team_text import render_text

    render_text(report)


def _date(text: str) -> float:
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise UserError(f"--since {text}: not a date; pass YYYY-MM-DD, e.g. 2026-01-31") from None
    return day.timestamp()
