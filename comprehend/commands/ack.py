"""`comprehend ack FINGERPRINT --reason TEXT`: acknowledge a reviewed finding in
`.comprehend/acks.toml`, a file committed with the code so that CI sees it."""

from __future__ import annotations

import re
from pathlib import Path

import click

from comprehend.commands._common import workspace_from
from comprehend.errors import UserError

_HEX = re.compile(r"^[0-9a-f]{6,32}$")


@click.command(name="ack")
@click.argument("fingerprint")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--reason", required=True, metavar="TEXT",
              help="Why the finding is intended (required; kept in the file for reviewers).")
@click.option("--force", is_flag=True,
              help="Acknowledge a whole fingerprint this store has never seen (one copied from "
                   "a CI report).")
@click.pass_context
def command(ctx: click.Context, fingerprint: str, path: Path, reason: str, force: bool) -> None:
    """Acknowledge the finding FINGERPRINT (as `comprehend check` prints it; a unique prefix
    of one this store recorded is enough). The entry goes to .comprehend/acks.toml in the
    working tree: commit it. It counts in `check` once it is on the base branch of a change,
    committed by a person (not an AI-authored commit)."""
    from comprehend.adversary.acks import ACKS_FILE, FINGERPRINT, add_ack
    from comprehend.store.runs import findings_by_fingerprint

    wanted = fingerprint.strip().lower()
    if not _HEX.match(wanted):
        raise UserError(f"FINGERPRINT {fingerprint!r}: expected the hex fingerprint a report "
                        "prints (32 digits, or a unique prefix of at least 6)")
    ws = workspace_from(ctx, path)
    who = _who(ws.repo)
    with ws.open_store() as store:
        known = findings_by_fingerprint(store, wanted)
    if len(known) > 1:
        options = ", ".join(f"{f['fingerprint'][:12]} ({f['rule']} in {f['file']})"
                            for f in known[:5])
        raise UserError(f"FINGERPRINT {wanted}: matches {len(known)} findings ({options}); "
                        "give more digits")
    if known:
        found = known[0]
        ack = add_ack(ws.repo.root, found["fingerprint"], reason, who, rule=found["rule"],
                      file=found["file"], title=found["title"])
        what = f"{found['rule']} in {found['file']}:{found['start_line']}: {found['title']}"
    elif not force:
        raise UserError(f"FINGERPRINT {wanted}: no finding with it in the store "
                        f"({ws.store_path}); run `comprehend check` first, or pass --force "
                        "to acknowledge a whole fingerprint copied from a CI report")
    elif not FINGERPRINT.match(wanted):
        raise UserError(f"FINGERPRINT {wanted}: --force needs the whole fingerprint (32 hex "
                        "digits), since the store cannot complete a prefix it has not seen")
    else:
        ack = add_ack(ws.repo.root, wanted, reason, who)
        what = "a finding this store has not recorded (--force)"
    click.echo(f"acknowledged {ack.fingerprint} as {who}: {what}")
    click.echo(f"written to {ACKS_FILE}:{ack.line}; commit it (it counts once it is on the "
               "base branch)")


def _who(repo) -> str:
    from comprehend import git

    email = git.user_email(repo)
    if not email:
        raise UserError("git user.email is not set: an acknowledgment names who made it; set "
                        "it with `git config user.email you@example.com`")
    return email
