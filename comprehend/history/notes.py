"""Sidecar records of who wrote which lines: git-ai notes under refs/notes/ai (Git AI
Standard v3) and Agent Trace records (.agent-trace/*.jsonl). Both give line ranges per file
per commit, finer than any commit-level marker, so they win over commit-level marks.

Read without fetching or writing any ref: notes through `git notes list` + `cat-file`,
Agent Trace files from the tree of HEAD and from the working tree (the reference
implementation appends to .agent-trace/traces.jsonl, which may not be committed)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from comprehend.git import (
    Repository,
    existing_commits,
    list_files,
    list_notes,
    read_blobs,
    ref_sha,
)
from comprehend.history.markers import Catalogue, Hit, Signal

NOTES_REF = "refs/notes/ai"
AGENT_TRACE_DIR = ".agent-trace"

# Agent Trace contributor types -> our classes. "mixed" lines had an AI hand in them.
_TRACE_CLASS = {"ai": "ai", "mixed": "ai", "human": "human", "unknown": "unknown"}


@dataclass(frozen=True)
class LineRange:
    """Lines start..end (inclusive) of one file as it was in one commit, and who wrote them."""

    start: int
    end: int
    cls: str  # ai | human | unknown
    tool: str | None
    model: str | None


@dataclass(frozen=True)
class CommitRecord:
    """What the sidecars say about one commit."""

    commit: str
    source: str  # "git-ai" or "agent-trace"
    where: str  # the notes ref or the trace file
    files: Mapping[str, tuple[LineRange, ...]]
    # git-ai only: lines of this commit no key covers are of unknown provenance.
    complete: bool

    def hits(self) -> list[Hit]:
        """Commit-level evidence: AI lines make an AI hit per tool; human-only, a human hit."""
        tools: dict[tuple[str | None, str | None], list[str]] = {}
        human = False
        for path, ranges in self.files.items():
            for r in ranges:
                if r.cls == "ai":
                    tools.setdefault((r.tool, r.model), []).append(f"{path} {r.start}-{r.end}")
                elif r.cls == "human":
                    human = True
        kind = "git-ai-note" if self.source == "git-ai" else "agent-trace"
        hits = [
            Hit("ai", tool, model, 0.97, Signal(kind, self.where, _summary(spans, tool, model)))
            for (tool, model), spans in tools.items()
        ]
        if not hits and human:
            hits.append(Hit("human", None, None, 0.9,
                            Signal(kind, self.where, "every attested line by a known human")))
        return hits


@dataclass(frozen=True)
class Sidecars:
    git_ai: Mapping[str, CommitRecord] = field(default_factory=lambda: MappingProxyType({}))
    agent_trace: Mapping[str, tuple[CommitRecord, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    # commit -> a digest of every record about it: what changed since the last run.
    digests: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    warnings: tuple[str, ...] = ()

    def hits(self, sha: str) -> list[Hit]:
        hits: list[Hit] = []
        if sha in self.git_ai:
            hits += self.git_ai[sha].hits()
        for record in self.agent_trace.get(sha, ()):
            hits += record.hits()
        return hits

    def line(self, sha: str, path: str, line: int) -> tuple[LineRange, str] | None:
        """Who wrote `line` of `path` as of commit `sha`, by the sidecars, and the source;
        None when they say nothing about it."""
        note = self.git_ai.get(sha)
        if note is not None:
            found = _find(note.files.get(path, ()), line)
            if found:
                return found, note.source
        for record in self.agent_trace.get(sha, ()):
            found = _find(record.files.get(path, ()), line)
            if found:
                return found, record.source
        if note is not None and note.complete:
            return LineRange(line, line, "unknown", None, None), note.source
        return None


def _find(ranges: tuple[LineRange, ...], line: int) -> LineRange | None:
    for r in ranges:
        if r.start <= line <= r.end:
            return r
    return None


def _summary(spans: list[str], tool: str | None, model: str | None) -> str:
    who = tool or "an AI tool"
    if model:
        who += f" ({model})"
    shown = ", ".join(spans[:3]) + (f" and {len(spans) - 3} more" if len(spans) > 3 else "")
    return f"lines {shown} by {who}"


# --- git-ai -------------------------------------------------------------------------------

_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


def parse_git_ai_note(text: str, commit: str, catalogue: Catalogue, where: str = NOTES_REF) -> CommitRecord | None:
    """A Git AI authorship log: the attestation (file lines, then two-space-indented
    `<key> <ranges>` entries), a `---` line, then JSON metadata naming each key's agent.
    Session keys `s_…::t_…` and legacy 16-hex prompt keys are AI; `h_…` keys are people.
    None when the note is not an authorship log."""
    attestation, sep, metadata = text.partition("\n---\n")
    if not sep:
        if text.startswith("---\n"):
            attestation, metadata = "", text[4:]
        else:
            return None
    try:
        meta = json.loads(metadata)
    except json.JSONDecodeError:
        return None
    if not isinstance(meta, dict) or not str(meta.get("schema_version", "")).startswith("authorship/"):
        return None
    agents: dict[str, tuple[str | None, str | None]] = {}
    for table in ("prompts", "sessions"):
        records = meta.get(table)
        for key, record in (records.items() if isinstance(records, dict) else ()):
            agent = record.get("agent_id") if isinstance(record, dict) else None
            agent = agent if isinstance(agent, dict) else {}
            tool, model = agent.get("tool"), agent.get("model")
            agents[key] = (catalogue.tool_id(tool) if isinstance(tool, str) and tool else None,
                           model if isinstance(model, str) and model else None)
    files: dict[str, list[LineRange]] = {}
    path: str | None = None
    for raw in attestation.splitlines():
        if not raw.strip():
            continue
        if not raw.startswith(" "):
            path = raw.strip()
            if len(path) >= 2 and path[0] == path[-1] == '"':
                path = path[1:-1]
            continue
        if path is None:
            continue
        key, _, spec = raw.strip().rpartition(" ")
        if not key:
            continue
        if key.startswith("h_"):
            cls, tool, model = "human", None, None
        else:
            cls = "ai"
            tool, model = agents.get(key) or agents.get(key.split("::")[0]) or (None, None)
        for part in spec.split(","):
            m = _RANGE.match(part)
            if m:
                start = int(m.group(1))
                files.setdefault(path, []).append(
                    LineRange(start, int(m.group(2) or start), cls, tool, model))
    return CommitRecord(
        commit=commit, source="git-ai", where=where,
        files=MappingProxyType({p: tuple(r) for p, r in files.items()}), complete=True,
    )


# --- Agent Trace ------------------------------------------------------------------------

def parse_agent_trace(record: dict, catalogue: Catalogue, where: str) -> CommitRecord | None:
    """One Agent Trace record (v0.1): files -> conversations -> ranges, each under a
    contributor {type: ai|human|mixed|unknown, model_id}; a range may name its own
    contributor. None unless it names a git revision."""
    vcs = record.get("vcs") if isinstance(record.get("vcs"), dict) else {}
    revision = vcs.get("revision") or vcs.get("revision_id")
    if not isinstance(revision, str) or not revision or vcs.get("type", "git") != "git":
        return None
    tool_info = record.get("tool") or {}
    tool_name = tool_info.get("name") if isinstance(tool_info, dict) else tool_info
    tool = catalogue.tool_id(tool_name) if isinstance(tool_name, str) and tool_name else None
    files: dict[str, list[LineRange]] = {}
    for entry in _dicts(record.get("files")):
        path = entry.get("path") or entry.get("relative_path")
        if not isinstance(path, str):
            continue
        for conv in _dicts(entry.get("conversations")):
            base = conv.get("contributor") if isinstance(conv.get("contributor"), dict) else {}
            for r in _dicts(conv.get("ranges")):
                who = r.get("contributor") if isinstance(r.get("contributor"), dict) else base
                cls = _TRACE_CLASS.get(str(who.get("type", "unknown")).lower(), "unknown")
                try:
                    start, end = int(r["start_line"]), int(r["end_line"])
                except (KeyError, TypeError, ValueError):
                    continue
                files.setdefault(path, []).append(LineRange(
                    start, end, cls, tool if cls == "ai" else None,
                    (who.get("model_id") or None) if cls == "ai" else None))
    return CommitRecord(
        commit=revision, source="agent-trace", where=where,
        files=MappingProxyType({p: tuple(r) for p, r in files.items()}), complete=False,
    )


def _dicts(value: object) -> list[dict]:
    """The objects of a JSON array (records written by other tools may be malformed)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --- Loading ------------------------------------------------------------------------------

def load_sidecars(repo: Repository, catalogue: Catalogue) -> Sidecars:
    warnings: list[str] = []
    digests: dict[str, list[str]] = {}
    git_ai: dict[str, CommitRecord] = {}
    if ref_sha(repo, NOTES_REF):
        pairs = list_notes(repo, NOTES_REF)
        blobs = read_blobs(repo, [blob for blob, _ in pairs])
        for blob, commit in pairs:
            text = blobs.get(blob, b"").decode("utf-8", "replace")
            note = parse_git_ai_note(text, commit, catalogue)
            if note is not None:
                git_ai[commit] = note
                digests.setdefault(commit, []).append(blob)  # a blob sha is its content's digest
        skipped = len(pairs) - len(git_ai)
        if skipped:
            warnings.append(f"{NOTES_REF}: {skipped} note(s) are not Git AI authorship logs; ignored")

    traces: dict[str, list[CommitRecord]] = {}
    trace_digests: dict[str, list[str]] = {}
    expanded: dict[str, list[CommitRecord]] = {}
    seen_ids: set[str] = set()
    bad = 0
    for where, text in _agent_trace_files(repo):
        for line in text.decode("utf-8", "replace").splitlines():
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            if not isinstance(data, dict):
                bad += 1
                continue
            key = str(data.get("id") or line)
            if key in seen_ids:
                continue
            seen_ids.add(key)
            record = parse_agent_trace(data, catalogue, where)
            if record is not None:
                traces.setdefault(record.commit, []).append(record)
                record_digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
                trace_digests.setdefault(record.commit, []).append(record_digest)
    if bad:
        warnings.append(f"{AGENT_TRACE_DIR}/: {bad} line(s) are not JSON records; ignored")
    full = _full_shas(repo, list(traces))
    for short, records in traces.items():
        for record in records:
            expanded.setdefault(full.get(short, short), []).append(record)
    for short, record_digests in trace_digests.items():
        digests.setdefault(full.get(short, short), []).extend(record_digests)
    return Sidecars(
        git_ai=MappingProxyType(git_ai),
        agent_trace=MappingProxyType({k: tuple(v) for k, v in expanded.items()}),
        digests=MappingProxyType({
            sha: hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]
            for sha, parts in digests.items()
        }),
        warnings=tuple(warnings),
    )


def _agent_trace_files(repo: Repository) -> list[tuple[str, bytes]]:
    """(name, content) of .agent-trace/*.jsonl in HEAD's tree and in the working tree."""
    found: dict[str, bytes] = {}
    tracked = [f for f in list_files(repo, "HEAD")
               if f.path.startswith(AGENT_TRACE_DIR + "/") and f.path.endswith(".jsonl")]
    blobs = read_blobs(repo, [f.blob for f in tracked])
    for f in tracked:
        found[f"HEAD:{f.path}"] = blobs.get(f.blob, b"")
    folder = repo.root / AGENT_TRACE_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*.jsonl")):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            name = f"{AGENT_TRACE_DIR}/{path.name}"
            if found.get(f"HEAD:{name}") != data:
                found[name] = data
    return sorted(found.items())


def _full_shas(repo: Repository, revisions: list[str]) -> dict[str, str]:
    """Trace records may name an abbreviated revision: the full sha of each short one."""
    short = [k for k in revisions if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", k)]
    return existing_commits(repo, short) if short else {}
