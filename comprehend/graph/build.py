"""Building the code graph of a revision (or of the working tree) with its caches: a whole
graph by content key first, then facts per blob, parsing only what was never parsed."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from comprehend.config import Config, GraphConfig
from comprehend.errors import ConfigError
from comprehend.git import Repository, resolve_ref, tree_id
from comprehend.graph.codegraph import CodeGraph
from comprehend.graph.facts import FileFacts
from comprehend.graph.files import FileSet, display_path, files_at, files_in_worktree
from comprehend.graph.languages import LANGUAGES, unknown_extension_languages
from comprehend.graph.parse import extractor_version, facts_for
from comprehend.graph.resolve import resolve
from comprehend.store import Store
from comprehend.store.facts import load_graph, save_graph, save_snapshot, snapshot_key

__all__ = ["CodeGraph", "build_graph"]

# Sources whose change changes a graph built from the same facts.
_RESOLVER_SOURCES = ("resolve.py", "layout.py", "files.py", "build.py", "codegraph.py", "lang")


def build_graph(
    repo: Repository,
    config: Config,
    store: Store | None,
    rev: str | None = "HEAD",
    progress: Callable[[int, int], None] | None = None,
) -> CodeGraph:
    """The code graph of `rev` (a commit-ish), or of the working tree's files (tracked ones
    as on disk, plus untracked ones git does not ignore) when `rev` is None. `progress` is
    called with (files parsed, files to parse) while parsing. With a store, facts and the
    graph are cached there; an unchanged repository parses and resolves nothing."""
    settings = config.graph
    _check(settings)
    with _collector_paused():
        return _build(repo, settings, store, rev, progress)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A build allocates about a million small objects and frees few, which makes Python's
    cyclic collector traverse them again and again for nothing (0.1 s of a cold build of
    Django). Reference counting still frees what the build drops."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(repo: Repository, settings: GraphConfig, store: Store | None, rev: str | None,
           progress: Callable[[int, int], None] | None) -> CodeGraph:
    commit = None
    fileset: FileSet | None = None
    if rev is None:
        fileset = files_in_worktree(repo, settings)
        key = _key(settings, "worktree:" + _fileset_digest(fileset))
    else:
        commit = resolve_ref(repo, rev, option="--rev")
        key = _key(settings, "tree:" + tree_id(repo, commit))
    if store is not None:
        cached = load_graph(store, key)
        if cached is not None:
            graph = CodeGraph.decode(cached, key)  # None when written in an older format
            if graph is not None:
                graph.stats["parsed_now"] = 0
                return graph
    if fileset is None:
        fileset = files_at(repo, commit, settings)
    facts, parsed_now = facts_for(fileset, store, settings.workers, progress)
    resolved = resolve(list(fileset.files), facts, fileset.manifests, settings)
    edges = [(src, dst, data) for (src, dst, _), data in resolved.edges.items()]
    stats = _stats(fileset, facts, resolved)
    graph = CodeGraph(nodes=resolved.nodes, edges=edges, spans=dict(resolved.spans), stats=stats,
                      files=_file_rows(fileset, facts), key=key)
    if store is not None:
        save_graph(store, key, graph.encode())
    graph.stats["parsed_now"] = parsed_now
    return graph


def record_snapshot(store: Store, graph: CodeGraph) -> bool:
    """Write a graph into the store's files/symbols/edges tables (for SQL readers such as
    Datasette), unless that graph is already there. `comprehend scan` records HEAD's."""
    if snapshot_key(store) == graph.key:
        return False
    symbols = [
        (node_id, node["path"], node["qualname"], node["kind"], node["start_line"], node["end_line"])
        for node_id, node in graph.nodes.items()
        if node["kind"] in ("class", "function", "constant")
    ]
    edges = [(src, dst, data["kind"], data["confidence"]) for src, dst, data in graph.edges]
    save_snapshot(store, graph.key, graph.files, symbols, edges)
    return True


def _check(settings: GraphConfig) -> None:
    bad = unknown_extension_languages(settings.extensions)
    if bad:
        raise ConfigError(
            f"graph.extensions: unknown language in {', '.join(bad)}; "
            f"use one of {', '.join(sorted(LANGUAGES))}"
        )
    if settings.max_file_bytes <= 0:
        raise ConfigError("graph.max_file_bytes must be a positive number of bytes")
    if settings.workers < 0:
        raise ConfigError("graph.workers must be 0 (one per core) or a positive number")


@functools.cache
def _resolver_version() -> str:
    digest = hashlib.sha1(extractor_version().encode())
    here = Path(__file__).parent
    for name in _RESOLVER_SOURCES:
        target = here / name
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _key(settings: GraphConfig, content: str) -> str:
    """Content key of a graph: the code that builds it, the settings that shape it, and
    the files (a tree id, or a digest of the working tree's paths and blobs)."""
    digest = hashlib.sha1(_resolver_version().encode())
    digest.update(repr(sorted(
        (name, sorted(value.items()) if hasattr(value, "items") else value)
        for name, value in vars(settings).items() if name != "workers"
    )).encode())
    digest.update(content.encode())
    return digest.hexdigest()


def _fileset_digest(fileset: FileSet) -> str:
    digest = hashlib.sha1()
    # paths git gave as bytes that are not UTF-8 hash as those bytes (surrogateescape)
    for source in fileset.files:
        digest.update(f"{source.path}\0{source.blob}\0{source.language}\0{source.skipped}\n"
                      .encode("utf-8", "surrogateescape"))
    for path, text in sorted(fileset.manifests.items()):
        digest.update(f"{path}\0{text}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _stats(fileset: FileSet, facts: dict[tuple[str, str], FileFacts], resolved) -> dict:
    by_language = Counter(f.language for f in fileset.files if f.language)
    return {
        "files": len(fileset.files),
        "by_language": dict(sorted(by_language.items())),
        "skipped": resolved.skipped,
        "parse_error_files": sorted(resolved.parse_error_files),
        "parse_errors": sum(facts[(f.blob, f.language)].parse_errors for f in fileset.files
                            if (f.blob, f.language) in facts),
    }


def _file_rows(fileset: FileSet, facts: dict[tuple[str, str], FileFacts]) -> list[tuple[str, str, str | None, int]]:
    rows = []
    for source in fileset.files:
        found = facts.get((source.blob, source.language)) if source.language else None
        rows.append((display_path(source.path), source.blob, source.language, found.lines if found else 0))
    return rows
