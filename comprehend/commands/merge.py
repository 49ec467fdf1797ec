"""`comprehend merge FILE...`: sharded `check --format json` results -> one verdict."""

from __future__ import annotations

import json
from pathlib import Path

import click

from comprehend.errors import UserError

FORMATS = ["text", "json", "sarif", "junit", "github", "markdown"]
SEVERITIES = ["info", "low", "medium", "high", "critical"]


@click.command(name="merge")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a finding is at or above this severity (default: the shards' own).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the merged report to FILE instead of standard output.")
@click.pass_context
def command(ctx: click.Context, files: tuple[Path, ...], fail_on: str | None, fmt: str,
            output: Path | None) -> None:
    """Merge the JSON results of `comprehend check --shard K/N` into one verdict."""
    from comprehend.adversary.review import CheckResult
    from comprehend.adversary.shards import merge_results, schema_problem
    from comprehend.commands.check import emit, exit_code

    named = []
    for path in files:
        advice = "pass the JSON file of `comprehend check --format json`"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UserError(f"{path}: cannot read ({exc.strerror}); {advice}") from exc
        except ValueError as exc:  # not JSON, or not UTF-8
            raise UserError(f"{path}: not JSON ({exc}); {advice}") from exc
        problem = schema_problem(data)
        if problem is not None:
            raise UserError(f"{path}: not a check result ({problem}); {advice}")
        try:
            named.append((str(path), CheckResult.from_json(data)))
        except (ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{path}: not a check result ({exc}); {advice}") from exc
    result = merge_results(named, fail_on)
    emit(result, fmt, output)
    ctx.exit(exit_code(result))
