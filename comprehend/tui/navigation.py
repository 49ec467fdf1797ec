"""The six screens in key order: mode name and label. Keys 1-6 follow this order."""

from __future__ import annotations

SCREENS: tuple[tuple[str, str], ...] = (
    ("overview", "Overview"),
    ("changes", "Changes"),
    ("graph", "Graph"),
    ("findings", "Findings"),
    ("quiz", "Quiz"),
    ("team", "Team"),
)
