"""What may leave the machine: every text the critic sends passes `Outbound.redact` (the
secret rules of risky.toml, then a high-entropy token check), each secret replaced by a
one-way placeholder; files on the deny-list (adversary/outbound.toml) are never sent."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from comprehend.adversary.secrets import SecretScanner, entropy, load_secret_scanner
from comprehend.policy import PolicyFile, policy_file

_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-]+")
_PLACEHOLDER = re.compile(r"<redacted:[a-z0-9-]+:[0-9a-f]{8}>")


@dataclass(frozen=True)
class Outbound:
    scanner: SecretScanner
    deny: tuple[str, ...]
    min_length: int
    min_bits: float

    def denied(self, path: str) -> bool:
        name = PurePosixPath(path).name
        return any(fnmatch.fnmatch(path, g) or fnmatch.fnmatch(name, g) for g in self.deny)

    def redact(self, text: str) -> tuple[str, int]:
        """The text with every secret replaced by `<redacted:RULE:HASH8>` (the same secret,
        the same placeholder; the hash cannot be turned back), and how many it replaced."""
        text, count = self.scanner.redact(text)
        out, last, extra = [], 0, 0
        for m in _TOKEN.finditer(text):
            token = m.group(0)
            if not self._random_looking(token) or _inside_placeholder(text, m.start()):
                continue
            digest = hashlib.sha256(token.encode()).hexdigest()[:8]
            out += [text[last:m.start()], f"<redacted:entropy:{digest}>"]
            last = m.end()
            extra += 1
        return "".join(out) + text[last:], count + extra

    def _random_looking(self, token: str) -> bool:
        return (len(token) >= self.min_length and any(c.isdigit() for c in token)
                and any(c.isalpha() for c in token) and entropy(token) >= self.min_bits)


def _inside_placeholder(text: str, at: int) -> bool:
    start = text.rfind("<redacted:", 0, at + 1)
    return start != -1 and bool(_PLACEHOLDER.match(text, start)) and \
        at < _PLACEHOLDER.match(text, start).end()


def load_outbound(repo_root: Path | None) -> tuple[Outbound, list[PolicyFile]]:
    scanner, secrets_policy = load_secret_scanner(repo_root)
    source = policy_file("adversary", "outbound.toml", repo_root)
    data = source.toml()
    ent = data.get("entropy", {})
    return Outbound(scanner, tuple(data.get("deny", {}).get("files", ())),
                    int(ent.get("min_length", 24)), float(ent.get("min_bits", 4.3))), \
        [secrets_policy, source]
