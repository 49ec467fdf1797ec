"""Keeps the store's classified commits up to date with a revision, incrementally.

Everything reachable from a recorded tip is classified, so bringing a new revision up to
date classifies only `git log REV --not TIPS`. A fingerprint of what decides a class (the
catalogue, the team's rules, the sidecar records, this code's version) guards the cache:
when it changes, every classification and cached line is redone."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from comprehend import __version__
from comprehend.config import Config
from comprehend.history.attribution import CLASSIFIER_VERSION, classify_commits
from comprehend.history.git import Repository, existing_commits, resolve_ref, shallow_commits
from comprehend.history.markers import Catalogue, load_catalogue
from comprehend.history.notes import Sidecars, load_sidecars
from comprehend.store.connection import Store
from comprehend.store.history import fingerprint_and_tips, reset_attribution, save_commits

MAX_TIPS = 20


@dataclass(frozen=True)
class Context:
    """What classifying and blaming one revision needs, loaded once."""

    catalogue: Catalogue
    sidecars: Sidecars
    rev: str  # full sha
    shallow: frozenset[str] = frozenset()  # commits where a shallow clone cut the history


def fingerprint(config: Config, catalogue: Catalogue, sidecars: Sidecars) -> str:
    parts = [__version__, CLASSIFIER_VERSION, catalogue.digest, sidecars.digest,
             repr(config.attribution)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def record_history(repo: Repository, config: Config, store: Store, rev: str = "HEAD",
                   *, option: str = "--rev") -> Context:
    """Classify and store every commit reachable from `rev` not stored yet."""
    sha = resolve_ref(repo, rev, option=option)
    catalogue = load_catalogue()
    sidecars = load_sidecars(repo, catalogue)
    current = fingerprint(config, catalogue, sidecars)
    stored, tips = fingerprint_and_tips(store)
    if stored != current:
        reset_attribution(store, current)
        tips = []
    if sha not in tips:
        present = set(existing_commits(repo, tips).values())
        alive = [t for t in tips if t in present]  # a tip rebased away and pruned is gone
        commits = classify_commits(repo, config, [sha, *(f"^{t}" for t in alive)],
                                   catalogue=catalogue, sidecars=sidecars)
        save_commits(store, commits, [sha, *alive][:MAX_TIPS])
    return Context(catalogue=catalogue, sidecars=sidecars, rev=sha,
                   shallow=shallow_commits(repo) if repo.shallow else frozenset())
