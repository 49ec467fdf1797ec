"""Parsing a cold repository in forked workers: the same facts as parsing in-process,
tasks shared through one queue, a dead worker's share done by the parent, ctrl-c leaving
no process behind, and the caches' own formats (what does not decode is built again)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gitrepo import GitRepo
from graphkit import graph_of

from comprehend.config import GraphConfig
from comprehend.git import BlobReader, open_repository, resolve_ref
from comprehend.graph import parse, workers
from comprehend.graph.codegraph import CodeGraph
from comprehend.graph.files import files_at

MODULES = 60  # above parse.PARALLEL_FROM, so a cold build forks workers


def many_files(repo: GitRepo) -> None:
    """Python modules of many sizes, one blob read as both JavaScript and TypeScript, a
    binary file and one that does not parse."""
    for i in range(MODULES):
        body = "".join(f"\n\ndef f{i}_{j}(x):\n    return helper(x) + {j}\n" for j in range(1 + i % 7))
        repo.write(f"pkg/m{i}.py", f"from pkg.util import helper\n{body}")
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/util.py", "def helper(x):\n    return x\n")
    repo.write("web/same.js", "export function add(a, b) { return a + b }\n")
    repo.write("web/same.ts", "export function add(a, b) { return a + b }\n")
    repo.write("pkg/blob.py", b"\x00\x01binary")
    repo.write("pkg/broken.py", "def broken(:\n    return\n")
    repo.commit("many files")


def fileset_of(repo: GitRepo):
    opened = open_repository(repo.path)
    return files_at(opened, resolve_ref(opened, "HEAD"), GraphConfig())


def counted_forked_results(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Indices of the batches the workers delivered, as parse saw them."""
    delivered: list[int] = []
    real = workers.run_forked

    def counting(*args, **kwargs):
        for index, rows in real(*args, **kwargs):
            delivered.append(index)
            yield index, rows

    monkeypatch.setattr(workers, "run_forked", counting)
    return delivered


def test_forked_workers_find_the_facts_of_parsing_in_process(repo: GitRepo, monkeypatch) -> None:
    many_files(repo)
    fileset = fileset_of(repo)
    here, parsed_here = parse.facts_for(fileset, None, workers=1)
    delivered = counted_forked_results(monkeypatch)
    forked, parsed_forked = parse.facts_for(fileset, None, workers=2)
    # 64 Python files and one blob read as two languages
    assert (parsed_here, parsed_forked) == (66, 66)
    assert forked == here
    assert sorted(delivered) == [0, 1, 2]  # every batch came from a worker
    languages = sorted(language for blob, language in forked if language != "python")
    assert languages == ["javascript", "typescript"]
    skipped = sorted(f.skipped for f in forked.values() if f.skipped)
    assert skipped == ["binary"]
    assert sum(f.parse_errors > 0 for f in forked.values()) == 1


def test_the_parent_parses_what_a_dead_worker_left(repo: GitRepo, monkeypatch) -> None:
    many_files(repo)
    fileset = fileset_of(repo)
    here, _ = parse.facts_for(fileset, None, workers=1)
    parent = os.getpid()
    real = parse._parse_batch

    def dying(blobs, batch):
        if os.getpid() != parent and len(batch) > 1:
            os._exit(9)  # as if killed by the kernel for memory
        return real(blobs, batch)

    monkeypatch.setattr(parse, "_parse_batch", dying)
    delivered = counted_forked_results(monkeypatch)
    forked, parsed = parse.facts_for(fileset, None, workers=2)
    assert (forked == here, parsed) == (True, 66)
    assert len(delivered) < len(parse._batches(sorted(here), {f.blob: f.size for f in fileset.files}))


def test_workers_share_one_queue_and_keep_their_state() -> None:
    @contextlib.contextmanager
    def worker_pid():
        yield os.getpid()

    results = dict(workers.run_forked(list(range(200)), 2, lambda pid, task: (pid, task * task), worker_pid))
    assert sorted(results) == list(range(200))
    assert [square for _, square in (results[i] for i in range(200))] == [i * i for i in range(200)]
    pids = {pid for pid, _ in results.values()}
    assert os.getpid() not in pids
    assert 1 <= len(pids) <= 2


def test_a_dead_workers_task_is_not_delivered() -> None:
    def work(_, task):
        if task == 5:
            os._exit(9)
        return task

    results = dict(workers.run_forked(list(range(20)), 2, work, lambda: contextlib.nullcontext()))
    assert sorted(results) == [i for i in range(20) if i != 5]


def test_too_many_tasks_for_the_queue_are_refused() -> None:
    with pytest.raises(ValueError, match=f"{workers.MAX_TASKS + 1} tasks; at most {workers.MAX_TASKS} fit the queue"):
        next(workers.run_forked([0] * (workers.MAX_TASKS + 1), 2, lambda _, t: t, contextlib.nullcontext))


def test_batches_of_a_huge_repository_fit_the_queue() -> None:
    tiny = {f"{i:040x}": 10 for i in range(100_000)}
    huge = {f"{i:040x}": 10_000_000 for i in range(100_000, 105_000)}
    sizes = {**tiny, **huge}
    jobs = sorted((blob, "python") for blob in sizes)
    batches = parse._batches(jobs, sizes)
    assert len(batches) <= workers.MAX_TASKS
    assert sorted(blob for batch in batches for blob, _ in batch) == sorted(sizes)
    assert sizes[batches[0][0][0]] == 10_000_000  # largest first
    assert sizes[batches[-1][-1][0]] == 10


_INTERRUPTED = textwrap.dedent("""
    import os, sys
    from comprehend.config import GraphConfig
    from comprehend.graph.files import files_at
    from comprehend.graph.parse import facts_for
    from comprehend.git import open_repository, resolve_ref

    repo = open_repository(sys.argv[1])
    fileset = files_at(repo, resolve_ref(repo, "HEAD"), GraphConfig())

    def ctrl_c(done, total):
        if done:
            raise KeyboardInterrupt

    def parent_of(pid):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:  # ended while we looked
            return None

    try:
        facts_for(fileset, None, workers=2, progress=ctrl_c)
    except KeyboardInterrupt:
        mine = [pid for pid in os.listdir("/proc") if pid.isdigit() and parent_of(pid) == os.getpid()]
        print("interrupted; processes left:", len(mine))
""")


@pytest.mark.skipif(not workers.AVAILABLE, reason="forked workers run on Linux only")
def test_ctrl_c_while_parsing_leaves_no_worker_behind(repo: GitRepo, clean_env) -> None:
    many_files(repo)
    out = subprocess.run([sys.executable, "-c", _INTERRUPTED, str(repo.path)], env=clean_env,
                         capture_output=True, text=True, timeout=60)
    assert (out.stdout, out.stderr) == ("interrupted; processes left: 0\n", "")


def test_spawned_workers_where_fork_is_unsafe(repo: GitRepo, monkeypatch) -> None:
    many_files(repo)
    fileset = fileset_of(repo)
    here, _ = parse.facts_for(fileset, None, workers=1)
    monkeypatch.setattr(workers, "AVAILABLE", False)
    spawned, parsed = parse.facts_for(fileset, None, workers=2)
    assert (spawned == here, parsed) == (True, 66)


def test_blob_reader_answers_many_requests(repo: GitRepo) -> None:
    for i in range(300):  # more than one request's worth of shas
        repo.write(f"f{i}.txt", f"file {i}\n")
    repo.commit("files")
    opened = open_repository(repo.path)
    shas = repo.git("ls-tree", "--format=%(objectname) %(path)", "HEAD").split("\n")
    by_path = dict(reversed(line.split(" ", 1)) for line in shas if line)
    wanted = [by_path[f"f{i}.txt"] for i in range(300)]
    absent = "0" * 40
    with BlobReader(opened) as blobs:
        first = blobs.read([wanted[0], absent, wanted[1]])
        rest = blobs.read(wanted[2:])
    assert first == [(wanted[0], b"file 0\n"), (wanted[1], b"file 1\n")]
    assert rest == [(sha, f"file {i + 2}\n".encode()) for i, sha in enumerate(wanted[2:])]


def test_cached_facts_that_do_not_decode_are_parsed_again(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("app/util.py", "def helper():\n    return 1\n")
    repo.write("app/core.py", "from app.util import helper\n\n\ndef run():\n    return helper()\n")
    repo.commit("app")
    db = tmp_path / "store.db"
    cold = graph_of(repo, db)
    with sqlite3.connect(db) as conn:
        blob = repo.git("rev-parse", "HEAD:app/util.py").strip()
        assert conn.execute("UPDATE facts SET data = ? WHERE blob_sha = ?", (b"\x00damaged", blob)).rowcount == 1
        conn.execute("DELETE FROM graph_cache")
    again = graph_of(repo, db)
    assert again.stats["parsed_now"] == 1
    assert (again.nodes, again.edges) == (cold.nodes, cold.edges)


def test_graph_cache_rows_of_another_format_decode_to_nothing() -> None:
    assert CodeGraph.decode('{"format":1,"nodes":[]}') is None  # format 1 was JSON text
    assert CodeGraph.decode(b"\x00damaged") is None
    assert CodeGraph.decode(b"N") is None  # marshalled, but not a graph
