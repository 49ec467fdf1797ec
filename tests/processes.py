"""Processes seen through /proc, for tests that check nothing a run started outlives it."""

from __future__ import annotations

import time
from pathlib import Path


def processes_with(marker: str, wait: float = 5.0) -> list[int]:
    """Pids whose command line holds `marker`, once none is left or `wait` seconds passed."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
