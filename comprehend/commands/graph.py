"""`comprehend graph [PATH] --format json|dot|graphml|mermaid`: export the code graph."""

from __future__ import annotations

from pathlib import Path

import click

from comprehend.commands._common import workspace_from
from comprehend.errors import UserError

FORMATS = ("json", "dot", "graphml", "mermaid")


@click.command(name="graph")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
              help="json is networkx node-link data: nodes (id, kind, path, ...), edges "
                   "(source, target, kind, confidence).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of standard output.")
@click.option("--level", type=click.Choice(("module", "symbol")), default="symbol", show_default=True,
              help="module: packages, modules and externals with their imports.")
@click.option("--focus", metavar="NAME", default=None,
              help="Only the neighbourhood of one node: an id, a module path or a name like Store.close.")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="With --focus: how many edges away to go.")
@click.option("--rev", default="HEAD", show_default=True, help="Revision to read the code at.")
@click.option("--worktree", is_flag=True, help="Read the working tree's files instead of --rev.")
@click.pass_context
def command(ctx: click.Context, path: Path, fmt: str, output: Path | None, level: str,
            focus: str | None, depth: int, rev: str, worktree: bool) -> None:
    """Export the code graph as JSON, DOT, GraphML or Mermaid."""
    from comprehend.commands._progress import progress_bar
    from comprehend.graph.build import build_graph
    from comprehend.graph.export import render, view

    if worktree and ctx.get_parameter_source("rev") is click.core.ParameterSource.COMMANDLINE:
        raise UserError("--worktree reads the working tree and --rev a commit: pass one of them")
    workspace = workspace_from(ctx, path)
    with workspace.open_store() as store, progress_bar("parsing") as progress:
        graph = build_graph(workspace.repo, workspace.config, store,
                            rev=None if worktree else rev, progress=progress)
    nodes, edges = view(graph, level=level, focus=focus, depth=depth)
    text = render(nodes, edges, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--output {output}: cannot write ({exc.strerror}); pass a writable path") from exc
    click.echo(f"comprehend: wrote {len(nodes)} nodes and {len(edges)} edges to {output}", err=True)
