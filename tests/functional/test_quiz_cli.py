"""`comprehend quiz` as a user runs it: a subprocess on a real repository, answering on
stdin; the export's evidence re-run; bad input."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo
from quiz_repos import build_quiz_repo

from comprehend.config import load_config
from comprehend.git import open_repository
from comprehend.graph.build import build_graph
from comprehend.store import open_store


def run(args: list[str], cwd: Path, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    from gitrepo import BASE_ENV

    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        return build_quiz_repo(tmp_path_factory.mktemp("cli") / "repo").path


def test_a_scripted_plain_session(project: Path, clean_env, tmp_path) -> None:
    db = tmp_path / "s.db"
    proc = run(["--db", str(db), "quiz", "--plain", "--count", "3", "--seed", "7", "--user", "ana@example.com"],
               project, clean_env, stdin="1\nnine\n2\n3\n")
    assert (proc.returncode, proc.stderr) == (0, "")
    out = proc.stdout
    assert [line.split(" · ")[0] for line in out.splitlines() if line.startswith("Question ")] == [
        "Question 1", "Question 2", "Question 3"]
    assert out.count("answer with a number from 1 to") == 1  # "nine" is asked again
    verdicts = [line for line in out.splitlines() if line == "Right." or line.startswith("Wrong: the answer is ")]
    assert len(verdicts) == 3
    assert out.count("\nSee ") == 3
    right = verdicts.count("Right.")
    assert f"{right} of 3 right" in out
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT person, correct, choice FROM answers ORDER BY answered_at").fetchall()
        cards = conn.execute("SELECT COUNT(*) FROM cards WHERE person = 'ana@example.com'").fetchone()[0]
    assert [(p, c) for p, c, _ in rows] == [("ana@example.com", int(v == "Right.")) for v in verdicts]
    assert cards >= 1


def test_end_of_input_ends_the_session_cleanly(project: Path, clean_env, tmp_path) -> None:
    proc = run(["--db", str(tmp_path / "s.db"), "quiz", "--plain", "--count", "5", "--seed", "1",
                "--user", "bo@example.com"], project, clean_env, stdin="1\n")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.count("Question ") == 2
    right = proc.stdout.count("\nRight.\n")
    assert f"\n{right} of 1 right ({100 * right}%).\n" in proc.stdout


def test_export_evidence_reproduces_every_key(project: Path, clean_env, tmp_path) -> None:
    out = tmp_path / "quiz.json"
    proc = run(["--db", str(tmp_path / "s.db"), "quiz", "--export", str(out), "--count", "20", "--seed", "3",
                "--user", "ana@example.com"], project, clean_env)
    assert proc.returncode == 0, proc.stderr
    questions = json.loads(out.read_text())["questions"]
    assert len(questions) == 20
    assert set(questions[0]) == {"id", "kind", "category", "prompt", "code", "choices", "answer",
                                 "explanation", "source", "evidence"}
    repo = open_repository(project)
    with open_store(tmp_path / "check.db") as store:
        graph = build_graph(repo, load_config(project), store)
    edges = {(s, d, a["kind"], a["line"]) for s, d, a in graph.edges}
    checked = set()
    for q in questions:
        assert q["answer"] in q["choices"]
        ev = q["evidence"]
        if ev["type"] == "graph":
            for e in ev["edges"]:
                assert (e["source"], e["target"], e["kind"], e["line"]) in edges
        elif ev["type"] == "git":
            shell = subprocess.run(ev["command"], shell=True, cwd=project, env=clean_env,
                                   capture_output=True, text=True, check=True).stdout
            if q["kind"] == "history":
                assert shell.split()[0] == ev["expect"] and q["answer"].startswith(ev["expect"][:10])
            else:  # co-change: the top line after the file itself is the key
                counts = [line.split() for line in shell.splitlines()]
                others = [(int(n), f) for n, f in counts if f != q["source"]["file"]]
                assert others[0] == (ev["count"], q["answer"])
                assert len(others) == 1 or others[1][0] < ev["count"]
        elif ev["type"] == "ast":
            text = (project / q["source"]["file"]).read_text().splitlines()
            assert all(text[b["line"] - 1].strip() == b["text"] for b in ev["bindings"])
        checked.add(ev["type"])
    assert {"graph", "git", "ast"} <= checked


def test_about_a_symbol_asks_only_about_it(project: Path, clean_env, tmp_path) -> None:
    out = tmp_path / "q.json"
    proc = run(["--db", str(tmp_path / "s.db"), "quiz", "--about", "Widget", "--export", str(out),
                "--count", "5", "--seed", "1", "--user", "a@example.com"], project, clean_env)
    assert proc.returncode == 0, proc.stderr
    symbols = {q["source"]["symbol"] for q in json.loads(out.read_text())["questions"]}
    assert symbols <= {"pkg.widget.Widget", "pkg.widget.Widget.frobnicate", "pkg.widget"}


def test_unknown_about_is_one_line_exit_2(project: Path, clean_env, tmp_path) -> None:
    proc = run(["--db", str(tmp_path / "s.db"), "quiz", "--plain", "--about", "no_such_thing",
                "--user", "a@example.com"], project, clean_env)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "comprehend: --about no_such_thing: not a path, a symbol or a commit in repo; pass a file or "
        "folder, a name such as Cart.add, or a range such as main..HEAD"]


def test_no_user_email_is_one_line_exit_2(project: Path, clean_env, tmp_path) -> None:
    proc = run(["--db", str(tmp_path / "s.db"), "quiz", "--plain"], project, clean_env)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "--user" in proc.stderr


def test_empty_repository_is_one_line_exit_2(tmp_path: Path, clean_env) -> None:
    GitRepo.create(tmp_path / "empty")
    proc = run(["quiz", "--plain", "--user", "a@example.com"], tmp_path / "empty", clean_env)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "no commits yet" in proc.stderr


def test_repository_without_code_is_one_line_exit_2(repo: GitRepo, clean_env) -> None:
    proc = run(["quiz", "--plain", "--user", "a@example.com"], repo.path, clean_env)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "no code at" in proc.stderr and "Python" in proc.stderr


def test_malformed_bank_names_file_and_line(repo: GitRepo, clean_env) -> None:
    repo.write("app.py", "def f():\n    return 1\n")
    repo.write("quizzes/team.toml", '[[question]]\nprompt = "What?"\nchoices = ["a", "b"\nanswer = "a"\n')
    repo.commit("a bank")
    proc = run(["quiz", "--plain", "--user", "a@example.com"], repo.path, clean_env)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("comprehend: quizzes/team.toml:4: invalid TOML")


def test_bank_question_missing_answer_names_its_header_line(repo: GitRepo, clean_env) -> None:
    repo.write("app.py", "def f():\n    return 1\n")
    repo.write("quizzes/team.toml", '# ours\n\n[[question]]\nprompt = "A?"\nchoices = ["a", "b"]\nanswer = "a"\n\n'
               '[[question]]\nprompt = "B?"\nchoices = ["a", "b"]\n')
    repo.commit("a bank")
    proc = run(["quiz", "--plain", "--user", "a@example.com"], repo.path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("comprehend: quizzes/team.toml:8: missing key 'answer'; fix this "
                                   "[[question]] (format in quizzes/README.md)")


def test_bank_questions_are_asked(repo: GitRepo, clean_env, tmp_path) -> None:
    repo.write("app.py", "def f():\n    return 1\n")
    repo.write("quizzes/team.toml", '[[question]]\nprompt = "What does f return?"\nchoices = ["0", "1"]\n'
               'answer = "1"\nsymbol = "app.f"\nexplanation = "It returns 1."\n')
    repo.commit("a bank")
    out = tmp_path / "q.json"
    proc = run(["quiz", "--export", str(out), "--user", "a@example.com", "--seed", "1"], repo.path, clean_env)
    assert proc.returncode == 0, proc.stderr
    [bank] = [q for q in json.loads(out.read_text())["questions"] if q["kind"] == "bank"]
    assert (bank["prompt"], bank["answer"], bank["source"]["start_line"], bank["evidence"]) == (
        "What does f return?", "1", 1, {"type": "bank", "file": "quizzes/team.toml", "line": 1})
