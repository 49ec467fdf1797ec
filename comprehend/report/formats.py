"""`comprehend check --format NAME`: one renderer per output format, imported when used.
Every format gets the result with its secrets masked (`masked_result`)."""

from __future__ import annotations

import importlib

from comprehend.adversary.review import CheckResult
from comprehend.report.common import masked_result

# format -> module in comprehend.report defining render(result) -> str
FORMATS = {"text": "text", "json": "jsonout", "sarif": "sarif", "junit": "junit",
           "github": "github", "markdown": "markdown"}


def render(result: CheckResult, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    module = importlib.import_module(f"comprehend.report.{FORMATS[fmt]}")
    result = masked_result(result)
    if fmt == "text":
        return module.render(result, color=color, width=width)
    return module.render(result)
