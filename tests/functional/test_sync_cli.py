"""`comprehend sync` between real clones through a local bare remote: the union of both
sides' answers, no duplicate, concurrent syncs, no other ref touched, bad remotes."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gitrepo import GitRepo, git

from comprehend.store import open_store
from comprehend.store.quiz import load_answers, record_answer, save_questions

OWN_REFS = {"refs/notes/comprehend", "refs/notes/comprehend-fetched"}


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def clones(repo: GitRepo, tmp_path: Path) -> tuple[Path, Path, Path]:
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))
    a, b = tmp_path / "a", tmp_path / "b"
    for clone in (a, b):
        git(tmp_path, "clone", "-q", str(bare), str(clone))
    return bare, a, b


def answer(clone: Path, n: str, person: str) -> None:
    with open_store(clone / ".git" / "comprehend" / "comprehend.db") as store:
        save_questions(store, [{"id": f"q{n}", "kind": "callers", "category": "relation",
                                "symbol": "m.f", "commit": None, "prompt": f"question {n}",
                                "choices": ["x", "y"], "answer": "x", "explanation": "",
                                "policy_hash": "", "verified": 1, "code": "", "source": {},
                                "evidence": {}, "language": "python",
                                "created_at": "2026-11-01T10:00:00+00:00"}])
        record_answer(store, {"id": f"answer-{n}", "question": f"q{n}", "person": person,
                              "symbol": "m.f", "answered_at": f"2026-11-0{len(n)}T10:00:00+00:00",
                              "correct": 1, "seconds": 5.0, "rating": 3, "choice": "x",
                              "session": "s"}, None)


def answer_ids(clone: Path) -> list[str]:
    with open_store(clone / ".git" / "comprehend" / "comprehend.db") as store:
        return sorted(a["id"] for a in load_answers(store))


def refs(path: Path) -> dict[str, str]:
    out = git(path, "for-each-ref", "--format=%(refname) %(objectname)")
    return {name: sha for name, sha in (line.split(" ", 1) for line in out.splitlines())}


def test_two_clones_that_answered_on_their_own_both_get_the_union(clones, clean_env) -> None:
    bare, a, b = clones
    answer(a, "1", "alice@x.example")
    answer(b, "2", "bob@x.example")
    answer(b, "3", "alice@x.example")  # alice on another machine
    before_a, status_a = refs(a), git(a, "status", "--porcelain=v1", "--branch")

    first = run(["sync"], a, clean_env)
    assert (first.returncode, first.stdout.strip()) == (
        0, "synced with origin (refs/notes/comprehend): sent 1 answers, received 0; "
           "1 answers shared in all")
    second = run(["sync"], b, clean_env)
    assert second.stdout.strip().endswith("sent 2 answers, received 1; 3 answers shared in all")
    third = run(["sync"], a, clean_env)
    assert third.stdout.strip().endswith("sent 0 answers, received 2; 3 answers shared in all")
    again = run(["sync"], b, clean_env)
    assert again.stdout.strip().endswith("sent 0 answers, received 0; 3 answers shared in all")

    assert answer_ids(a) == answer_ids(b) == ["answer-1", "answer-2", "answer-3"]
    after = refs(a)
    assert {k: v for k, v in after.items() if k not in OWN_REFS} == before_a
    assert git(a, "status", "--porcelain=v1", "--branch") == status_a
    assert "refs/notes/comprehend" in refs(bare)
    notes = git(bare, "notes", "--ref=comprehend", "list").split("\n")
    assert len([n for n in notes if n]) == 2  # one note per person


def test_concurrent_syncs_lose_nothing(clones, clean_env) -> None:
    _, a, b = clones
    answer(a, "1", "alice@x.example")
    answer(b, "22", "alice@x.example")  # the same person's note changes on both sides
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda c: run(["sync"], c, clean_env), [a, b]))
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    for clone in (a, b):
        assert run(["sync"], clone, clean_env).returncode == 0
    assert answer_ids(a) == answer_ids(b) == ["answer-1", "answer-22"]


def test_a_remote_that_does_not_exist_gets_one_line_and_exit_2(clones, clean_env) -> None:
    _, a, _ = clones
    proc = run(["sync", "--remote", "nowhere"], a, clean_env)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("comprehend: --remote nowhere: no such remote here (origin); "
                                   "`git remote -v` lists them")


def test_a_repository_without_remotes_is_told_how_to_add_one(repo: GitRepo, clean_env) -> None:
    proc = run(["sync"], repo.path, clean_env)
    assert proc.returncode == 2
    assert "has no remote to share answers through" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
