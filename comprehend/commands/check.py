"""`comprehend check`: the adversary on a change, as a pre-merge gate (exit 0 clean, 1 when
a finding is at or above --fail-on, 2 on bad input)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from comprehend.commands._common import workspace_from
from comprehend.commands._progress import check_progress
from comprehend.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UserError

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
@click.option("--allow-incomplete", is_flag=True,
              help="Let the findings decide even when the change has files comprehend cannot "
                   "judge (other languages; Go/JS/TS code without mutation testing). Without "
                   "it such a change gets the verdict incomplete and exit 2.")
@click.option("--no-exec", is_flag=True,
              help="Static rules only: run none of the repository's tests (no mutation).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of standard output.")
@click.option("--shard", metavar="K/N", default=None,
              help="Run the K-th of N deterministic slices of the mutants (merge the JSON "
                   "results with `comprehend merge`).")
@click.option("--require-quiz", is_flag=True,
              help="Add a not-understood finding for each AI-changed symbol that no current "
                   "member has answered about correctly since it changed.")
@click.option("--llm", "llm", metavar="MODEL", default=None,
              help="Add the LLM critic with this litellm model (e.g. openai/gpt-4.1-mini); "
                   "default: [llm] model. Its claims count only when its tests fail.")
@click.option("--max-cost", type=click.FloatRange(min=0), metavar="USD", default=None,
              help="Stop the critic before it could spend more than USD (exit 2).")
@click.option("--max-tokens", type=click.IntRange(min=1), metavar="N", default=None,
              help="Stop the critic before it could use more than N tokens (exit 2).")
@click.pass_context
def command(ctx: click.Context, path: Path, base: str | None, head: str | None,
            all_authors: bool, fail_on: str | None, allow_incomplete: bool, no_exec: bool,
            fmt: str,
            output: Path | None, shard: str | None, require_quiz: bool, llm: str | None,
            max_cost: float | None, max_tokens: int | None) -> None:
    """Review a change with the adversary: test integrity, risky changes, (unless --no-exec)
    mutation testing of the lines it added and, with a model, the LLM critic. This runs the
    repository's tests."""
    from comprehend.adversary.changes import resolve_spec
    from comprehend.adversary.review import CheckOptions, run_check
    from comprehend.adversary.shards import parse_shard
    from comprehend.llm import require_litellm

    if llm is not None:
        require_litellm(f"--llm {llm}")
    shard_spec = parse_shard(shard) if shard else None
    if base is None and head is None and os.environ.get("PRE_COMMIT_FROM_REF"):
        # pre-commit's pre-push stage: review exactly what is being pushed
        base = os.environ["PRE_COMMIT_FROM_REF"]
        head = os.environ.get("PRE_COMMIT_TO_REF") or None
    # Configuration from the base of the change, never the head under review (it must not
    # choose its own gate); --config FILE still wins.
    ws = workspace_from(ctx, path, config_at=lambda repo: resolve_spec(repo, base, head).base)
    if llm is None and ws.config.llm.model:
        require_litellm(f"{ws.config.source}: [llm] model")
    with ws.open_store() as store, check_progress("comprehend check") as say:
        gate = None
        if require_quiz:
            from comprehend.quiz.gate import quiz_gate

            gate = quiz_gate(ws.repo, ws.config, store)
        options = CheckOptions(base=base, head=head, all_authors=all_authors, fail_on=fail_on,
                               execute=not no_exec, shard=shard_spec, extra=gate, llm=llm,
                               max_cost=max_cost, max_tokens=max_tokens,
                               allow_incomplete=allow_incomplete)
        result = run_check(ws.repo, ws.config, store, options, progress=say)
    emit(result, fmt, output)
    stopped = (result.run.get("llm") or {}).get("stopped")
    if stopped:  # findings so far are reported and recorded; the check cannot pass
        raise UserError(stopped)
    ctx.exit(exit_code(result))


def exit_code(result) -> int:
    """0 pass, 1 fail, 2 error (the tests could not run) or incomplete (files not judged),
    said in one line on stderr."""
    if result.verdict == "incomplete":
        click.echo("comprehend check: incomplete: some changed files could not be judged (see "
                   "'not judged' in the report); pass --allow-incomplete to let the findings "
                   "decide", err=True)
        return EXIT_USAGE
    if result.verdict == "error":
        click.echo(f"comprehend check: error: {result.run.get('error') or 'the tests could not run'}",
                   err=True)
        return EXIT_USAGE
    return EXIT_FINDINGS if result.verdict == "fail" else EXIT_OK


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
