"""Tamper-proof policy for `check`: the configuration (`.comprehend.toml`, or
`[tool.comprehend]` in pyproject.toml) and the repository's policy folders (`adversary/`,
`quizzes/`) come from the base commit of the change, read from git objects, never from the
head under review or the working tree. A change that edits any of them is itself a
`policy-change` finding, so a pull request cannot switch off its own gate.

`--config FILE` on the command line still wins for the configuration: whoever runs the gate
chose it (a change to that file, when it lives in the repository, is still reported)."""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from comprehend import git
from comprehend.adversary.changes import Sources
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.rules import rule_finding
from comprehend.config import CONFIG_FILE, Config, comprehend_table, config_file_from_text
from comprehend.git import Repository
from comprehend.policy import KINDS as POLICY_FOLDERS
from comprehend.workspace import committed_config

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class BasePolicy:
    config: Config  # with policy_root at the base's policy folders
    note: str  # one line for the run's notes: where config and policy came from
    # Keeps the copy of the base's policy folders for as long as the run holds this object;
    # removed when it is collected (or at exit).
    folder: tempfile.TemporaryDirectory | None = dataclasses.field(default=None, compare=False)


def policy_at_base(repo: Repository, config: Config, base: str) -> BasePolicy:
    """`config` replaced by the base commit's (unless --config chose a file), with the
    repository's policy folders read from the base commit's tree."""
    if config.read_from == "explicit":
        config, where = _explicit_at_base(repo, config, base)
    else:
        if config.read_from != base:
            config = committed_config(repo, base)
        label = config.source.split(":", 1)[-1] if config.source else "built-in defaults"
        where = f"configuration from the base {base[:12]} ({label})"
    folder = tempfile.TemporaryDirectory(prefix="comprehend-policy-")
    copied = _copy_policy(repo, base, Path(folder.name))
    policy = f"{copied} policy file(s) of the base's adversary/, quizzes/" if copied \
        else "the shipped policy"
    note = f"{where}, {policy}; none from the change under review"
    return BasePolicy(dataclasses.replace(config, policy_root=folder.name), note, folder)


def _explicit_at_base(repo: Repository, config: Config, base: str) -> tuple[Config, str]:
    """--config FILE: the file the gate's owner chose; when it lives in the repository and
    the base has it, its content as committed there (the change cannot edit it either)."""
    inside = _explicit_in_repo(config, repo.root)
    if inside is not None:
        spec = f"{base}:{inside}"
        data = git.read_blobs(repo, [spec]).get(spec)
        if data is not None:
            chosen = config_file_from_text(data, f"{base[:12]}:{inside}")
            return (dataclasses.replace(chosen, read_from="explicit", source=config.source),
                    f"configuration from --config {inside} as committed in the base "
                    f"{base[:12]} (chosen on the command line)")
    return config, f"configuration from --config {config.source} (chosen on the command line)"


def _copy_policy(repo: Repository, rev: str, into: Path) -> int:
    files = [f for f in git.files_under(repo, rev, POLICY_FOLDERS)
             if f.mode in ("100644", "100755") and _safe(f.path)]
    blobs = git.read_blobs(repo, [f.blob for f in files])
    for f in files:
        target = into / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blobs.get(f.blob, b""))
    return len(files)


def _safe(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and parts[0] in POLICY_FOLDERS and ".." not in parts


# --- The change's own edits to configuration and policy ----------------------------------


def policy_changes(change: Change, sources: Sources, config: Config,
                   repo_root: Path) -> list[Finding]:
    """A `policy-change` finding for each file of the change that is configuration or policy:
    .comprehend.toml, pyproject.toml's [tool.comprehend] table, anything under adversary/ or
    quizzes/, and the --config file when it lives in the repository."""
    explicit = _explicit_in_repo(config, repo_root)
    found = []
    for f in change.files:
        what = _what(f, sources, explicit)
        if what is not None:
            found.append(_finding(change, f, what))
    return found


def _explicit_in_repo(config: Config, repo_root: Path) -> str | None:
    if config.read_from != "explicit" or not config.source:
        return None
    try:
        return Path(config.source).resolve().relative_to(repo_root.resolve()).as_posix()
    except ValueError:
        return None


def _what(f: ChangedFile, sources: Sources, explicit: str | None) -> str | None:
    paths = {p for p in (f.path, f.old_path) if p}
    if explicit in paths and (PurePosixPath(explicit).name != PYPROJECT
                              or _table_changed(sources.old_text(f), sources.new_text(f))):
        return f"the --config file {explicit}"
    if CONFIG_FILE in paths:
        return f"the configuration {CONFIG_FILE}"
    for p in sorted(paths):
        parts = PurePosixPath(p).parts
        if len(parts) > 1 and parts[0] in POLICY_FOLDERS:
            return f"the {parts[0]}/ policy"
    if PYPROJECT in paths and _table_changed(sources.old_text(f), sources.new_text(f)):
        return f"the [tool.comprehend] configuration in {PYPROJECT}"
    return None


def _table_changed(old: str | None, new: str | None) -> bool:
    def table(text: str | None) -> object:
        if text is None:
            return None
        try:
            return comprehend_table(tomllib.loads(text))
        except tomllib.TOMLDecodeError:
            # Unreadable: whether it meant to change the table cannot be told; say so when
            # it mentions the table at all.
            return "unparsable" if "tool.comprehend" in text else None
    return table(old) != table(new)


def _finding(change: Change, f: ChangedFile, what: str) -> Finding:
    added = [text for h in f.hunks for _, text in h.added]
    removed = [text for h in f.hunks for _, text in h.removed]
    line = next((n for h in f.hunks for n, _ in h.added), None) or \
        next((max(h.new_start, 1) for h in f.hunks), 1)
    head = change.head[:12] if change.head else ""
    digest = hashlib.sha256("\n".join(["+" + a for a in added] + ["-" + r for r in removed])
                            .encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return rule_finding(
        "policy-change",
        confidence=1.0,
        file=f.path,
        line=line,
        title=f"the change edits {what}: this check used the base commit's instead",
        evidence={
            "what": what,
            "status": f.status,
            "added": added[:20],
            "removed": removed[:20],
            "why": "configuration and policy decide what the gate reports; a change under "
                   "review must not choose them for itself, so this run used the base "
                   f"commit's ({change.base[:12]}) and a person should review the edit",
            "rerun": f"git diff {change.base[:12]} {head} -- '{f.path}'".replace("  ", " "),
        },
    ).with_fingerprint(f"{f.path}:{digest}")
