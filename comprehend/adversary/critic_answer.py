"""The critic's answer schema, checked in code. The model answers a JSON object:

    {"defects": [{"title": "...", "file": "shop/price.py", "line": 7,
                  "kind": "bug" | "regression", "explanation": "...",
                  "test": "<a whole pytest module>"}]}

Anything else (prose, a verdict, an "approved") is not an answer: it gets one repair
request, then the check stops with an error. Keys outside the schema are ignored, so a
model talked into writing "approved": true changes nothing."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

MAX_CLAIMS = 5
MAX_TEST_CHARS = 20_000
KINDS = ("bug", "regression")

SCHEMA_TEXT = """{"defects": [{"title": string (one line), "file": string (repository path),
  "line": integer, "kind": "bug" | "regression", "explanation": string,
  "test": string (a complete pytest module)}]}"""


class MalformedAnswer(ValueError):
    """Why an answer does not fit the schema (said back to the model in the repair request)."""


@dataclass(frozen=True)
class Claim:
    title: str
    file: str
    line: int
    kind: str  # bug: fails on head; regression: also passes on base
    explanation: str
    test: str  # pytest module source


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.DOTALL)


def parse_answer(text: str) -> tuple[tuple[Claim, ...], int]:
    """The claims (at most MAX_CLAIMS) and how many more the answer held."""
    fenced = _FENCE.match(text)
    body = fenced.group(1) if fenced else text
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise MalformedAnswer(f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("defects"), list):
        raise MalformedAnswer('the top level must be an object with a "defects" array')
    claims = [_claim(i, entry) for i, entry in enumerate(data["defects"])]
    return tuple(claims[:MAX_CLAIMS]), max(0, len(claims) - MAX_CLAIMS)


def _claim(index: int, entry: object) -> Claim:
    where = f"defects[{index}]"
    if not isinstance(entry, dict):
        raise MalformedAnswer(f"{where} must be an object")
    for key, kind in (("title", str), ("file", str), ("line", int), ("kind", str), ("test", str)):
        value = entry.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise MalformedAnswer(f"{where}.{key} must be {'a string' if kind is str else 'an integer'}")
    if entry["kind"] not in KINDS:
        raise MalformedAnswer(f'{where}.kind must be "bug" or "regression"')
    test = entry["test"]
    if len(test) > MAX_TEST_CHARS:
        raise MalformedAnswer(f"{where}.test is longer than {MAX_TEST_CHARS} characters")
    try:
        tree = ast.parse(test)
    except SyntaxError as exc:
        raise MalformedAnswer(f"{where}.test is not valid Python ({exc.msg}, line {exc.lineno})") from exc
    if not any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test")
               for n in tree.body):
        raise MalformedAnswer(f"{where}.test defines no top-level test_ function")
    explanation = entry.get("explanation", "")
    return Claim(title=" ".join(entry["title"].split())[:200], file=entry["file"].strip(),
                 line=max(1, entry["line"]), kind=entry["kind"],
                 explanation=explanation if isinstance(explanation, str) else "", test=test)
