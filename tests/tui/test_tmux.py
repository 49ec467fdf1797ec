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

from comprehend.demo import DemoRepo

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

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "review")

    def close(self) -> None:
        subprocess.run([TMUX, "-S", str(self.socket), "kill-server"], env=self.env,
                       capture_output=True, timeout=30)
        os.close(self.out)


@pytest.mark.slow
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed; this test drives the UI through it")
def test_review_in_tmux_shows_overview_switches_to_changes_and_quits(
    demo: DemoRepo, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    command = f"{shlex.quote(sys.executable)} -m comprehend review {shlex.quote(str(demo.path))}"
    term = Terminal(tmp_path, command, {**clean_env, "TERM": "xterm-256color"})
    try:
        overview = term.wait_for("latest 15 commits of 18", "dependabot[bot]", "TypeScript",
                                 "copilot-agent 20", "q Quit").splitlines()
        assert f"comprehend — shopcart · main @ {demo.head[:8]}" in overview[0]
        assert overview[1] == " 1 Overview   2 Changes   3 Graph   4 Findings   5 Quiz   6 Team"
        assert overview[2] == " 18 commits from 2026-09-01 to 2026-10-14 by 6 authors; 24 files"
        assert overview[3].rstrip() == (
            " Commits ai 4: aider, claude-code, copilot-agent, cursor; bot 1: dependabot; human 13")
        assert overview[4].rstrip() == (
            " Lines   at least 30.4% AI, 168 of 553: aider 66, claude-code 43, cursor 39, copilot-agent 20")
        assert overview[5].startswith("╭─ Authors: 3 people, 2 AI agents, 1 bot ─")
        assert overview[7].startswith("│       6  human 5, ai 1     Maya Patel              maya@shopcart")
        assert overview[-1].startswith("1 Overview 2 Changes 3 Graph 4 Findings 5 Quiz 6 Team ? Help q Quit")

        term.press("2")
        changes = term.wait_for("Not built yet.", "any change's diff.", gone="Maya Patel")
        assert "╭─ Changes ─" in changes
        assert "Here you will see the commits and branches of this" in changes
        assert changes.splitlines()[1] == overview[1]

        term.press("q")
        assert "comprehend exited with 0" in term.wait_for("comprehend exited with")
        term.release()
    finally:
        term.close()
