"""Prompt injection, found without a model: added lines that speak to reviewers or AI tools
instead of to the program (telling them to disregard what they found, asking them for an
approval, chat-template role markers), and invisible characters that make code read
differently from how it runs (bidi controls, zero-width characters). Every check runs this,
with or without an LLM; the patterns are policy (adversary/injection.toml), and that file
itself, made of such phrases, is not scanned.

Also `printable`: model text (or repository text) made safe to echo into a CI log."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.adversary.rules import rule_finding
from comprehend.errors import ConfigError
from comprehend.policy import PolicyFile, policy_file

RULE = "injection-attempt"
POLICY_FILE = "adversary/injection.toml"


@dataclass(frozen=True)
class InjectionPattern:
    id: str
    description: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class InjectionPolicy:
    patterns: tuple[InjectionPattern, ...]
    bidi: frozenset[str]
    zero_width: frozenset[str]


def load_injection_policy(repo_root: Path | None) -> tuple[InjectionPolicy, PolicyFile]:
    source = policy_file("adversary", "injection.toml", repo_root)
    data = source.toml()
    patterns = []
    for entry in data.get("pattern", []):
        flags = re.MULTILINE if entry.get("case_sensitive") else re.IGNORECASE | re.MULTILINE
        try:
            regex = re.compile(entry["regex"], flags)
        except (re.error, KeyError) as exc:
            raise ConfigError(f"{source.path}: injection pattern {entry.get('id', '?')}: {exc}; "
                              "fix the regex") from exc
        patterns.append(InjectionPattern(entry["id"], entry.get("description", entry["id"]), regex))
    chars = data.get("characters", {})
    return InjectionPolicy(tuple(patterns), frozenset(chars.get("bidi", ())),
                           frozenset(chars.get("zero_width", ()))), source


def find_injections(change: Change, policy: InjectionPolicy) -> list[Finding]:
    """One finding per added line that carries an injection attempt."""
    findings = []
    for f in change.files:
        if f.binary or f.path.endswith(POLICY_FILE):
            continue
        for hunk in f.hunks:
            for number, text in hunk.added:
                hit = scan_line(text, policy, first_line=number == 1)
                if hit is None:
                    continue
                kind, description = hit
                finding = rule_finding(
                    RULE, confidence=0.9 if kind in ("bidi", "zero-width") else 0.7,
                    file=f.path, line=number,
                    title=f"{description} in an added line",
                    evidence={"pattern": kind, "line": printable(text.strip())[:300],
                              "why": "text aimed at a reviewer or an AI tool, not at the "
                                     "program; the LLM critic reads it as data, and the "
                                     "verdict never comes from model text"})
                findings.append(finding.with_fingerprint(f"{kind}\0{text.strip()}"))
    return findings


def scan_line(text: str, policy: InjectionPolicy, first_line: bool = False) -> tuple[str, str] | None:
    """(pattern id, description) of the first attempt in one line, or None."""
    body = text[1:] if first_line and text.startswith("\ufeff") else text
    hidden = [c for c in body if c in policy.bidi]
    if hidden:
        return "bidi", f"bidirectional control character {_names(hidden)}"
    hidden = [c for c in body if c in policy.zero_width]
    if hidden:
        return "zero-width", f"zero-width character {_names(hidden)}"
    for pattern in policy.patterns:
        if pattern.regex.search(body):
            return pattern.id, f"instruction to reviewers or AI tools ({pattern.description})"
    return None


def printable(text: str, keep_newlines: bool = False) -> str:
    """Control, format (bidi, zero-width) and escape characters shown as \\uXXXX, so text
    echoed into a terminal or CI log cannot move the cursor, recolour, hide or reorder it."""
    out = []
    for c in text:
        if keep_newlines and c in "\n\t":
            out.append(c)
        elif unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs"):
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def _names(chars: list[str]) -> str:
    first = chars[0]
    return f"U+{ord(first):04X} {unicodedata.name(first, '')}".strip()
