"""Which files the graph reads, at a revision or in the working tree, and why it skips the
others (symlinks, submodules, excluded, too large; binary and invalid UTF-8 are found when
the bytes are read)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Protocol

from comprehend.config import GraphConfig
from comprehend.git import BlobReader, Repository, list_files, read_blobs, worktree_paths
from comprehend.graph.languages import language_for

# Files that place source files (module paths, crate names, path aliases, package names)
# without being parsed.
MANIFESTS = ("go.mod", "Cargo.toml", "tsconfig.json", "jsconfig.json", "package.json")
# Configs a tsconfig.json may extend (tsconfig.base.json, tsconfig.app.json): read too.
_EXTENDED_CONFIGS = ("tsconfig", "jsconfig")


def is_manifest(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name == "package.json" and "node_modules" in path.split("/"):
        return False  # installed dependencies (when committed): many, and not the repository's own
    return name in MANIFESTS or (name.startswith(_EXTENDED_CONFIGS) and name.endswith(".json"))


@dataclass(frozen=True)
class SourceFile:
    path: str
    blob: str  # git blob sha of its content ("" for symlinks and submodules)
    language: str | None  # None: not a language the graph reads
    size: int
    skipped: str  # "" when parsed; symlink | submodule | excluded | too-large |
    # undecodable-name (binary and invalid-utf8 are known only from the bytes: facts say so)


class Blobs(Protocol):
    def read(self, shas: Sequence[str]) -> list[tuple[str, bytes]]:
        """(sha, contents) of each of these blobs that exists."""


@dataclass(frozen=True)
class FileSet:
    files: tuple[SourceFile, ...]
    manifests: dict[str, str]  # go.mod / Cargo.toml / tsconfig / package.json path -> text
    # Contents by blob sha. Each process that reads opens its own (a forked worker cannot
    # share its parent's git process), and reads through it a batch at a time.
    open_blobs: Callable[[], AbstractContextManager[Blobs]]


@dataclass(frozen=True)
class _InMemory:
    contents: dict[str, bytes]

    def read(self, shas: Sequence[str]) -> list[tuple[str, bytes]]:
        return [(sha, self.contents[sha]) for sha in shas if sha in self.contents]


def blob_sha(data: bytes) -> str:
    """The sha git gives these bytes as a blob, so worktree files share the cache with commits."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _classify(path: str, mode: str, size: int, config: GraphConfig) -> tuple[str | None, str]:
    language = language_for(path, config.extensions)
    if language and not _decodable(path):
        return language, "undecodable-name"  # a node id must print and store as UTF-8
    if mode == "120000":
        return language, "symlink"
    if mode == "160000":
        return language, "submodule"
    if language is None:
        return None, ""
    if any(fnmatch(path, pattern) for pattern in config.exclude):
        return language, "excluded"
    if size > config.max_file_bytes:
        return language, "too-large"
    return language, ""


def _decodable(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # git gave bytes that are not UTF-8 (kept as surrogates)
        return False
    return True


def display_path(path: str) -> str:
    """A path as UTF-8 text, undecodable bytes replaced: for tables and listings."""
    return path if _decodable(path) else path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def files_at(repo: Repository, rev: str, config: GraphConfig) -> FileSet:
    files = []
    manifest_blobs: dict[str, str] = {}
    for tracked in list_files(repo, rev):
        language, skipped = _classify(tracked.path, tracked.mode, tracked.size, config)
        files.append(SourceFile(tracked.path, tracked.blob if tracked.mode != "160000" else "",
                                language, tracked.size, skipped))
        if is_manifest(tracked.path) and tracked.mode.startswith("100"):
            manifest_blobs[tracked.path] = tracked.blob
    texts = read_blobs(repo, sorted(set(manifest_blobs.values())))
    manifests = {path: texts.get(blob, b"").decode("utf-8", "replace")
                 for path, blob in manifest_blobs.items()}
    return FileSet(tuple(files), manifests, lambda: BlobReader(repo))


def files_in_worktree(repo: Repository, config: GraphConfig) -> FileSet:
    """Tracked files as they are on disk (edits included, deleted ones left out) and
    untracked files that are not ignored. Contents are read once, here, to hash them."""
    files = []
    contents: dict[str, bytes] = {}
    manifests: dict[str, str] = {}
    for path in worktree_paths(repo):
        full = repo.root / path
        try:
            stat = os.lstat(full)
        except OSError:
            continue  # tracked but deleted in the working tree
        if os.path.islink(full):
            mode = "120000"
        elif os.path.isdir(full):
            mode = "160000"  # a submodule (or a nested repository)
        else:
            mode = "100644"
        language, skipped = _classify(path, mode, stat.st_size, config)
        blob = ""
        if mode == "100644" and ((language and not skipped) or is_manifest(path)):
            try:
                data = full.read_bytes()
            except OSError:
                continue
            blob = blob_sha(data)
            contents[blob] = data
            if is_manifest(path):
                manifests[path] = data.decode("utf-8", "replace")
        files.append(SourceFile(path, blob, language, stat.st_size, skipped))
    return FileSet(tuple(files), manifests, lambda: contextlib.nullcontext(_InMemory(contents)))
