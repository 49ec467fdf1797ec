"""The `c` key of Changes and of an opened change: ask the LLM critic about a commit. No
model configured: one line on how to configure one. Otherwise its cost is estimated in a
thread (nothing is sent), shown for confirmation, and only then the critic runs in the
check worker (check_runner.start_critic: progress shown, esc cancels)."""

from __future__ import annotations

from comprehend.errors import UserError
from comprehend.tui.check_runner import busy, start_critic
from comprehend.views.critic import NO_MODEL


def ask_critic(app, sha: str, subject: str) -> None:
    from comprehend import llm

    model = app.critic_model
    if not model:
        app.notify(NO_MODEL, severity="warning")
        return
    if not llm.available():
        app.notify(f"the LLM critic needs litellm, which is not installed; install it with "
                   f"{llm.INSTALL_HINT}", severity="warning")
        return
    if busy(app):
        return
    app.notify(f"estimating what asking {model} about {sha[:8]} would cost (nothing is sent)",
               timeout=3)
    app.run_worker(lambda: _estimate(app, sha, subject, model), thread=True, group="estimate",
                   exclusive=True, name=f"estimate {sha[:8]}", exit_on_error=False)


def _estimate(app, sha: str, subject: str, model: str) -> None:
    from comprehend.adversary.ask import estimate_ask

    workspace = app.workspace
    try:
        with workspace.open_store() as store:
            estimate = estimate_ask(workspace.repo, workspace.config, store, sha, model)
    except UserError as exc:
        app.call_from_thread(app.notify, f"cannot ask the critic about {sha[:8]}: {exc.message}",
                             severity="error")
        return
    if app.is_running:
        app.call_from_thread(_confirm, app, sha, subject, model, estimate)


def _confirm(app, sha: str, subject: str, model: str, estimate) -> None:
    from comprehend.tui.screens.ask_critic import AskCriticScreen

    if estimate.items == 0:
        app.notify(f"nothing AI-written in {sha[:8]} to send to the critic"
                   + (f" ({len(estimate.denied)} deny-listed file(s))" if estimate.denied else ""),
                   severity="warning")
        return

    def answered(ask: bool | None) -> None:
        if ask:
            start_critic(app, sha, subject, model, app.critic_budget)

    app.push_screen(AskCriticScreen(sha, subject, estimate, app.critic_budget), answered)
