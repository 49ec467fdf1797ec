"""`comprehend check --format NAME`: one renderer per output format, imported when used."""

from __future__ import annotations

import importlib

from comprehend.adversary.review import CheckResult

# format -> module in comprehend.report defining render(result) -> str
FORMATS = {"text": "text", "json": "jsonout", "sarif": "sarif", "junit": "junit",
           "github": "github", "markdown": "markdown"}


def render(result: CheckResult, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    module = importlib.import_module(f"comprehend.report.{FORMATS[fmt]}")
    if fmt == "text":
        return module.render(result, color=color, width=width)
    return module.render(result)
