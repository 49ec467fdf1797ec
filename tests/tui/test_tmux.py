"""`comprehend review` in a real terminal: tmux runs it, we type keys and read the screen.

No sleeps: the pane's output is piped (tmux pipe-pane) into a FIFO, and the test reads the
screen again each time output arrives, until it shows what the step expects or a deadline
passes."""

from __future__ import annotations

import os
import select
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
DEADLINE_S = 30


class Terminal:
    """One private tmux server (its own socket) running one command in a 100x30 pane."""

    def __init__(self, folder: Path, command: str, env: dict[str, str]) -> None:
        self.socket = folder / "tmux.sock"
        self.env = env
        self.go = folder / "go"
        out = folder / "pane"
        os.mkfifo(self.go)
        os.mkfifo(out)
        # The command waits for `go` so that piping is in place before it draws anything,
        # and again after it exits so that its exit line stays on the screen to be read.
        script = (f"read _ < {shlex.quote(str(self.go))}; {command}; "
                  f"echo comprehend exited with $?; read _ < {shlex.quote(str(self.go))}")
        self.tmux("new-session", "-d", "-s", "review", "-x", "100", "-y", "30", script)
        self.tmux("pipe-pane", "-t", "review", f"cat > {shlex.quote(str(out))}")
        # Read and write: opening never blocks, and the stream never ends while we hold it.
        self.out = os.open(out, os.O_RDWR)
        self.release()

    def tmux(self, *args: str) -> str:
        proc = subprocess.run([TMUX, "-S", str(self.socket), "-f", os.devnull, *args],
                              env=self.env, capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def release(self) -> None:
        with open(self.go, "w") as fifo:
            fifo.write("go\n")

    def press(self, key: str) -> None:
        self.tmux("send-keys", "-t", "review", key)

    def wait_for(self, *shown: str, gone: str | None = None) -> str:
        """The screen, once it shows every text in `shown` and no longer `gone`. It is read
        again each time the pane writes, so a half-drawn frame is never the answer. (tmux
        sends output to the pipe and into its screen in one step, before any capture.)"""
        end = time.monotonic() + DEADLINE_S
        while True:
            screen = self.screen()
            if all(text in screen for text in shown) and (gone is None or gone not in screen):
                return screen
            ready, _, _ = select.select([self.out], [], [], max(end - time.monotonic(), 0))
            assert ready, f"{shown} (without {gone!r}) not drawn in {DEADLINE_S} s:\n{screen}"
            os.read(self.out, 65536)

    def wait_until(self, done, what: str) -> None:
        """Until `done()` holds, checked each time the pane writes (or a deadline passes)."""
        end = time.monotonic() + DEADLINE_S
        while not done():
            ready, _, _ = select.select([self.out], [], [], max(end - time.monotonic(), 0))
            assert ready, f"{what}: not within {DEADLINE_S} s:\n{self.screen()}"
            os.read(self.out, 65536)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "review")

    def close(self) -> None:
        subprocess.run([TMUX, "-S", str(self.socket), "kill-server"], env=self.env,
                       capture_output=True, timeout=30)
        os.close(self.out)


@pytest.mark.slow
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed; this test drives the UI through it")
def test_review_in_tmux_overview_changes_filter_findings_editor_and_quit(
    checked_demo, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    demo = checked_demo.demo
    # $EDITOR: a script that writes down how it was called, then returns to the review.
    called = tmp_path / "editor-args"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {shlex.quote(str(called))}\n')
    editor.chmod(0o755)
    path = checked_demo.copy(tmp_path)  # `e` writes nothing, but a stray key could run a check
    command = f"{shlex.quote(sys.executable)} -m comprehend review {shlex.quote(str(path))}"
    env = {**clean_env, "TERM": "xterm-256color", "EDITOR": str(editor), "VISUAL": ""}
    term = Terminal(tmp_path, command, env)
    try:
        overview = term.wait_for("Top-risk modules", "shopcart/discounts.py  0.02", "Release 0.2.0",
                                 "copilot-agent 20", "no quiz answers yet", "q Quit").splitlines()
        assert f"comprehend — shopcart · main @ {demo.head[:8]}" in overview[0]
        assert overview[1] == " 1 Overview   2 Changes   3 Graph   4 Findings   5 Quiz   6 Team"
        assert overview[2] == " 18 commits from 2026-09-01 to 2026-10-14 by 6 authors; 24 files"
        assert overview[3].rstrip() == (
            " Commits ai 4: aider, claude-code, copilot-agent, cursor; bot 1: dependabot; human 13")
        assert overview[4].rstrip() == (
            " Lines   at least 30.4% AI, 168 of 553: aider 66, claude-code 43, cursor 39, copilot-agent 20")
        assert overview[5].rstrip() == (
            " Debt    no quiz answers yet: `comprehend quiz` (or key 5 here) asks the first questions")
        assert overview[6].startswith("╭─ Authors: 3 people, 2 AI agents, 1 bot ─")
        assert overview[8].startswith("│       6  human 5, ai 1     Maya Patel              maya@shopca")
        assert overview[-1].startswith("1 Overview 2 Changes 3 Graph 4 Findings 5 Quiz 6 Team ? Help q Quit")

        term.press("2")
        changes = term.wait_for("AI-authored changes", "4 AI-authored commits", gone="Top-risk modules")
        claude = next(line for line in changes.splitlines() if demo.rewritten.commit[:8] in line)
        assert "claude-code" in claude and " fail " in claude
        assert changes.splitlines()[1] == overview[1]

        term.press("/")
        term.wait_for("filter: tool:")  # focus moves to the filter line before the next key
        term.press("tool:aider")
        term.wait_for("1 of 4 AI-authored commits match tool:aider", "esc Clear filter")
        term.press("Enter")  # filters as typed; enter hands the keys back to the list
        filtered = term.wait_for("1 of 4 AI-authored commits match tool:aider", gone="esc Clear filter")
        assert "Tomas Ortega (aider)" in filtered and demo.rewritten.commit[:8] not in filtered

        term.press("4")
        findings = term.wait_for("Findings: 2 failing, 0 acknowledged", "9 findings")
        first = next(line for line in findings.splitlines() if "rewritten-expectation" in line)
        assert "tests/test_discounts.py" in first and f" {demo.rewritten.line} " in first

        term.press("e")  # the first finding's file at its line in $EDITOR, then back
        term.wait_until(called.exists, "the editor ran")
        term.wait_for("Findings: 2 failing, 0 acknowledged", "9 findings")
        assert called.read_text().splitlines() == [
            f"+{demo.rewritten.line}", str(path / demo.rewritten.file)]

        term.press("q")
        assert "comprehend exited with 0" in term.wait_for("comprehend exited with")
        term.release()
    finally:
        term.close()
