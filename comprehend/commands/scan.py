"""`comprehend scan [PATH] [--json]`: one summary of a repository, merged from the code
graph's part (files, symbols, edges, ranks) and, when it is installed, the attribution
part (commits and lines by class, AI share). The text form draws any section generically,
so a new key in either part shows up without a change here."""

from __future__ import annotations

import importlib.util
import inspect
import json
from pathlib import Path
from typing import Any

import click

from comprehend.commands._common import workspace_from

HISTORY_SUMMARY = "comprehend.history.summary"


@click.command(name="scan")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--rev", default="HEAD", show_default=True, help="Revision to summarize.")
@click.pass_context
def command(ctx: click.Context, path: Path, as_json: bool, rev: str) -> None:
    """Summarize a repository: files, languages, symbols, edges, AI share."""
    from comprehend.commands._progress import progress_bar
    from comprehend.git import resolve_ref
    from comprehend.graph.build import build_graph, record_snapshot
    from comprehend.graph.summary import summarize

    workspace = workspace_from(ctx, path)
    sha = resolve_ref(workspace.repo, rev, option="--rev")
    with workspace.open_store() as store:
        with progress_bar("parsing") as progress:
            graph = build_graph(workspace.repo, workspace.config, store, rev=sha, progress=progress)
        record_snapshot(store, graph)
        summary: dict[str, Any] = {"rev": sha}
        summary.update(summarize(graph))
        history = _history_summary(workspace, store, sha)
    for key, value in history.items():
        if isinstance(value, dict) and isinstance(summary.get(key), dict):
            summary[key] = {**summary[key], **value}
        else:
            summary[key] = value
    if as_json:
        from comprehend.display import without_surrogates

        click.echo(json.dumps(without_surrogates(summary), indent=2, ensure_ascii=False))
        return
    _render(summary)


def _history_summary(workspace, store, sha: str) -> dict[str, Any]:
    """The attribution part, if that part of comprehend is installed."""
    if importlib.util.find_spec(HISTORY_SUMMARY) is None:
        return {}
    from comprehend.commands._progress import progress_bar

    summarize = importlib.import_module(HISTORY_SUMMARY).summarize
    accepted = inspect.signature(summarize).parameters
    with progress_bar("attributing") as progress:
        kwargs: dict[str, Any] = {}
        if "rev" in accepted:
            kwargs["rev"] = sha
        if "progress" in accepted:
            kwargs["progress"] = progress
        return summarize(workspace, store, **kwargs)


# --- text rendering ------------------------------------------------------------------------


def _render(summary: dict[str, Any]) -> None:
    from rich.console import Console

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich exits 1 here; the CLI's own handling makes a closed pipe quiet and 141
            raise BrokenPipeError

    console = PipeAwareConsole(highlight=False)
    scalars = {k: v for k, v in summary.items() if not isinstance(v, dict | list)}
    if scalars:
        console.print(_table("summary", scalars.items()))
    for key, value in summary.items():
        if isinstance(value, dict):
            _render_section(console, key, value)
        elif isinstance(value, list):
            _render_list(console, key, value)


def _render_section(console, title: str, section: dict[str, Any]) -> None:
    rows = []
    later = []
    for key, value in section.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            later.append((f"{title}.{key}", value))
        elif isinstance(value, dict) and len(value) > 8:
            later.append((f"{title}.{key}", value))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            later.append((f"{title}.{key}", value))
        else:
            rows.append((key, _cell(value)))
    if rows:
        console.print(_table(title, rows))
    for name, value in later:
        if isinstance(value, list):
            _render_list(console, name, value)
        elif all(isinstance(v, dict) for v in value.values()):
            _render_rows(console, name, [{"": k, **v} for k, v in value.items()])
        else:
            console.print(_table(name, ((k, _cell(v)) for k, v in value.items())))


def _render_list(console, title: str, items: list[Any]) -> None:
    if items and all(isinstance(item, dict) for item in items):
        _render_rows(console, title, items)
    elif items:
        console.print(_table(title, ((str(i + 1), _cell(item)) for i, item in enumerate(items))))


def _render_rows(console, title: str, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    table = Table(title=title, title_justify="left", show_header=True)
    for column in columns:
        table.add_column(_text(column))
    for row in rows:
        table.add_row(*(_text(row.get(column, "")) for column in columns))
    console.print(table)


def _table(title: str, rows):
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value")
    for key, value in rows:
        table.add_row(_text(key), _text(value))
    return table


def _text(value: Any):
    """A cell as rich Text: brackets in a file name or subject are not markup."""
    from rich.text import Text

    return Text(_cell(value))


def _cell(value: Any) -> str:
    """A value as one table cell; repository text (paths, names) without control characters."""
    from comprehend.display import printable

    return printable(_plain(value), one_line=True)


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        if value and all(isinstance(v, list) for v in value):
            return "; ".join(" <-> ".join(map(str, v)) for v in value)
        return ", ".join(map(str, value)) or "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if value is None:
        return "-"
    return str(value)
