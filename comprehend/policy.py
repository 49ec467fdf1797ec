"""Policy, not code: the rules, operator sets, prompts and question banks that decide what
comprehend says. Built-in policy ships in the wheel (comprehend/_policy/, from the top-level
adversary/ and quizzes/ folders); a repository overrides a file by keeping one of the same
name in its own adversary/ or quizzes/ folder. Every result records the content hash."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from comprehend.errors import ConfigError

KINDS = ("adversary", "quizzes")


def builtin_dir(kind: str) -> Path:
    """The shipped folder: inside the wheel, or the source checkout's top-level folder."""
    package = Path(__file__).resolve().parent
    installed = package / "_policy" / kind
    if installed.is_dir():
        return installed
    return package.parent / kind


@dataclass(frozen=True)
class PolicyFile:
    name: str  # e.g. "arid.toml"
    path: Path  # where it was read from
    overridden: bool  # True when the repository's own folder supplied it
    text: str

    def toml(self) -> dict[str, Any]:
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{self.path}: invalid TOML: {exc}; fix the policy file") from exc


def policy_file(kind: str, name: str, repo_root: Path | None = None) -> PolicyFile:
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    if repo_root is not None:
        own = repo_root / kind / name
        if own.is_file():
            return PolicyFile(name, own, True, own.read_text(encoding="utf-8"))
    shipped = builtin_dir(kind) / name
    return PolicyFile(name, shipped, False, shipped.read_text(encoding="utf-8"))


def policy_hash(files: list[PolicyFile]) -> str:
    """One hash over the policy files that produced a result, order-independent."""
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.name):
        digest.update(f.name.encode() + b"\0" + f.text.encode() + b"\0")
    return digest.hexdigest()[:16]
