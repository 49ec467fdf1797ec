"""`comprehend check --require-quiz` on a fixture diff: a not-understood finding per
AI-changed symbol until a current member answers about it correctly after the change, read
from this store or from the answers shared through the remote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo, git

from comprehend.store import open_store
from comprehend.store.quiz import record_answer, save_questions

CLAUDE = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture
def change(tmp_path: Path) -> tuple[GitRepo, str, str]:
    r = GitRepo.create(tmp_path / "gate")
    r.write(".comprehend.toml", '[team]\nmembers = ["alice@x.example", "bob@x.example"]\n'
                                'former = ["carol@x.example"]\n')
    r.write("calc.py", "def add(a, b):\n    return a + b\n")
    base = r.commit("Add add", author="Alice", email="alice@x.example",
                    date="2026-10-01T10:00:00+00:00")
    r.write("calc.py", "def add(a, b):\n    return a + b\n\n\ndef scale(x, k):\n    return x * k\n")
    head = r.commit("Add scale" + CLAUDE, author="Bob", email="bob@x.example",
                    date="2026-10-02T10:00:00+00:00")
    return r, base, head


def gate(r: GitRepo, base: str, head: str, env, *options: str) -> dict:
    proc = run([*options, "check", "--require-quiz", "--no-exec", "--base", base, "--head", head,
                "--format", "json"], r.path, env)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def answer(db: Path, n: int, person: str, when: str, correct: bool = True) -> None:
    with open_store(db) as store:
        save_questions(store, [{"id": f"q{n}", "kind": "callers", "category": "relation",
                                "symbol": "calc.scale", "commit": None, "prompt": f"p{n}",
                                "choices": ["x", "y"], "answer": "x", "explanation": "",
                                "policy_hash": "", "verified": 1, "code": "", "source": {},
                                "evidence": {}, "language": "python", "created_at": when}])
        record_answer(store, {"id": f"a{n}", "question": f"q{n}", "person": person,
                              "symbol": "calc.scale", "answered_at": when, "correct": int(correct),
                              "seconds": 4.0, "rating": 3 if correct else 1, "choice": "x",
                              "session": "s"}, None)


def not_understood(report: dict) -> list[tuple[str, int, str]]:
    return [(f["file"], f["start_line"], f["evidence"]["symbol"]) for f in report["findings"]
            if f["rule"] == "not-understood"]


def test_each_ai_changed_symbol_needs_a_right_answer_since_the_change(change, clean_env) -> None:
    r, base, head = change
    db = r.path / ".git" / "comprehend" / "comprehend.db"
    report = gate(r, base, head, clean_env)
    assert not_understood(report) == [("calc.py", 5, "calc.scale")]
    finding = next(f for f in report["findings"] if f["rule"] == "not-understood")
    assert (finding["severity"], finding["evidence"]["ask"]) == ("medium",
                                                               "comprehend quiz --about calc.scale")
    assert report["verdict"] == "pass"  # medium does not block by default

    answer(db, 1, "bob@x.example", "2026-10-01T12:00:00+00:00")  # before the change
    answer(db, 2, "carol@x.example", "2026-10-03T12:00:00+00:00")  # a former member
    answer(db, 3, "alice@x.example", "2026-10-03T12:00:00+00:00", correct=False)
    assert not_understood(gate(r, base, head, clean_env)) == [("calc.py", 5, "calc.scale")]

    answer(db, 4, "Alice@X.example", "2026-10-04T12:00:00+00:00")
    assert not_understood(gate(r, base, head, clean_env)) == []


def test_the_team_can_make_it_block(change, clean_env, tmp_path: Path) -> None:
    r, base, head = change
    ci_config = tmp_path / "ci.toml"  # a CI owner's file: the change cannot edit it
    ci_config.write_text((r.path / ".comprehend.toml").read_text()
                         + '\n[adversary]\nseverity = { "not-understood" = "high" }\n')
    report = gate(r, base, head, clean_env, "--config", str(ci_config))
    assert (report["verdict"], not_understood(report)) == ("fail", [("calc.py", 5, "calc.scale")])


def test_answers_shared_through_the_remote_count(change, clean_env, tmp_path: Path) -> None:
    r, base, head = change
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(r.path), str(bare))
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(bare), str(other))
    answer(other / ".git" / "comprehend" / "comprehend.db", 7, "bob@x.example",
           "2026-10-05T09:00:00+00:00")
    assert run(["sync"], other, clean_env).returncode == 0
    r.git("remote", "add", "origin", str(bare))
    report = gate(r, base, head, clean_env)
    assert not_understood(report) == []
    assert "--require-quiz: read the team's shared answers (1 new)" in report["run"]["notes"]
