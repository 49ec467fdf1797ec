"""`comprehend blame FILE [--rev REV] [--json]`: each line's origin commit, class and tool,
then the evidence for every AI or bot commit shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from comprehend.commands._common import workspace_from
from comprehend.display import printable, shown_path, without_surrogates
from comprehend.errors import RepositoryError

_COLORS = {"ai": "magenta", "bot": "cyan", "human": None, "unknown": "yellow"}


@click.command(name="blame")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--rev", default="HEAD", show_default=True, help="Revision to blame the file at.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"file", "rev", "lines": [{"line", "commit", "class", "tool"}]}.')
@click.pass_context
def command(ctx: click.Context, file: Path, rev: str, as_json: bool) -> None:
    """Show who wrote each line of FILE, human or AI, and the evidence."""
    from comprehend.git import paths_at, read_blobs, resolve_ref
    from comprehend.history.attribution import commit_from_row
    from comprehend.history.blame import attribute_lines
    from comprehend.history.summary import SHALLOW_FIX
    from comprehend.store.history import load_commits

    target = Path(os.path.abspath(file))
    workspace = workspace_from(ctx, target.parent if target.parent.is_dir() else Path.cwd())
    path = _repo_path(workspace.repo.root, target, file)
    sha = resolve_ref(workspace.repo, rev, option="--rev")
    tracked = paths_at(workspace.repo, sha, [path])
    if path not in tracked:
        hint = ("it is not committed yet; commit it first" if target.is_file()
                else "pass a path tracked at that revision")
        raise RepositoryError(f"{file}: not a file in {rev} ({sha[:12]}); {hint}")
    if workspace.repo.shallow:
        click.echo(f"comprehend: shallow clone: lines older than its history are unknown; {SHALLOW_FIX}",
                   err=True)
    with workspace.open_store() as store:
        lines = attribute_lines(workspace.repo, workspace.config, store, path, sha,
                                on_warning=lambda w: click.echo(f"comprehend: {printable(w)}", err=True))
        if as_json:
            click.echo(json.dumps({
                "file": without_surrogates(path),
                "rev": sha,
                "lines": [{"line": a.line, "commit": a.commit, "class": a.cls, "tool": a.tool}
                          for a in lines],
            }, indent=2))
            return
        commits = {sha: commit_from_row(row)
                   for sha, row in load_commits(store, (a.commit for a in lines)).items()}
    blob = tracked[path].blob
    text = read_blobs(workspace.repo, [blob]).get(blob, b"").decode("utf-8", "replace").splitlines()
    _print_lines(path, rev, sha, lines, text)
    _print_evidence(lines, commits)


def _repo_path(root: Path, target: Path, given: Path) -> str:
    for base in (target, target.parent.resolve() / target.name):
        try:
            return base.relative_to(root).as_posix()
        except ValueError:
            continue
    raise RepositoryError(f"{given}: outside the repository at {root}; pass a file inside it")


def _print_lines(path, rev, sha, lines, text) -> None:
    counts = {c: 0 for c in ("ai", "bot", "human", "unknown")}
    for a in lines:
        counts[a.cls] += 1
    total = len(lines) or 1
    shown = ", ".join(f"{c} {n} ({n * 100 // total}%)" for c, n in counts.items() if n)
    click.echo(f"{shown_path(path)} at {printable(rev, one_line=True)} ({sha[:12]}): "
               f"{len(lines)} lines; {shown or 'empty'}")
    width = len(str(len(lines)))
    tool_width = max([len(a.tool or "-") for a in lines] + [4])
    for a in lines:
        body = printable(text[a.line - 1], one_line=True) if a.line - 1 < len(text) else ""
        label = f"{a.cls:<7} {(a.tool or '-'):<{tool_width}}"
        marker = " *" if a.source != "commit" else "  "
        row = f"{label}{marker} {body}".rstrip()
        if _COLORS[a.cls]:
            row = click.style(row[:len(label)], fg=_COLORS[a.cls]) + row[len(label):]
        click.echo(f"{a.line:>{width}} {a.commit[:10]} {row}")


def _print_evidence(lines, commits) -> None:
    sources = sorted({a.source for a in lines if a.source != "commit"})
    if sources:
        click.echo(f"\n* decided by {', '.join(sources)} line records, not the commit's class")
    shown: list[str] = []
    for a in lines:
        if a.commit not in shown and commits.get(a.commit) and commits[a.commit].cls in ("ai", "bot", "unknown"):
            shown.append(a.commit)
    if not shown:
        return
    click.echo("\nevidence:")
    for sha in shown:
        c = commits[sha]
        what = c.cls + (f" {c.tool}" if c.tool else "") + (f" ({c.model})" if c.model else "")
        mixed = ", mixed squash" if c.mixed else ""
        click.echo(f"  {sha[:10]} {what}, confidence {c.confidence:.2f}{mixed}: "
                   f"{printable(c.subject, one_line=True)}")
        for s in c.signals:
            click.echo(f"    {s.kind} in {s.where}: {printable(s.text, one_line=True)}")
