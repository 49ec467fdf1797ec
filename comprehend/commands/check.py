"""`comprehend check`: the adversary on a change, as a pre-merge gate (exit 0 clean, 1 when
a finding is at or above --fail-on, 2 on bad input)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from comprehend.commands._common import workspace_from
from comprehend.errors import EXIT_FINDINGS, EXIT_OK, UserError

FORMATS = ["text", "json", "sarif", "junit", "github", "markdown"]
SEVERITIES = ["info", "low", "medium", "high", "critical"]


@click.command(name="check")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--base", metavar="REF",
              help="Review the change from REF (from its merge base with --head) to --head. "
                   "Default: the working tree against HEAD (in a pre-commit pre-push hook: "
                   "the pushed range).")
@click.option("--head", metavar="REF", help="The end of the change (default HEAD; needs --base).")
@click.option("--all-authors", is_flag=True,
              help="Review every author's changes, not only AI-authored ones.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a finding is at or above this severity "
                   "(default: [adversary] fail_on, high).")
@click.option("--no-exec", is_flag=True,
              help="Static rules only: run none of the repository's tests (no mutation).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of standard output.")
@click.option("--shard", metavar="K/N", default=None,
              help="Run the K-th of N deterministic slices of the mutants (merge the JSON "
                   "results with `comprehend merge`).")
@click.pass_context
def command(ctx: click.Context, path: Path, base: str | None, head: str | None,
            all_authors: bool, fail_on: str | None, no_exec: bool, fmt: str,
            output: Path | None, shard: str | None) -> None:
    """Review a change with the adversary: test integrity, risky changes and (unless
    --no-exec) mutation testing of the lines it added. This runs the repository's tests."""
    from comprehend.adversary.changes import resolve_spec
    from comprehend.adversary.review import CheckOptions, run_check
    from comprehend.adversary.shards import parse_shard

    shard_spec = parse_shard(shard) if shard else None
    if base is None and head is None and os.environ.get("PRE_COMMIT_FROM_REF"):
        # pre-commit's pre-push stage: review exactly what is being pushed
        base = os.environ["PRE_COMMIT_FROM_REF"]
        head = os.environ.get("PRE_COMMIT_TO_REF") or None
    # Configuration from the base of the change, never the head under review (it must not
    # choose its own gate); --config FILE still wins.
    ws = workspace_from(ctx, path, config_at=lambda repo: resolve_spec(repo, base, head).base)
    options = CheckOptions(base=base, head=head, all_authors=all_authors, fail_on=fail_on,
                           execute=not no_exec, shard=shard_spec)
    with ws.open_store() as store, _progress() as say:
        result = run_check(ws.repo, ws.config, store, options, progress=say)
    emit(result, fmt, output)
    ctx.exit(EXIT_FINDINGS if result.verdict == "fail" else EXIT_OK)


def emit(result, fmt: str, output: Path | None) -> None:
    """Render in `fmt` to --output or stdout; for github, also fill the job summary."""
    from comprehend.report.common import headline
    from comprehend.report.formats import render

    to_terminal = output is None and sys.stdout.isatty()
    width = None
    if to_terminal:
        width = os.get_terminal_size(sys.stdout.fileno()).columns
    text = render(result, fmt, color=to_terminal and not os.environ.get("NO_COLOR"), width=width)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"--output {output}: cannot write ({exc.strerror}); pass a writable path") from exc
        click.echo(f"comprehend check: {headline(result)} (report in {output})", err=True)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_path:
        from comprehend.report.github import step_summary

        try:
            with open(summary_path, "a", encoding="utf-8") as handle:
                handle.write(step_summary(result))
        except OSError as exc:
            raise UserError(f"GITHUB_STEP_SUMMARY {summary_path}: cannot append ({exc.strerror})") from exc


class _progress:
    """Progress on stderr while a terminal watches; silent in CI logs and pipes."""

    def __enter__(self):
        if not sys.stderr.isatty():
            return None
        from rich.console import Console

        self._status = Console(stderr=True).status("comprehend check")
        self._status.__enter__()
        return lambda message: self._status.update(f"comprehend check: {message}")

    def __exit__(self, *exc) -> None:
        if getattr(self, "_status", None) is not None:
            self._status.__exit__(*exc)
