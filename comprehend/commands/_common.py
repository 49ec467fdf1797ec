"""What commands share: opening the workspace from global options."""

from __future__ import annotations

from pathlib import Path

import click


def workspace_from(ctx: click.Context, path: Path | str, config_at=None):
    """`config_at(repo) -> commit`: read the configuration committed there, not the working
    tree's (--config FILE still wins)."""
    from comprehend.workspace import open_workspace

    obj = ctx.find_root().obj or {}
    return open_workspace(path, db=obj.get("db"), config_file=obj.get("config"),
                          config_at=config_at)

