"""Facts for a set of files: from the store when a blob was parsed before under the same
extractor version, else parsed (in forked worker processes when there are many) and stored.

Workers are forked after the grammars and queries are compiled, so they start in a few
milliseconds with nothing to import; each reads its own share of blobs (its own `git
cat-file`, streamed, so reading overlaps parsing) and sends back encoded facts through a
pipe. Nothing but the results crosses a process boundary."""

from __future__ import annotations

import functools
import hashlib
import marshal
import multiprocessing
import os
import selectors
import signal
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from comprehend.graph.extract import extract
from comprehend.graph.facts import FileFacts, decode, encode
from comprehend.graph.files import FileSet, Reader
from comprehend.graph.lang import rules_for
from comprehend.graph.languages import grammar_versions, parser, queries_digest, query
from comprehend.store import Store
from comprehend.store.facts import load_facts, prune_facts, save_facts

# Bump when the meaning of facts changes in a way the sources below do not show.
EXTRACTOR_EPOCH = "1"
PARALLEL_FROM = 48  # below this many files, starting workers costs more than it saves
BATCH = 32  # files per batch: stored in one transaction, one progress step
_SOURCES = ("extract.py", "facts.py", "languages.py", "lang")
# Forked workers need a platform where fork is safe with the libraries loaded (not macOS).
_FORK = sys.platform.startswith("linux")
_FRAME = struct.Struct("<I")  # length prefix of one batch on a worker's pipe

Progress = Callable[[int, int], None]
Job = tuple[str, str]  # (blob sha, language)
Row = tuple[str, str, str]  # (blob sha, language, encoded facts)


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
        for key, text in load_facts(store, version, wanted).items():
            facts[key] = decode(text)
    missing = sorted(wanted - facts.keys())
    if not missing:
        return facts, 0
    sizes = {f.blob: f.size for f in fileset.files}
    done = 0
    if progress:
        progress(0, len(missing))
    for rows in _parse(missing, sizes, fileset.read, workers):
        for blob, language, text in rows:
            facts[(blob, language)] = decode(text)
        if store is not None:
            save_facts(store, version, rows)
        done += len(rows)
        if progress:
            progress(done, len(missing))
    if store is not None:
        prune_facts(store, version)
    return facts, done


def _parse(jobs: list[Job], sizes: dict[str, int], read: Reader, workers: int) -> Iterator[list[Row]]:
    """Batches of rows for the jobs whose blobs exist (a blob git does not have is left out)."""
    count = workers or os.cpu_count() or 1
    if count < 2 or len(jobs) < PARALLEL_FROM:
        yield from _parse_here(jobs, read)
    elif _FORK:
        yield from _parse_forked(jobs, sizes, read, count)
    else:
        yield from _parse_pooled(jobs, read, count)


def _parse_here(jobs: Iterable[Job], read: Reader) -> Iterator[list[Row]]:
    languages: dict[str, list[str]] = {}
    for blob, language in jobs:
        languages.setdefault(blob, []).append(language)
    rows: list[Row] = []
    for blob, data in read(sorted(languages)):
        for language in languages[blob]:
            rows.append((blob, language, encode(parse_bytes(language, data))))
        if len(rows) >= BATCH:
            yield rows
            rows = []
    if rows:
        yield rows


def _shares(jobs: list[Job], sizes: dict[str, int], count: int) -> list[list[Job]]:
    """The jobs in `count` shares of about equal bytes (parsing time follows size); the
    languages of one blob stay together, so each worker reads a blob at most once."""
    by_blob: dict[str, list[Job]] = {}
    for job in jobs:
        by_blob.setdefault(job[0], []).append(job)
    shares: list[list[Job]] = [[] for _ in range(count)]
    loads = [0] * count
    for blob in sorted(by_blob, key=lambda b: -sizes.get(b, 0)):
        lightest = loads.index(min(loads))
        shares[lightest].extend(by_blob[blob])
        loads[lightest] += (sizes.get(blob, 0) + 512) * len(by_blob[blob])
    return [share for share in shares if share]


def _parse_forked(jobs: list[Job], sizes: dict[str, int], read: Reader, count: int) -> Iterator[list[Row]]:
    for language in {language for _, language in jobs}:
        warm_up(language)  # compiled once here; the workers inherit grammars and queries
    pipes: dict[int, int] = {}  # read end -> worker pid
    delivered: set[Job] = set()
    try:
        for share in _shares(jobs, sizes, count):
            readable, writable = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                os.close(readable)
                _work(share, read, writable)
            os.close(writable)
            pipes[readable] = pid
        for rows in _receive(pipes):
            delivered.update((blob, language) for blob, language, _ in rows)
            yield rows
    finally:
        for readable, pid in pipes.items():  # only after an error or ctrl-c
            _stop(pid)
            os.close(readable)
    # A worker that died (out of memory, killed) delivered less: parse the rest here,
    # where an error, if there is one, surfaces with its traceback.
    rest = [job for job in jobs if job not in delivered]
    if rest:
        yield from _parse_here(rest, read)


def _work(share: list[Job], read: Reader, writable: int) -> None:
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ctrl-c and stops us
        with os.fdopen(writable, "wb") as out:
            for rows in _parse_here(share, read):
                payload = marshal.dumps(rows)  # same interpreter on both ends of the pipe
                out.write(_FRAME.pack(len(payload)))
                out.write(payload)
                out.flush()
        status = 0
    finally:
        os._exit(status)  # no cleanup of the parent's objects (store, progress bar)


def _receive(pipes: dict[int, int]) -> Iterator[list[Row]]:
    """Batches from every worker as they arrive; each worker is reaped at its end of file."""
    buffers = {readable: bytearray() for readable in pipes}
    with selectors.DefaultSelector() as selector:
        for readable in pipes:
            selector.register(readable, selectors.EVENT_READ)
        while buffers:
            for key, _ in selector.select():
                readable = key.fd
                chunk = os.read(readable, 1 << 20)
                buffer = buffers[readable]
                if chunk:
                    buffer += chunk
                    while len(buffer) >= _FRAME.size:
                        (size,) = _FRAME.unpack_from(buffer)
                        if len(buffer) < _FRAME.size + size:
                            break
                        rows = marshal.loads(bytes(buffer[_FRAME.size:_FRAME.size + size]))
                        del buffer[:_FRAME.size + size]
                        yield rows
                    continue
                selector.unregister(readable)
                del buffers[readable]
                os.close(readable)
                os.waitpid(pipes.pop(readable), 0)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _parse_pooled(jobs: list[Job], read: Reader, count: int) -> Iterator[list[Row]]:
    """Where fork is unsafe: spawned workers, which get the bytes through the pool."""
    contents = dict(read(sorted({blob for blob, _ in jobs})))
    items = sorted(((blob, language, contents[blob]) for blob, language in jobs if blob in contents),
                   key=lambda item: -len(item[2]))
    batches = [items[start::count * 4] for start in range(count * 4)]
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_ignore_interrupts)
    try:
        pending = {pool.submit(_parse_batch, batch) for batch in batches if batch}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _parse_batch(items: list[tuple[str, str, bytes]]) -> list[Row]:
    return [(blob, language, encode(parse_bytes(language, data))) for blob, language, data in items]


def warm_up(language: str) -> None:
    parser(language)
    rules_for(language)
    for kind in ("facts", "references", "errors"):
        query(language, kind)


def _ignore_interrupts() -> None:
    # ctrl-c reaches the whole process group: the parent alone handles it and stops the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)
