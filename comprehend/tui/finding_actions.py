"""What Findings and an opened finding both do: acknowledge it (with a reason, in the file
`check` reads) and open its file at its line in $EDITOR (the app suspended meanwhile)."""

from __future__ import annotations

import os
import shlex
import subprocess

from textual.app import SuspendNotSupported

from comprehend.views.findings import FindingRow


def acknowledge(screen, finding: FindingRow) -> None:
    from comprehend.tui.screens.ack import AckScreen

    if finding.acknowledged:
        screen.notify(f"already acknowledged: {finding.acknowledged}")
        return

    def save(reason: str | None) -> None:
        if reason:
            save_ack(screen, finding, reason)

    screen.app.push_screen(AckScreen(finding), save)


def save_ack(screen, finding: FindingRow, reason: str) -> None:
    from comprehend.adversary.acks import add_ack
    from comprehend.errors import UserError
    from comprehend.git import user_email

    app = screen.app
    repo = app.workspace.repo
    who = user_email(repo)  # as `comprehend ack` names who acknowledged
    if who is None:
        app.notify("git user.email is not set: an acknowledgment names who made it; set it "
                   "with git config user.email", severity="error")
        return
    try:
        add_ack(repo.root, finding.fingerprint, reason, who, rule=finding.rule,
                file=finding.file, title=finding.title)
    except UserError as exc:
        app.notify(exc.message, severity="error")
        return
    app.notify(f"acknowledged {finding.rule} in {finding.file}:{finding.start_line}")
    app.data_changed()


def open_in_editor(screen, finding: FindingRow) -> None:
    app = screen.app
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    path = app.workspace.repo.root / finding.file
    if not path.is_file():
        app.notify(f"{finding.file} is not in the working tree", severity="warning")
        return
    argv = [*shlex.split(editor), f"+{finding.start_line}", str(path)]
    try:
        with app.suspend():
            result = subprocess.run(argv, check=False)
    except SuspendNotSupported:
        app.notify("this terminal cannot hand the screen to an editor", severity="warning")
        return
    except OSError as exc:
        app.notify(f"cannot run $EDITOR ({editor}): {exc.strerror}", severity="error")
        return
    if result.returncode != 0:
        app.notify(f"{editor} exited with {result.returncode}", severity="warning")
