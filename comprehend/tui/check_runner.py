"""`check` on one commit from the review, or the LLM critic asked about it: in a thread
worker, its progress published to whoever shows it (the Changes screen and an opened
change), esc cancels. Cancelling makes the next progress call raise inside the check; the
mutation engine then stops its test processes and the sandbox is removed on the way out
(its context manager), and nothing is recorded. The critic's proposed tests are killed at
once on esc; a critic that already called the model is recorded as cancelled, so its spend
stays in the audit trail. A finished job is stored like any other run."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace

from textual.worker import Worker, get_current_worker

from comprehend.errors import UserError

_MUTANT = re.compile(r"mutant (\d+)/(\d+)")


class CheckCancelled(Exception):
    """Raised from the progress callback once the worker is cancelled."""


@dataclass(frozen=True)
class CheckState:
    sha: str
    subject: str
    running: bool = True
    stage: str = "starting"
    done: int = 0
    total: int = 0  # mutants, once mutation testing has counted them
    outcome: str | None = None  # pass | fail | cancelled | error
    message: str = ""  # the outcome in a sentence
    job: str = "check"  # check | critic

    def label(self) -> str:
        if self.running:
            doing = "checking" if self.job == "check" else "asking the critic about"
            return f"{doing} {self.sha[:8]} ({self.subject}): {self.stage} — esc cancels"
        return self.message


def busy(app) -> bool:
    """True (and says so) when a check or a critic is running: one job at a time."""
    if app.check_state is not None and app.check_state.running:
        what = "a check" if app.check_state.job == "check" else "the critic's run"
        app.notify(f"{what} of {app.check_state.sha[:8]} is running; esc cancels it",
                   severity="warning")
        return True
    return False


def start_check(app, sha: str, subject: str) -> Worker | None:
    """Start a check of commit `sha` against its first parent; None when one is running."""
    if busy(app):
        return None
    app.publish_check(CheckState(sha, subject))
    return app.run_worker(lambda: _run(app, sha, subject), thread=True, group="check",
                          name=f"check {sha[:8]}", exit_on_error=False)


def start_critic(app, sha: str, subject: str, model: str, budget) -> Worker | None:
    """Ask the critic about commit `sha` (after the person confirmed its cost)."""
    if busy(app):
        return None
    cancel = threading.Event()
    app.publish_check(CheckState(sha, subject, job="critic"))
    worker = app.run_worker(lambda: _run_critic(app, sha, subject, model, budget, cancel),
                            thread=True, group="check", name=f"critic {sha[:8]}",
                            exit_on_error=False)
    _CANCEL[worker] = cancel
    return worker


# the critic's cancel flag per worker: esc sets it, which kills its tests at once
_CANCEL: dict[Worker, threading.Event] = {}


def cancel_check(app) -> bool:
    """Cancel the running check; False when none runs."""
    for worker in app.workers:
        if worker.group == "check" and worker.is_running:
            worker.cancel()
            if worker in _CANCEL:
                _CANCEL[worker].set()
            app.publish_check(replace(app.check_state, stage="cancelling, cleaning the sandbox"))
            return True
    return False


def _run(app, sha: str, subject: str) -> None:
    from comprehend.adversary.review import CheckOptions, run_check

    worker = get_current_worker()
    state = [CheckState(sha, subject)]

    def progress(message) -> None:
        if worker.is_cancelled:
            raise CheckCancelled
        if not isinstance(message, str):  # the engine's MutantProgress after each mutant
            state[0] = replace(state[0], stage=f"mutation: mutant {message.done}/{message.total}, "
                                               f"{message.survived} survived",
                               done=message.done, total=message.total)
            app.call_from_thread(app.publish_check, state[0])
            return
        found = _MUTANT.search(message)
        done, total = (int(found.group(1)), int(found.group(2))) if found else (state[0].done, state[0].total)
        state[0] = replace(state[0], stage=message, done=done, total=total)
        app.call_from_thread(app.publish_check, state[0])

    workspace = app.workspace
    try:
        with workspace.open_store() as store:
            result = run_check(workspace.repo, workspace.config, store,
                               CheckOptions(base=f"{sha}^", head=sha), progress)
    except CheckCancelled:
        final = replace(state[0], running=False, outcome="cancelled",
                        message=f"check of {sha[:8]} cancelled; its sandbox was removed")
    except UserError as exc:
        final = replace(state[0], running=False, outcome="error",
                        message=f"check of {sha[:8]} could not run: {exc.message}")
    else:
        counts = ", ".join(f"{n} {s}" for s, n in reversed(result.run["counts"].items()) if n)
        final = replace(state[0], running=False, outcome=result.verdict,
                        message=(f"check of {sha[:8]}: {result.verdict.upper()}"
                                 f"{' — ' + counts if counts else ', no findings'} (run {result.run['id']})"))
    if app.is_running:  # not when the app closed under the check
        app.call_from_thread(app.check_finished, final)


def _run_critic(app, sha: str, subject: str, model: str, budget, cancel: threading.Event) -> None:
    from comprehend.adversary.ask import ask_critic

    state = [CheckState(sha, subject, job="critic")]

    def progress(message: str) -> None:
        state[0] = replace(state[0], stage=message)
        app.call_from_thread(app.publish_check, state[0])

    workspace = app.workspace
    try:
        with workspace.open_store() as store:
            asked = ask_critic(workspace.repo, workspace.config, store, sha, model, budget,
                               progress, cancel)
    except InterruptedError:
        final = replace(state[0], running=False, outcome="cancelled",
                        message=f"critic on {sha[:8]} cancelled before asking; nothing was sent")
    except UserError as exc:
        final = replace(state[0], running=False, outcome="error",
                        message=f"critic on {sha[:8]} could not run: {exc.message}")
    else:
        spent = f"{asked.summary.get('tokens', 0):,} tokens, ${asked.summary.get('cost_usd', 0):.4f}"
        if asked.verdict == "cancelled":
            message = (f"critic on {sha[:8]} cancelled; its sandbox was removed ({spent} spent, "
                       f"run {asked.run_id})")
        elif asked.verdict == "error":
            message = f"critic on {sha[:8]} stopped: {asked.stopped} (run {asked.run_id})"
        else:
            message = (f"critic on {sha[:8]}: {asked.verdict.upper()} — "
                       f"{asked.summary.get('confirmed', 0)} of {len(asked.findings)} claim(s) "
                       f"confirmed by a failing test; {spent} (run {asked.run_id})")
        final = replace(state[0], running=False, outcome=asked.verdict, message=message)
    _CANCEL.pop(get_current_worker(), None)
    if app.is_running:
        app.call_from_thread(app.check_finished, final)
