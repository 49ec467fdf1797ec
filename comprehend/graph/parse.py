"""Facts for a set of files: from the store when a blob was parsed before under the same
extractor version, else parsed (in worker processes when there are many) and stored."""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from comprehend.graph.extract import extract
from comprehend.graph.facts import FileFacts, decode, encode
from comprehend.graph.files import FileSet
from comprehend.graph.lang import rules_for
from comprehend.graph.languages import grammar_versions, parser, queries_digest, query
from comprehend.store import Store
from comprehend.store.facts import load_facts, prune_facts, save_facts

# Bump when the meaning of facts changes in a way the sources below do not show.
EXTRACTOR_EPOCH = "1"
PARALLEL_FROM = 48  # below this many files, starting workers costs more than it saves
_SOURCES = ("extract.py", "facts.py", "languages.py", "lang")

Progress = Callable[[int, int], None]


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
) -> tuple[dict[tuple[str, str], FileFacts], int]:
    """(blob, language) -> facts for every parseable file, and how many were parsed now."""
    wanted = {(f.blob, f.language) for f in fileset.files if f.language and not f.skipped and f.blob}
    version = extractor_version()
    facts: dict[tuple[str, str], FileFacts] = {}
    if store is not None:
        for key, text in load_facts(store, version, wanted).items():
            facts[key] = decode(text)
    missing = sorted(wanted - facts.keys())
    if not missing:
        return facts, 0
    contents = fileset.read(sorted({blob for blob, _ in missing}))
    items = [(blob, language, contents[blob]) for blob, language in missing if blob in contents]
    done = 0
    if progress:
        progress(0, len(items))
    for rows in _parse_batches(items, workers):
        for blob, language, text in rows:
            facts[(blob, language)] = decode(text)
        if store is not None:
            save_facts(store, version, rows)
        done += len(rows)
        if progress:
            progress(done, len(items))
    if store is not None:
        prune_facts(store, version)
    return facts, len(items)


def _parse_batch(items: list[tuple[str, str, bytes]]) -> list[tuple[str, str, str]]:
    return [(blob, language, encode(parse_bytes(language, data))) for blob, language, data in items]


def _parse_batches(items: list[tuple[str, str, bytes]], workers: int) -> Iterator[list[tuple[str, str, str]]]:
    count = workers or os.cpu_count() or 1
    if count < 2 or len(items) < PARALLEL_FROM:
        step = 64
        for start in range(0, len(items), step):
            yield _parse_batch(items[start:start + step])
        return
    # Balanced batches by size, largest first, several per worker so progress moves.
    bins: list[list[tuple[str, str, bytes]]] = [[] for _ in range(count * 4)]
    loads = [0] * len(bins)
    for item in sorted(items, key=lambda i: -len(i[2])):
        lightest = loads.index(min(loads))
        bins[lightest].append(item)
        loads[lightest] += len(item[2]) + 512
    for language in {language for _, language, _ in items}:
        warm_up(language)  # forked workers inherit compiled grammars and queries
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_ignore_interrupts)
    try:
        pending = {pool.submit(_parse_batch, batch) for batch in bins if batch}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def warm_up(language: str) -> None:
    parser(language)
    rules_for(language)
    for kind in ("facts", "references", "errors"):
        query(language, kind)


def _ignore_interrupts() -> None:
    # ctrl-c reaches the whole process group: the parent alone handles it and stops the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)
