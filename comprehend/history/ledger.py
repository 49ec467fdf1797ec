"""Keeps the store's classified commits up to date with a revision, incrementally.

Everything reachable from a recorded tip is classified, so bringing a new revision up to
date classifies only `git log REV --not TIPS`. A fingerprint of what decides a class (the
catalogue, the team's rules, this code's version) guards the cache: when it changes, every
classification and cached line is redone. Sidecar records are tracked per commit: a new
git-ai note redoes its own commit and the cached lines that came from it, nothing else."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from comprehend import __version__
from comprehend.config import Config
from comprehend.git import Repository, existing_commits, resolve_ref, shallow_commits
from comprehend.history.attribution import CLASSIFIER_VERSION, classify_commits, commit_row
from comprehend.history.markers import Catalogue, load_catalogue
from comprehend.history.notes import Sidecars, load_sidecars
from comprehend.store.connection import Store
from comprehend.store.history import (
    commit_classes,
    fingerprint_and_tips,
    replace_sidecar_records,
    reset_attribution,
    save_commits,
    sidecar_digests,
)

MAX_TIPS = 20


@dataclass(frozen=True)
class Context:
    """What classifying and blaming one revision needs, loaded once."""

    catalogue: Catalogue
    sidecars: Sidecars
    rev: str  # full sha
    shallow: frozenset[str] = frozenset()  # commits where a shallow clone cut the history


def fingerprint(config: Config, catalogue: Catalogue) -> str:
    """Changes whenever a commit's class or a line's origin could: not with the settings
    that only choose which files the AI share counts, or how many processes run."""
    settings = config.attribution
    parts = [__version__, CLASSIFIER_VERSION, catalogue.digest, repr(settings.rules),
             settings.ignore_revs_file, str(settings.mixed_min_lines)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def record_history(repo: Repository, config: Config, store: Store, rev: str = "HEAD",
                   *, option: str = "--rev") -> Context:
    """Classify and store every commit reachable from `rev` not stored yet."""
    sha = resolve_ref(repo, rev, option=option)
    catalogue = load_catalogue()
    sidecars = load_sidecars(repo, catalogue)
    current = fingerprint(config, catalogue)
    stored, tips = fingerprint_and_tips(store)
    if stored != current:
        reset_attribution(store, current)
        tips = []
    _refresh_sidecar_commits(repo, config, store, catalogue, sidecars, tips)
    if sha not in tips:
        present = set(existing_commits(repo, tips).values())
        alive = [t for t in tips if t in present]  # a tip rebased away and pruned is gone
        commits = classify_commits(repo, config, [sha, *(f"^{t}" for t in alive)],
                                   catalogue=catalogue, sidecars=sidecars)
        save_commits(store, [commit_row(c) for c in commits], [sha, *alive][:MAX_TIPS])
    return Context(catalogue=catalogue, sidecars=sidecars, rev=sha,
                   shallow=shallow_commits(repo) if repo.shallow else frozenset())


def _refresh_sidecar_commits(repo: Repository, config: Config, store: Store, catalogue: Catalogue,
                             sidecars: Sidecars, tips: list[str]) -> None:
    """A new git-ai note or trace record concerns one commit: reclassify just the commits
    whose records changed and forget the cached lines that came from them."""
    known = sidecar_digests(store)
    now = dict(sidecars.digests)
    changed = sorted(c for c in set(known) | set(now) if known.get(c) != now.get(c))
    if not changed:
        return
    present = set(existing_commits(repo, changed).values())
    stored = [c for c in commit_classes(store, changed) if c in present]
    redone = classify_commits(repo, config, stored, catalogue=catalogue, sidecars=sidecars,
                              walk=False) if stored else []
    replace_sidecar_records(store, now, changed, [commit_row(c) for c in redone])
