"""The command line. Kept light: `comprehend --help` imports click and nothing heavy.
Each command lives in comprehend/commands/<name>.py and is imported only when run."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from comprehend import __version__
from comprehend.errors import EXIT_INTERRUPTED, EXIT_USAGE, UserError

# name -> one-line help. The module comprehend.commands.<name> defines `command`.
COMMANDS: dict[str, str] = {
    "demo": "Build the demo repository and open the review on it.",
    "review": "Open the review (a terminal UI) on a repository.",
    "scan": "Summarize a repository: files, languages, symbols, edges, AI share.",
    "graph": "Export the code graph as JSON, DOT, GraphML or Mermaid.",
    "blame": "Show who wrote each line of a file, human or AI, and the evidence.",
    "check": "Review a change with the adversary; a pre-merge gate for CI.",
    "ack": "Acknowledge a reviewed finding so it no longer fails check.",
    "merge": "Merge sharded check results into one verdict.",
    "quiz": "Run a team quiz session on this repository's code.",
    "team": "Show the team's comprehension debt, week by week.",
    "serve": "Serve the review in a web browser.",
    "sync": "Share quiz answers and review runs with a team store.",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"comprehend.commands.{name}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help text from the table above, so listing commands imports none of them.
        with formatter.section("Commands"):
            formatter.write_dl(list(COMMANDS.items()))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="comprehend")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite store to use (default: .git/comprehend/comprehend.db).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Configuration file (default: .comprehend.toml or pyproject.toml).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, config_file: Path | None, debug: bool) -> None:
    """comprehend: which code here did AI write, would anything catch it if it were
    wrong, and does the team still understand it."""
    ctx.obj = {"db": db, "config": config_file, "debug": debug}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("COMPREHEND_DEBUG") == "1"
    try:
        code = cli.main(args=args, prog_name="comprehend", standalone_mode=False)
    except click.exceptions.Abort:
        _fail("interrupted", EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        if debug:
            raise
        _fail("interrupted", EXIT_INTERRUPTED)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UserError as exc:
        if debug:
            raise
        _fail(exc.message, exc.exit_code)
    except BrokenPipeError:
        # Output piped into `head`: quiet exit, and no second error at interpreter shutdown.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        # A store that opened but does not hold what its schema version promises (edited by
        # hand, or written by a development build): one line with the way out.
        if debug or type(exc).__module__ != "sqlite3":
            raise
        _fail(
            f"the store could not be read or written ({exc}); move it aside or pass --db PATH "
            "for a fresh one (--debug shows where)",
            EXIT_USAGE,
        )
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> None:
    click.echo(f"comprehend: {message}", err=True)
    sys.exit(code)


__all__ = ["cli", "main", "COMMANDS", "EXIT_USAGE"]
