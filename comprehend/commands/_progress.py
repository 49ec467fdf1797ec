"""Progress on stderr for long work: a bar only when stderr is a terminal (a pipe or a CI log
gets no control codes); for a check, plain lines in CI logs."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """Yields a `progress(done, total)` callback, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _in_ci() -> bool:
    return any(os.environ.get(name) for name in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE"))


@contextlib.contextmanager
def check_progress(label: str) -> Iterator[Callable[[Any], None] | None]:
    """Progress of a check on stderr. A terminal gets a bar once mutants run (done / total,
    survivors so far, time left); a CI log (not a terminal, $CI set) gets plain lines: each
    stage once, mutants at most every 10 % or 30 s. Anything else stays silent.

    The callback takes a message (str) or a mutant count: an object with `done`, `total` and
    `survived` (the mutation engine's MutantProgress)."""
    if sys.stderr.isatty():
        with _terminal(label) as say:
            yield say
    elif _in_ci():
        yield _PlainLines(label)
    else:
        yield None


class _PlainLines:
    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.last_shown = (-1.0, 0)  # (time, done)

    def __call__(self, event: Any) -> None:
        if isinstance(event, str):
            self._print(event)
            return
        now = time.monotonic()
        shown_at, shown_done = self.last_shown
        step = max(1, event.total // 10)
        if event.done < event.total and now - shown_at < 30 and event.done - shown_done < step:
            return
        self.last_shown = (now, event.done)
        left = _time_left(now - self.started, event.done, event.total)
        self._print(f"mutants {event.done}/{event.total}, {event.survived} survived"
                    + (f", about {left} left" if left else ""))

    def _print(self, text: str) -> None:
        print(f"{self.label}: {text}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _terminal(label: str) -> Iterator[Callable[[Any], None]]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[survived]}"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, survived="")

        def update(event: Any) -> None:
            if isinstance(event, str):
                bar.update(task, description=f"{label}: {event}")
            else:
                bar.update(task, description=f"{label}: mutants", completed=event.done,
                           total=event.total, survived=f"{event.survived} survived")

        yield update


def _time_left(elapsed: float, done: int, total: int) -> str | None:
    if done <= 0 or done >= total:
        return None
    seconds = int(elapsed / done * (total - done))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
