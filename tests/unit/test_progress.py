"""Progress of a check on stderr (comprehend/commands/_progress.py): a bar on a terminal,
plain lines in a CI log, nothing in a pipe elsewhere."""

from __future__ import annotations

import io
import sys

import pytest

from comprehend.adversary.mutation.engine import MutantProgress
from comprehend.commands._progress import check_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ci_logs_get_plain_lines_at_most_every_tenth(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CI", "true")
    with check_progress("comprehend check") as say:
        say("mutation: baseline test run")
        for done in range(21):
            say(MutantProgress(done, 20, done // 10))
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "comprehend check: mutation: baseline test run"
    assert [line.split(",")[0] for line in lines[1:]] == [
        f"comprehend check: mutants {n}/20" for n in (0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20)]
    assert lines[-1] == "comprehend check: mutants 20/20, 2 survived"
    assert lines[2].startswith("comprehend check: mutants 2/20, 0 survived, about ")


def test_a_pipe_outside_ci_stays_silent(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE"):
        monkeypatch.delenv(name, raising=False)
    with check_progress("comprehend check") as say:
        assert say is None
    assert capsys.readouterr().err == ""


def test_a_terminal_gets_a_bar_with_survivors(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with check_progress("comprehend check") as say:
        say("mutation: baseline test run")
        say(MutantProgress(3, 8, 1))
    shown = screen.getvalue()
    assert "mutants" in shown
    assert "3/8" in shown
    assert "1 survived" in shown
