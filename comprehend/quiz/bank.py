"""The team bank: hand-written questions in TOML files in the repository's own `quizzes/`
folder, read at the commit being quizzed. The format is documented in quizzes/README.md. A
malformed file stops the session with one line naming the file and line: a bank is code
the team reviews, and a question silently dropped is a question nobody is asked."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from comprehend import git
from comprehend.errors import ConfigError
from comprehend.quiz.model import CATEGORIES

BANK_FOLDER = "quizzes/"
FIELDS = {"id", "prompt", "choices", "answer", "explanation", "category", "file", "symbol",
          "lines", "code", "language"}
REQUIRED = ("prompt", "choices", "answer")


class BankError(ConfigError):
    """A bank file that is not valid TOML or has a question missing what it needs."""


@dataclass(frozen=True)
class BankQuestion:
    file: str  # the bank file, repository-relative
    line: int  # the line of its [[question]] header
    prompt: str
    choices: tuple[str, ...]
    answer: str
    explanation: str
    category: str
    about_file: str | None
    symbol: str | None
    lines: tuple[int, int] | None
    code: str
    language: str


def bank_files(ctx) -> list[tuple[str, str]]:
    """(path, text) of every quizzes/*.toml at the context's head."""
    if ctx._bank_files is None:
        paths = [f for f in git.files_under(ctx.repo, ctx.head, [BANK_FOLDER.rstrip("/")])
                 if f.path.startswith(BANK_FOLDER) and f.path.endswith(".toml") and f.path.count("/") == 1]
        ctx._bank_files = [(f.path, ctx.source(f.path)) for f in sorted(paths, key=lambda f: f.path)]
    return ctx._bank_files


def load_bank(ctx) -> list[BankQuestion]:
    """Every question of every bank file, or BankError naming the first problem."""
    out: list[BankQuestion] = []
    for path, text in bank_files(ctx):
        out += parse_bank(path, text)
    return out


_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*question[ \t]*\]\]", re.MULTILINE)
_TOML_LINE = re.compile(r"at line (\d+)")


def parse_bank(path: str, text: str) -> list[BankQuestion]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = found.group(1) if found else "?"
        message = str(exc).split(" (at line")[0]
        raise BankError(f"{path}:{line}: invalid TOML ({message}); fix the question bank") from exc
    unknown = set(data) - {"question"}
    if unknown:
        raise BankError(f"{path}:1: unknown table {sorted(unknown)[0]!r}; a bank holds only "
                        "[[question]] entries (see quizzes/README.md)")
    entries = data.get("question", [])
    if not isinstance(entries, list):
        raise BankError(f"{path}:1: 'question' must be an array of tables ([[question]])")
    headers = [text[:m.start()].count("\n") + 1 for m in _HEADER.finditer(text)]
    return [_question(path, headers[i] if i < len(headers) else 1, entry) for i, entry in enumerate(entries)]


def _question(path: str, line: int, entry: dict[str, Any]) -> BankQuestion:
    where = f"{path}:{line}"

    def fail(what: str) -> BankError:
        return BankError(f"{where}: {what}; fix this [[question]] (format in quizzes/README.md)")

    extra = sorted(set(entry) - FIELDS)
    if extra:
        raise fail(f"unknown key {extra[0]!r}")
    for key in REQUIRED:
        if key not in entry:
            raise fail(f"missing key {key!r}")
    if not isinstance(entry["prompt"], str) or not entry["prompt"].strip():
        raise fail("'prompt' must be a non-empty string")
    choices = entry["choices"]
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise fail("'choices' must be a list of strings")
    if len(choices) == 1 or len(choices) > 6:
        raise fail("'choices' needs 2 to 6 entries (or none, for an open question)")
    if len(set(choices)) != len(choices):
        raise fail("'choices' has the same text twice")
    answer = entry["answer"]
    if not isinstance(answer, str) or (choices and answer not in choices):
        raise fail("'answer' must be the exact text of one of 'choices'")
    category = entry.get("category", "conceptual")
    if category not in CATEGORIES:
        raise fail(f"'category' must be one of {', '.join(CATEGORIES)}")
    lines = entry.get("lines")
    if lines is not None and not (isinstance(lines, list) and len(lines) == 2
                                  and all(isinstance(n, int) and n > 0 for n in lines) and lines[0] <= lines[1]):
        raise fail("'lines' must be [first, last] line numbers")
    for key in ("explanation", "file", "symbol", "code", "language", "id"):
        if key in entry and not isinstance(entry[key], str):
            raise fail(f"{key!r} must be a string")
    return BankQuestion(file=path, line=line, prompt=entry["prompt"].strip(), choices=tuple(choices),
                        answer=answer, explanation=entry.get("explanation", "").strip(),
                        category=category, about_file=entry.get("file"), symbol=entry.get("symbol"),
                        lines=tuple(lines) if lines else None, code=entry.get("code", ""),
                        language=entry.get("language", "python"))
