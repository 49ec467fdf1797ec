"""What commands share: opening the workspace from global options, the not-built stub."""

from __future__ import annotations

from pathlib import Path

import click

from comprehend.errors import NotBuiltError


def workspace_from(ctx: click.Context, path: Path | str, config_at=None):
    """`config_at(repo) -> commit`: read the configuration committed there, not the working
    tree's (--config FILE still wins)."""
    from comprehend.workspace import open_workspace

    obj = ctx.find_root().obj or {}
    return open_workspace(path, db=obj.get("db"), config_file=obj.get("config"),
                          config_at=config_at)


def not_built(name: str, what: str) -> click.Command:
    """A command registered under its final name whose capability has not landed yet."""

    @click.command(name=name, context_settings={"ignore_unknown_options": True},
                   help=f"{what} (not built yet).")
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def stub(args: tuple[str, ...]) -> None:
        raise NotBuiltError(f"'comprehend {name}' is not built yet: {what[0].lower()}{what[1:]}")

    return stub
