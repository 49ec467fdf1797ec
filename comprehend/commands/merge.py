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
    from comprehend.adversary.shards import merge_results
    from comprehend.commands.check import emit, verdict_exit

    named = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            named.append((str(path), CheckResult.from_json(data)))
        except OSError as exc:
            raise UserError(f"{path}: cannot read ({exc.strerror}); pass the JSON file of a check run") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{path}: not a `comprehend check --format json` result ({exc}); "
                            "pass the JSON file of a check run") from exc
    result = merge_results(named, fail_on)
    emit(result, fmt, output)
    ctx.exit(verdict_exit(result))
