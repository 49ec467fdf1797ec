"""Secrets in text: found by the patterns of adversary/risky.toml (gitleaks-style rules, a
minimum entropy for the generic ones, placeholders that mark examples), then masked for a
report or replaced by a one-way placeholder before text leaves the machine.

The `secret` rule (risky.py) reports them; reports mask them wherever repository text
appears; the LLM critic redacts them from everything it sends."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from comprehend.errors import ConfigError
from comprehend.policy import PolicyFile, policy_file


@dataclass(frozen=True)
class SecretPattern:
    id: str
    description: str
    regex: re.Pattern[str]
    group: int
    entropy: float
    # a value written as an UPPER_SNAKE_CASE name (`secret="OPENAI_GATEWAY_SECRET"`) names a
    # secret kept in a store or the environment: it is not one
    names_allowed: bool = False
    # a value holding one of these words names itself (`"tool-output-secret"`): a test's
    # label for a secret, not a credential
    label_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecretMatch:
    pattern: SecretPattern
    start: int
    end: int
    value: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.value.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SecretScanner:
    patterns: tuple[SecretPattern, ...]
    placeholders: tuple[str, ...]  # lower case; a match containing one is an example

    def find(self, text: str) -> list[SecretMatch]:
        """Every secret in `text`, in order, without overlaps (the first pattern wins)."""
        found: list[SecretMatch] = []
        for pattern in self.patterns:
            for m in pattern.regex.finditer(text):
                value = m.group(pattern.group) or m.group(0)
                start, end = m.span(pattern.group) if m.group(pattern.group) else m.span(0)
                if any(start < f.end and f.start < end for f in found):
                    continue
                lowered = value.lower()
                if any(p in lowered for p in self.placeholders):
                    continue
                if pattern.entropy and entropy(value) < pattern.entropy:
                    continue
                if pattern.names_allowed and _NAME.fullmatch(value):
                    continue
                if any(w in lowered for w in pattern.label_words):
                    continue
                found.append(SecretMatch(pattern, start, end, value))
        return sorted(found, key=lambda f: f.start)

    def mask(self, text: str) -> str:
        """For reports: each secret keeps its first four characters, the rest are stars."""
        return self._replace(text, lambda m: masked(m.value))

    def redact(self, text: str) -> tuple[str, int]:
        """For text that leaves the machine: each secret becomes a one-way placeholder
        (the same secret, the same placeholder); returns the text and how many it replaced."""
        matches = self.find(text)
        return self._replace(text, lambda m: f"<redacted:{m.pattern.id}:{m.digest[:8]}>",
                             matches), len(matches)

    def _replace(self, text: str, by, matches: list[SecretMatch] | None = None) -> str:
        out, last = [], 0
        for m in matches if matches is not None else self.find(text):
            out += [text[last:m.start], by(m)]
            last = m.end
        return "".join(out) + text[last:]


_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def masked(secret: str) -> str:
    return secret[:4] + "*" * max(len(secret) - 4, 4)


def load_secret_scanner(repo_root: Path | None) -> tuple[SecretScanner, PolicyFile]:
    source = policy_file("adversary", "risky.toml", repo_root)
    data = source.toml()
    patterns = []
    for entry in data.get("secret", []):
        try:
            regex = re.compile(entry["regex"])
        except (re.error, KeyError) as exc:
            raise ConfigError(f"{source.path}: secret pattern {entry.get('id', '?')}: {exc}; "
                              "fix the regex") from exc
        patterns.append(SecretPattern(entry["id"], entry.get("description", entry["id"]),
                                      regex, int(entry.get("group", 0)),
                                      float(entry.get("entropy", 0.0)),
                                      bool(entry.get("names_allowed", False)),
                                      tuple(w.lower() for w in entry.get("label_words", ()))))
    placeholders = tuple(p.lower() for p in data.get("secret_allow", {}).get("placeholders", ()))
    return SecretScanner(tuple(patterns), placeholders), source
