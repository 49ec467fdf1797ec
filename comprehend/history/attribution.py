"""Which commits AI wrote: every commit gets a class (ai, bot, human, unknown), the tool and
model where a marker names them, a confidence, and the signals that decided it.

Layers: author and committer identity, trailers and lines anywhere in the message, sidecar
records (git-ai notes, Agent Trace); the team's own rules in .comprehend.toml override them
all. A commit with no marker is human: the AI share is a floor (many tools leave no
trace), never a guess."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from comprehend.config import Config, IdentityRule
from comprehend.errors import ConfigError
from comprehend.git import (
    Repository,
    commit_line_counts,
    log_commits,
    shallow_commits,
)
from comprehend.history.markers import Catalogue, Hit, Signal, load_catalogue
from comprehend.history.notes import Sidecars, load_sidecars

__all__ = ["CLASSES", "CommitAttribution", "RawCommit", "Signal", "classify_commit",
           "classify_commits", "compile_rules"]

CLASSES = ("ai", "bot", "human", "unknown")
# Bumped whenever a change here would classify some commit differently, so cached
# classifications are redone.
CLASSIFIER_VERSION = "1"

NO_MARKER_CONFIDENCE = 0.5

_SQUASH_SEPARATOR = re.compile(r"^-{9}\s*$", re.M)  # GitHub's squash body, before co-authors
_SQUASH_BULLET = re.compile(r"^\* \S", re.M)  # one per squashed commit


@dataclass(frozen=True)
class CommitAttribution:
    sha: str
    author: str
    email: str
    committer: str
    committer_email: str
    committed_at: int  # unix seconds
    subject: str
    cls: str  # ai | bot | human | unknown
    tool: str | None
    model: str | None
    confidence: float
    signals: tuple[Signal, ...]
    mixed: bool = False  # a large squash with AI trailers: AI and human lines not separable
    # The class without sidecar records, when they changed it: the class of this commit's
    # lines that no sidecar range covers (a trace of two AI lines says nothing of the rest).
    cls_without_sidecars: str | None = None


def commit_row(c: CommitAttribution) -> tuple:
    """The store's plain row for a classified commit (store.history.COMMIT_COLUMNS order)."""
    signals = json.dumps([[s.kind, s.where, s.text] for s in c.signals], ensure_ascii=False)
    return (c.sha, c.author, c.email, c.committer, c.committer_email, c.committed_at, c.subject,
            c.cls, c.tool, c.model, c.confidence, signals if c.signals else "[]", int(c.mixed),
            c.cls_without_sidecars)


def commit_from_row(row: tuple) -> CommitAttribution:
    return CommitAttribution(
        sha=row[0], author=row[1], email=row[2], committer=row[3], committer_email=row[4],
        committed_at=row[5], subject=row[6], cls=row[7], tool=row[8], model=row[9],
        confidence=row[10], signals=tuple(Signal(*s) for s in json.loads(row[11])),
        mixed=bool(row[12]), cls_without_sidecars=row[13],
    )


class RawCommit(NamedTuple):
    """A commit as `git log` gives it (a named tuple: 50,000 of these are built per scan,
    and a tuple is five times cheaper to make than a frozen dataclass)."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    committer: str
    committer_email: str
    committed_at: int
    message: str

    @property
    def subject(self) -> str:
        end = self.message.find("\n")
        return (self.message if end < 0 else self.message[:end]).strip()


@dataclass(frozen=True)
class TeamRule:
    rule: IdentityRule
    index: int
    where: str
    email: re.Pattern[str] | None
    author: re.Pattern[str] | None
    committer: re.Pattern[str] | None
    trailer: re.Pattern[str] | None

    def matches(self, raw: RawCommit) -> bool:
        if self.email and not self.email.match(raw.email):
            return False
        if self.author and not self.author.match(raw.author):
            return False
        if self.committer and not self.committer.match(raw.committer_email):
            return False
        if self.trailer and not any(self.trailer.match(line.strip())
                                    for line in raw.message.splitlines()):
            return False
        return True

    def signal(self) -> Signal:
        given = {k: getattr(self.rule, k) for k in ("email", "author", "committer", "trailer")}
        text = ", ".join(f'{k} = "{v}"' for k, v in given.items() if v is not None)
        return Signal("rule", self.where, f"attribution.rules[{self.index}]: {text} -> {self.rule.mark}")


def compile_rules(config: Config) -> tuple[TeamRule, ...]:
    where = config.source or ".comprehend.toml"
    rules = []
    for index, rule in enumerate(config.attribution.rules):
        if not any((rule.email, rule.author, rule.committer, rule.trailer)):
            raise ConfigError(
                f"{where}: attribution.rules[{index}] matches nothing; give email, author, "
                "committer or trailer (globs)"
            )
        rules.append(TeamRule(
            rule=rule, index=index, where=where,
            email=_glob(rule.email), author=_glob(rule.author),
            committer=_glob(rule.committer), trailer=_glob(rule.trailer),
        ))
    return tuple(rules)


def _glob(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(fnmatch.translate(pattern), re.I | re.S) if pattern else None


def classify_commit(
    raw: RawCommit,
    catalogue: Catalogue,
    rules: Sequence[TeamRule] = (),
    extra_hits: Iterable[Hit] = (),
    boundary: bool = False,
) -> CommitAttribution:
    """One commit's class from its identities, its message, sidecar hits and team rules.
    `boundary`: a shallow clone cut the history here, so the commit carries everything
    older and, without a marker of its own, is of unknown provenance."""
    extra_hits = list(extra_hits) if extra_hits else []
    decided = _decide(raw, catalogue, rules, extra_hits, boundary)
    if extra_hits:
        without = _decide(raw, catalogue, rules, [], boundary)
        if without.cls != decided.cls:
            decided = replace(decided, cls_without_sidecars=without.cls)
    return decided


def _decide(raw: RawCommit, catalogue: Catalogue, rules: Sequence[TeamRule],
            extra_hits: list[Hit], boundary: bool) -> CommitAttribution:
    hits = [
        *catalogue.identity_hits(raw.author, raw.email, "author"),
        *catalogue.identity_hits(raw.committer, raw.committer_email, "committer"),
        *catalogue.message_hits(raw.message),
        *extra_hits,
    ]
    if not hits and not rules and not boundary:  # most commits: decided by absence
        return CommitAttribution(raw.sha, raw.author, raw.email, raw.committer,
                                 raw.committer_email, raw.committed_at, raw.subject,
                                 "human", None, None, NO_MARKER_CONFIDENCE, ())
    base = dict(sha=raw.sha, author=raw.author, email=raw.email, committer=raw.committer,
                committer_email=raw.committer_email, committed_at=raw.committed_at,
                subject=raw.subject)
    for rule in rules:
        if rule.matches(raw):
            agreeing = _strongest_first([h for h in hits if h.cls == rule.rule.mark])
            return CommitAttribution(
                **base, cls=rule.rule.mark,
                tool=rule.rule.tool or _first(h.tool for h in agreeing),
                model=rule.rule.model or _first(h.model for h in agreeing),
                confidence=1.0,
                signals=(rule.signal(), *(h.signal for h in _strongest_first(hits))),
            )
    for cls in ("ai", "bot", "human"):
        deciding = _strongest_first([h for h in hits if h.cls == cls])
        if cls == "human" and boundary:
            break
        if deciding:
            best = deciding[0]
            tool = best.tool or _first(h.tool for h in deciding)
            model = best.model or _first(h.model for h in deciding if h.tool == tool) \
                or _first(h.model for h in deciding)
            others = [h for h in _strongest_first(hits) if h.cls != cls]
            return CommitAttribution(
                **base, cls=cls, tool=tool, model=model, confidence=best.confidence,
                signals=tuple(h.signal for h in (*deciding, *others)),
            )
    if boundary:
        return CommitAttribution(
            **base, cls="unknown", tool=None, model=None, confidence=0.0,
            signals=(Signal("shallow-boundary", "history",
                            "a shallow clone cut the history here: this commit holds all older lines"),
                     *(h.signal for h in hits)),
        )
    return CommitAttribution(**base, cls="human", tool=None, model=None,
                             confidence=NO_MARKER_CONFIDENCE, signals=())


def _strongest_first(hits: list[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: -h.confidence)  # stable: identity before message on ties


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def squash_with_ai_trailers(raw: RawCommit, attribution: CommitAttribution) -> bool:
    """A squash merge whose AI marks come from its message, not its author: the AI may
    have written one of the squashed commits and people the rest."""
    if attribution.cls != "ai" or any(s.kind in ("identity", "name-suffix", "rule")
                                      for s in attribution.signals):
        return False
    message = raw.message
    return bool(_SQUASH_SEPARATOR.search(message)) or len(_SQUASH_BULLET.findall(message)) >= 2


def read_commits(repo: Repository, revisions: Sequence[str], walk: bool = True) -> Iterable[RawCommit]:
    for f in log_commits(repo, revisions, walk=walk):
        if len(f) == 8:
            yield RawCommit(f[0], tuple(f[1].split()), f[2], f[3], f[4], f[5], int(f[6] or 0),
                            f[7].rstrip("\n"))


def classify_commits(
    repo: Repository,
    config: Config,
    rev_range: str | list[str],
    *,
    catalogue: Catalogue | None = None,
    sidecars: Sidecars | None = None,
    walk: bool = True,
) -> list[CommitAttribution]:
    """Every commit git log walks for `rev_range` ("base..head", or a list of git log
    revision arguments such as ["head", "^base"]), newest first, from one streamed
    `git log`; with walk=False, just the commits listed. Large squash merges with AI
    trailers come back with mixed=True."""
    catalogue = catalogue or load_catalogue()
    rules = compile_rules(config)
    if sidecars is None:
        sidecars = load_sidecars(repo, catalogue)
    revisions = [rev_range] if isinstance(rev_range, str) else list(rev_range)
    boundaries = shallow_commits(repo) if repo.shallow else frozenset()
    results: list[CommitAttribution] = []
    squashes: dict[str, int] = {}
    has_sidecars = bool(sidecars.git_ai or sidecars.agent_trace)
    for raw in read_commits(repo, revisions, walk):
        attribution = classify_commit(raw, catalogue, rules,
                                      sidecars.hits(raw.sha) if has_sidecars else (),
                                      boundary=raw.sha in boundaries)
        if squash_with_ai_trailers(raw, attribution):
            squashes[raw.sha] = len(results)
        results.append(attribution)
    threshold = config.attribution.mixed_min_lines
    for sha, changed in commit_line_counts(repo, list(squashes)).items():
        if changed >= threshold and sha in squashes:
            i = squashes[sha]
            results[i] = replace(results[i], mixed=True, signals=(*results[i].signals, Signal(
                "mixed", "diff",
                f"squash merge with AI trailers changing {changed} lines (>= {threshold}): "
                "AI and human lines cannot be told apart",
            )))
    return results
