"""Acknowledgments: a person's statement, kept in the repository (`.comprehend/acks.toml`) so
CI sees it, that a reviewed finding is intended. An acknowledged finding is still reported,
marked, but no longer counts toward `--fail-on`.

An acknowledgment counts only when a person made it outside the change it would excuse: one
added by an AI-authored commit, or one added inside the change under review (for that
change's own findings), is shown as refused with the reason, and the finding still counts.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from comprehend.adversary.findings import Finding
from comprehend.errors import ConfigError, UserError

ACKS_FILE = ".comprehend/acks.toml"

# A fingerprint as Finding.with_fingerprint makes it: 32 lowercase hex digits.
FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")

_HEADER = """\
# Acknowledged findings: each entry says a person reviewed a finding of `comprehend check`
# and it is intended. Written by `comprehend ack FINGERPRINT --reason TEXT`; reviewed like code.
# An entry counts once it is on the base branch, added by a human-authored commit.
"""


@dataclass(frozen=True)
class Ack:
    fingerprint: str
    reason: str
    who: str
    at: str  # ISO date, e.g. 2026-12-03
    # What the finding was when acknowledged, for a reader of the file (not used to match).
    rule: str | None = None
    file: str | None = None
    title: str | None = None
    # Line of the entry's [[ack]] header in the file it came from (0: not from a file).
    line: int = dataclasses.field(default=0, compare=False)


def acks_path(root: Path) -> Path:
    return root / ACKS_FILE


def load_acks(root: Path) -> list[Ack]:
    """The acknowledgments in the working tree of the repository at `root` ([] if none)."""
    path = acks_path(root)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_acks(data, str(path))


def parse_acks(data: bytes | str, where: str) -> list[Ack]:
    """Acknowledgments from the text of an acks file; `where` names it in errors (a path, or
    `REV:.comprehend/acks.toml` when read from git)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{where}: not UTF-8 text ({exc.reason}); save it as UTF-8") from exc
    else:
        text = data
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib (3.11) keeps the position only in its message: "... (at line 2, column 15)"
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        at = f":{found.group(1)}" if found else ""
        raise ConfigError(f"{where}{at}: invalid TOML ({exc}); fix or remove the entry") from exc
    lines = _entry_lines(text)
    unknown = sorted(set(parsed) - {"ack"})
    if unknown:
        raise ConfigError(f"{where}:1: unknown table '{unknown[0]}' (only [[ack]] entries "
                          "belong here)")
    entries = parsed.get("ack", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{where}:1: 'ack' must be an array of tables ([[ack]])")
    return [_ack(entry, where, lines[i] if i < len(lines) else 1)
            for i, entry in enumerate(entries)]


def _entry_lines(text: str) -> list[int]:
    return [n for n, raw in enumerate(text.splitlines(), start=1)
            if re.match(r"^\s*\[\[\s*ack\s*\]\]", raw)]


_REQUIRED = ("fingerprint", "reason", "who", "at")
_OPTIONAL = ("rule", "file", "title")


def _ack(entry: Any, where: str, line: int) -> Ack:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}:{line}: each [[ack]] entry must be a table")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ConfigError(f"{where}:{line}: unknown key '{unknown[0]}' in [[ack]] (known: "
                          f"{', '.join(_REQUIRED + _OPTIONAL)})")
    for key in _REQUIRED:
        if key not in entry:
            raise ConfigError(f"{where}:{line}: [[ack]] entry lacks '{key}'")
    for key, value in entry.items():
        if key == "at" and hasattr(value, "isoformat"):
            continue  # a TOML date literal is fine
        if not isinstance(value, str):
            raise ConfigError(f"{where}:{line}: '{key}' must be a string, not "
                              f"{type(value).__name__}")
    fingerprint = entry["fingerprint"].strip().lower()
    if not FINGERPRINT.match(fingerprint):
        raise ConfigError(f"{where}:{line}: fingerprint '{entry['fingerprint']}' is not one "
                          "(32 hex digits, as reports print it)")
    if not entry["reason"].strip():
        raise ConfigError(f"{where}:{line}: the reason is empty; say why the finding is "
                          "intended")
    at = entry["at"]
    return Ack(fingerprint=fingerprint, reason=entry["reason"], who=entry["who"],
               at=at.isoformat() if hasattr(at, "isoformat") else at,
               rule=entry.get("rule"), file=entry.get("file"), title=entry.get("title"),
               line=line)


def add_ack(root: Path, fingerprint: str, reason: str, who: str, *, rule: str | None = None,
            file: str | None = None, title: str | None = None) -> Ack:
    """Append an acknowledgment to `.comprehend/acks.toml` under `root` (created if absent),
    replacing the file atomically; refuses an empty reason and a second entry for the same
    fingerprint."""
    if not reason or not reason.strip():
        raise UserError("--reason: an acknowledgment needs a reason; say why the finding is "
                        "intended, e.g. --reason \"the spec changed in #123\"")
    fingerprint = fingerprint.strip().lower()
    if not FINGERPRINT.match(fingerprint):
        raise UserError(f"{fingerprint!r} is not a finding fingerprint (32 hex digits, as "
                        "`comprehend check` prints it)")
    path = acks_path(root)
    existing = load_acks(root)
    for ack in existing:
        if ack.fingerprint == fingerprint:
            raise UserError(f"{path}:{ack.line}: {fingerprint} is already acknowledged by "
                            f"{ack.who} on {ack.at}; edit that entry to change it")
    ack = Ack(fingerprint=fingerprint, reason=reason.strip(), who=who,
              at=datetime.now(UTC).date().isoformat(), rule=rule, file=file, title=title)
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = _HEADER
    if old and not old.endswith("\n"):
        old += "\n"
    new = old + "\n" + _entry_text(ack)
    _write_atomically(path, new)
    return dataclasses.replace(ack, line=_entry_lines(new)[-1])


def _entry_text(ack: Ack) -> str:
    out = ["[[ack]]"]
    for key in ("fingerprint", "rule", "file", "title", "reason", "who", "at"):
        value = getattr(ack, key)
        if value is not None:
            out.append(f"{key} = {_toml_string(value)}")
    return "\n".join(out) + "\n"


def _toml_string(value: str) -> str:
    # A JSON string is a TOML basic string, once DEL (legal in JSON, not in TOML) is escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".acks.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            if path.exists():
                os.chmod(temp, path.stat().st_mode & 0o777)
            else:
                os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except UnicodeEncodeError as exc:
        raise UserError(f"{path}: the acknowledgment is not valid text ({exc.reason})") from exc
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror}); check the folder's "
                        "permissions") from exc


# --- Applying acknowledgments to a check's findings ------------------------------------------

REFUSED_AI = ("the acknowledgment by {who} was added by an AI-authored commit{where}; it "
              "counts only when a person commits it")
REFUSED_IN_CHANGE = ("the acknowledgment by {who} was added inside the change under "
                     "review{where}; an acknowledgment of a change's own finding counts once "
                     "it is on the base branch")


def apply_acks(findings: list[Finding], acks: list[Ack], *, ai_added: set[str],
               in_change: set[str], added_by: dict[str, str] | None = None) -> list[Finding]:
    """`findings` with each acknowledged one marked: `acknowledged` holds the ack (reason,
    who, at) when it counts; `ack_refused` says why when it does not. `ai_added` and
    `in_change` are fingerprints whose acknowledgment was added by an AI-authored commit or
    inside the change under review; `added_by` maps a fingerprint to the commit that added
    its acknowledgment, for the refusal's wording."""
    by_fingerprint = {a.fingerprint: a for a in acks}
    added_by = added_by or {}
    out: list[Finding] = []
    for f in findings:
        ack = by_fingerprint.get(f.fingerprint) if f.fingerprint else None
        if ack is None:
            out.append(f)
            continue
        commit = added_by.get(f.fingerprint)
        where = f" ({commit[:12]})" if commit else ""
        if f.fingerprint in in_change:
            why = REFUSED_IN_CHANGE.format(who=ack.who, where=where)
            out.append(dataclasses.replace(f, acknowledged=None, ack_refused=why))
        elif f.fingerprint in ai_added:
            why = REFUSED_AI.format(who=ack.who, where=where)
            out.append(dataclasses.replace(f, acknowledged=None, ack_refused=why))
        else:
            mark = {"reason": ack.reason, "who": ack.who, "at": ack.at}
            out.append(dataclasses.replace(f, acknowledged=mark, ack_refused=None))
    return out


def unused_acks(findings: list[Finding], acks: list[Ack]) -> list[Ack]:
    """Acknowledgments that matched no finding of this run (fixed, or from another change)."""
    seen = {f.fingerprint for f in findings}
    return [a for a in acks if a.fingerprint not in seen]


# --- The acknowledgments a check run sees ----------------------------------------------------


@dataclass(frozen=True)
class ChangeAcks:
    """The acknowledgments for a change under review: those on its base, and those the
    change itself adds (which never count for its own findings)."""

    acks: tuple[Ack, ...]
    in_change: frozenset[str]  # fingerprints acknowledged only inside the change
    added_by: dict[str, str]  # fingerprint -> the commit that added its acknowledgment
    notes: tuple[str, ...] = ()

    def apply(self, repo: Any, config: Any, findings: list[Finding]) -> list[Finding]:
        """Mark the findings; the commits that added matching acknowledgments on the base
        are classified (only those), and an AI-authored one's acknowledgment is refused."""
        matched = {f.fingerprint for f in findings} & {a.fingerprint for a in self.acks}
        commits = {self.added_by[fp] for fp in matched - self.in_change if fp in self.added_by}
        ai_commits = _ai_commits(repo, config, commits)
        ai_added = {fp for fp in matched if self.added_by.get(fp) in ai_commits}
        return apply_acks(findings, list(self.acks), ai_added=ai_added,
                          in_change=set(self.in_change), added_by=self.added_by)


def change_acks(repo: Any, base: str, head: str | None) -> ChangeAcks:
    """Acknowledgments of the base commit (each with the commit that added it, by blame) and
    those added by the change (head, or the working tree when head is None). A malformed
    file on the base is an error; one in the change is noted and ignored."""
    from comprehend import git

    base_blob = git.read_blobs(repo, [f"{base}:{ACKS_FILE}"]).get(f"{base}:{ACKS_FILE}")
    base_acks = parse_acks(base_blob, f"{base[:12]}:{ACKS_FILE}") if base_blob else []
    added_by: dict[str, str] = {}
    if base_acks:
        lines = git.line_commits(repo, base, ACKS_FILE)
        text = base_blob.decode("utf-8") if base_blob else ""
        for ack in base_acks:
            line = _fingerprint_line(text, ack)
            if line in lines:
                added_by[ack.fingerprint] = lines[line]
    notes: list[str] = []
    try:
        if head is None:
            head_acks = load_acks(repo.root)
        else:
            blob = git.read_blobs(repo, [f"{head}:{ACKS_FILE}"]).get(f"{head}:{ACKS_FILE}")
            head_acks = parse_acks(blob, f"{head[:12]}:{ACKS_FILE}") if blob else []
    except ConfigError as exc:
        head_acks = []
        notes.append(f"the change's acknowledgments were not read: {exc.message}")
    known = {a.fingerprint for a in base_acks}
    added = [a for a in head_acks if a.fingerprint not in known]
    return ChangeAcks(acks=tuple(base_acks + added),
                      in_change=frozenset(a.fingerprint for a in added),
                      added_by=added_by, notes=tuple(notes))


def _fingerprint_line(text: str, ack: Ack) -> int:
    """The line holding the entry's fingerprint (the line a person wrote to acknowledge)."""
    lines = text.splitlines()
    for n in range(max(ack.line, 1), len(lines) + 1):
        if ack.fingerprint in lines[n - 1].lower() and "fingerprint" in lines[n - 1]:
            return n
    return ack.line


def _ai_commits(repo: Any, config: Any, commits: set[str]) -> set[str]:
    if not commits:
        return set()
    from comprehend.history.attribution import classify_commits

    found = classify_commits(repo, config, sorted(commits), walk=False)
    return {c.sha for c in found if c.cls == "ai"}
