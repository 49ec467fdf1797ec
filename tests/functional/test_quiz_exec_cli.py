"""`comprehend quiz` as a user runs it, on a repository whose functions can be run: the
kinds that run code are asked in a --plain session, and every exported `python` evidence,
run from the repository root, prints its question's key."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import BASE_ENV
from quiz_exec_repos import calc_repo

RUNS_CODE = {"output", "trace", "spot_bug", "exception_source"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        return calc_repo(tmp_path_factory.mktemp("exec-cli") / "repo").path


def quiz(project: Path, env: dict[str, str], db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", "--db", str(db), "quiz", "--about", "calc/ops.py",
                           "--count", "30", "--seed", "2", "--user", "ana@example.com", *args],
                          cwd=project, env=env, input=stdin, capture_output=True, text=True, timeout=900)


def test_a_plain_session_asks_the_kinds_that_run_code(project: Path, clean_env, tmp_path) -> None:
    proc = quiz(project, clean_env, tmp_path / "s.db", "--plain", stdin="1\n" * 30)
    assert (proc.returncode, proc.stderr) == (0, "")
    asked = set(re.findall(r"^Question \d+ · ([\w ]+?) \(", proc.stdout, re.M))
    assert {"output prediction", "trace", "spot the bug", "exception source"} <= asked, asked


def test_exported_python_evidence_prints_each_key(project: Path, clean_env, tmp_path) -> None:
    out = tmp_path / "quiz.json"
    proc = quiz(project, clean_env, tmp_path / "s.db", "--export", str(out))
    assert proc.returncode == 0, proc.stderr
    questions = [q for q in json.loads(out.read_text())["questions"] if q["evidence"]["type"] == "python"]
    assert {q["kind"] for q in questions} == RUNS_CODE
    env = {**clean_env, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    for q in questions:
        done = subprocess.run([sys.executable, "-c", q["evidence"]["code"]], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)
        assert (done.returncode, done.stdout.strip()) == (0, q["answer"]), (q["prompt"], done.stderr)
        assert q["answer"] in q["choices"]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, env={**os.environ, **BASE_ENV},
                            capture_output=True, text=True, check=True).stdout
    assert status == ""
