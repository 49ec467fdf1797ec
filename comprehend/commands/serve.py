"""`comprehend serve [PATH] [--host 127.0.0.1] [--port N]`: the review app (quiz included) in
a team's browsers, through textual-serve. Each browser connection runs its own app process:
a separate session, which asks who is answering before a quiz."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from comprehend.commands._common import workspace_from
from comprehend.errors import UserError

# Set in each served session: the app asks who answers instead of taking git's user.email
# (one machine, many people).
SERVED_ENV = "COMPREHEND_SERVED"


@click.command(name="serve")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface: anyone who can reach "
                   "it can use the app).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.pass_context
def command(ctx: click.Context, path: Path, host: str, port: int) -> None:
    """Serve the review in a web browser."""
    import socket

    from textual_serve.server import Server

    workspace = workspace_from(ctx, path)
    obj = ctx.find_root().obj or {}
    args = [sys.executable, "-m", "comprehend"]
    if obj.get("db"):
        args += ["--db", str(Path(obj["db"]).resolve())]
    if obj.get("config"):
        args += ["--config", str(Path(obj["config"]).resolve())]
    args += ["review", str(workspace.repo.root)]
    try:  # a port in use is bad input: say so before textual-serve prints its banner
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise UserError(f"--host {host} --port {port}: cannot listen there ({exc.strerror}); "
                        "pass another --port") from exc
    command_line = f"{SERVED_ENV}=1 {shlex.join(args)}"
    Server(command_line, host=host, port=port,
           title=f"comprehend: {workspace.repo.root.name}").serve()
