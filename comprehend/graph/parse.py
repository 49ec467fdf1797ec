"""Facts for a set of files: from the store when a blob was parsed before under the same
extractor version, else parsed (in forked worker processes when there are many) and stored."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

from comprehend.graph import workers as forked
from comprehend.graph.extract import extract
from comprehend.graph.facts import FileFacts, Undecodable, decode, encode
from comprehend.graph.files import Blobs, FileSet
from comprehend.graph.lang import rules_for
from comprehend.graph.languages import grammar_versions, parser, queries_digest, query
from comprehend.store import Store
from comprehend.store.facts import load_facts, prune_facts, save_facts

# Bump when the meaning of facts changes in a way the sources below do not show.
EXTRACTOR_EPOCH = "1"
PARALLEL_FROM = 48  # below this many files, starting workers costs more than it saves
# A batch (one read from git, one task of a worker, one progress step) holds up to this
# many files or bytes. Largest files come first, so the last batches are small and the
# workers finish together.
BATCH_FILES = 32
BATCH_BYTES = 1 << 16
SAVE_EVERY = 256  # parsed files per store transaction: few commits, little lost to ctrl-c
_SOURCES = ("extract.py", "facts.py", "languages.py", "lang")

Progress = Callable[[int, int], None]
Job = tuple[str, str]  # (blob sha, language)
Batch = list[tuple[str, list[str]]]  # (blob sha, its languages)
Row = tuple[str, str, bytes]  # (blob sha, language, encoded facts)


@functools.cache
def extractor_version() -> str:
    """Changes whenever facts could: our extraction code, the queries, the grammar wheels."""
    digest = hashlib.sha1(EXTRACTOR_EPOCH.encode())
    digest.update(grammar_versions().encode())
    digest.update(queries_digest().encode())
    here = Path(__file__).parent
    for name in _SOURCES:
        for path in sorted((here / name).rglob("*.py")) if (here / name).is_dir() else [here / name]:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def parse_bytes(language: str, data: bytes) -> FileFacts:
    """Facts of one file's bytes; binary or non-UTF-8 content is recorded, not parsed."""
    if b"\0" in data[:8192]:
        return FileFacts(language=language, skipped="binary")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return FileFacts(language=language, skipped="invalid-utf8")
    return extract(language, data)


def facts_for(
    fileset: FileSet, store: Store | None, workers: int = 0, progress: Progress | None = None,
) -> tuple[dict[Job, FileFacts], int]:
    """(blob, language) -> facts for every parseable file, and how many were parsed now."""
    wanted = {(f.blob, f.language) for f in fileset.files if f.language and not f.skipped and f.blob}
    version = extractor_version()
    facts: dict[Job, FileFacts] = {}
    if store is not None:
        for key, data in load_facts(store, version, wanted).items():
            try:
                facts[key] = decode(data)
            except Undecodable:
                continue  # parsed again, and stored over
    missing = sorted(wanted - facts.keys())
    if not missing:
        return facts, 0
    sizes = {f.blob: f.size for f in fileset.files}
    done = 0
    if progress:
        progress(0, len(missing))
    unsaved: list[Row] = []
    # closed at once on ctrl-c (not when the traceback goes), which stops the workers
    with contextlib.closing(_parse(missing, sizes, fileset, workers)) as parsed:
        for rows in parsed:
            for blob, language, data in rows:
                facts[(blob, language)] = decode(data)
            unsaved += rows
            if store is not None and len(unsaved) >= SAVE_EVERY:
                save_facts(store, version, unsaved)
                unsaved = []
            done += len(rows)
            if progress:
                progress(done, len(missing))
    if store is not None:
        save_facts(store, version, unsaved)
        prune_facts(store, version)
    return facts, done


def _parse(jobs: list[Job], sizes: dict[str, int], fileset: FileSet,
           workers: int) -> Iterator[list[Row]]:
    """Rows for the jobs whose blobs exist, a batch at a time."""
    batches = _batches(jobs, sizes)
    count = min(workers or _cores(), len(batches))
    finished: set[int] = set()
    if count >= 2 and len(jobs) >= PARALLEL_FROM:
        if not forked.AVAILABLE:
            yield from _parse_spawned(batches, fileset, count)
            return
        for language in {language for _, language in jobs}:
            warm_up(language)  # compiled once here; the workers inherit grammars and queries
        results = forked.run_forked(batches, count, _parse_batch, fileset.open_blobs)
        with contextlib.closing(results):
            for index, rows in results:
                finished.add(index)
                yield rows
    rest = [batch for index, batch in enumerate(batches) if index not in finished]
    if rest:  # everything when parsing here; after workers, what a worker that died left
        with fileset.open_blobs() as blobs:
            for batch in rest:
                yield _parse_batch(blobs, batch)


def _cores() -> int:
    """Cores this process may run on: a container or taskset may allow fewer than exist."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows do not say
        return os.cpu_count() or 1


def _batches(jobs: list[Job], sizes: dict[str, int]) -> list[Batch]:
    """Jobs grouped by blob (each blob read once) into batches, largest files first."""
    languages: dict[str, list[str]] = {}
    for blob, language in jobs:
        languages.setdefault(blob, []).append(language)
    weights = {blob: max(sizes.get(blob, 0), 0) * len(langs) for blob, langs in languages.items()}
    order = sorted(languages, key=lambda blob: (-weights[blob], blob))
    # Batches closed full of files number at most files / limit_files, those closed because
    # the next blob would overflow them at most 2 * bytes / limit_bytes. Each kind stays
    # within a quarter of the worker queue: a huge repository gets larger batches.
    quarter = forked.MAX_TASKS // 4
    scale = max(1, -(-len(order) // (quarter * BATCH_FILES)),
                -(-2 * sum(weights.values()) // (quarter * BATCH_BYTES)))
    limit_files, limit_bytes = BATCH_FILES * scale, BATCH_BYTES * scale
    batches: list[Batch] = []
    batch: Batch = []
    weight = 0
    for blob in order:
        size = weights[blob]
        if batch and (len(batch) >= limit_files or weight + size > limit_bytes):
            batches.append(batch)
            batch, weight = [], 0
        batch.append((blob, languages[blob]))
        weight += size
    if batch:
        batches.append(batch)
    return batches


def _parse_batch(blobs: Blobs, batch: Batch) -> list[Row]:
    languages = dict(batch)
    return [(blob, language, encode(parse_bytes(language, data)))
            for blob, data in blobs.read(list(languages)) for language in languages[blob]]


def _parse_spawned(batches: list[Batch], fileset: FileSet, count: int) -> Iterator[list[Row]]:
    """Where fork is unsafe: spawned workers, which import comprehend and get the bytes
    through the pool."""
    with fileset.open_blobs() as blobs:
        contents = dict(blobs.read([blob for batch in batches for blob, _ in batch]))
    loads = [[(blob, languages, contents[blob]) for blob, languages in batch if blob in contents]
             for batch in batches]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_ignore_interrupts)
    try:
        yield from pool.map(_parse_loaded, loads)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _parse_loaded(load: list[tuple[str, list[str], bytes]]) -> list[Row]:
    return [(blob, language, encode(parse_bytes(language, data)))
            for blob, languages, data in load for language in languages]


def warm_up(language: str) -> None:
    parser(language)
    rules_for(language)
    for kind in ("facts", "references", "errors"):
        query(language, kind)


def _ignore_interrupts() -> None:
    # ctrl-c reaches the whole process group: the parent alone handles it and stops the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)
