"""`comprehend blame` as a user runs it: a subprocess on a real repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import BASE_ENV, GitRepo


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo.create(tmp_path / "project")
    shas = {}
    repo.write("src/calc.py", "def add(a, b):\n    return a + b\n")
    shas["human"] = repo.commit("Add calc\n", author="Ana Lima", email="ana@example.com")
    repo.write("src/calc.py", "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n")
    shas["ai"] = repo.commit(
        "Add mul\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n",
        author="Ana Lima", email="ana@example.com")
    return repo, shas


def test_blame_json_has_the_documented_shape(project, clean_env, tmp_path: Path) -> None:
    repo, shas = project
    proc = run(["--db", str(tmp_path / "c.db"), "blame", "src/calc.py", "--json"], repo.path, clean_env)
    assert (proc.returncode, proc.stderr) == (0, "")
    h, a = shas["human"], shas["ai"]
    assert json.loads(proc.stdout) == {
        "file": "src/calc.py",
        "rev": repo.head(),
        "lines": [
            {"line": 1, "commit": h, "class": "human", "tool": None},
            {"line": 2, "commit": h, "class": "human", "tool": None},
            {"line": 3, "commit": a, "class": "ai", "tool": "claude-code"},
            {"line": 4, "commit": a, "class": "ai", "tool": "claude-code"},
            {"line": 5, "commit": a, "class": "ai", "tool": "claude-code"},
            {"line": 6, "commit": a, "class": "ai", "tool": "claude-code"},
        ],
    }


def test_blame_text_shows_lines_then_the_evidence(project, clean_env, tmp_path: Path) -> None:
    repo, shas = project
    proc = run(["--db", str(tmp_path / "c.db"), "blame", "calc.py", "--rev", "HEAD"],
               repo.path / "src", clean_env)
    assert proc.returncode == 0, proc.stderr
    h, a = shas["human"][:10], shas["ai"][:10]
    assert proc.stdout.splitlines() == [
        f"src/calc.py at HEAD ({repo.head()[:12]}): 6 lines; ai 4 (66%), human 2 (33%)",
        f"1 {h} human   -             def add(a, b):",
        f"2 {h} human   -                 return a + b",
        f"3 {a} ai      claude-code",
        f"4 {a} ai      claude-code",
        f"5 {a} ai      claude-code   def mul(a, b):",
        f"6 {a} ai      claude-code       return a * b",
        "",
        "evidence:",
        f"  {a} ai claude-code (Claude Sonnet 4.5), confidence 0.95: Add mul",
        "    trailer in message line 5: Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>",
        "    body in message line 3: 🤖 Generated with [Claude Code](https://claude.com/claude-code)",
    ]


def test_blame_at_an_older_rev(project, clean_env, tmp_path: Path) -> None:
    repo, shas = project
    proc = run(["--db", str(tmp_path / "c.db"), "blame", "src/calc.py", "--rev", "HEAD~1", "--json"],
               repo.path, clean_env)
    data = json.loads(proc.stdout)
    assert (data["rev"], [x["class"] for x in data["lines"]]) == (shas["human"], ["human", "human"])


@pytest.mark.parametrize(("args", "message"), [
    (["blame", "missing.py"],
     "comprehend: missing.py: not a file in HEAD ({head}); pass a path tracked at that revision\n"),
    (["blame", "src/calc.py", "--rev", "no-such-branch"],
     "comprehend: --rev 'no-such-branch': no such commit in {root}\n"),
    (["blame", "notes.txt"],
     "comprehend: notes.txt: not a file in HEAD ({head}); it is not committed yet; commit it first\n"),
])
def test_bad_input_is_one_line_and_exit_2(project, clean_env, tmp_path: Path, args, message) -> None:
    repo, _ = project
    repo.write("notes.txt", "draft\n")
    proc = run(["--db", str(tmp_path / "c.db"), *args], repo.path, clean_env)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == message.format(head=repo.head()[:12], root=repo.path)


def test_a_file_outside_the_repository(project, clean_env, tmp_path: Path) -> None:
    repo, _ = project
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x = 1\n")
    proc = run(["--db", str(tmp_path / "c.db"), "blame", str(outside)], repo.path, clean_env)
    assert (proc.returncode, proc.stderr) == (
        2, f"comprehend: {tmp_path}: not a git repository; run inside one or pass its path\n")


def test_blame_in_a_shallow_clone_warns_once_and_still_answers(project, clean_env, tmp_path: Path) -> None:
    repo, shas = project
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)],
                   check=True, env={**BASE_ENV, "PATH": "/usr/bin:/bin"}, capture_output=True)
    proc = run(["--db", str(tmp_path / "c.db"), "blame", "src/calc.py", "--json"], clone, clean_env)
    assert proc.returncode == 0
    assert proc.stderr == (
        "comprehend: shallow clone: lines older than its history are unknown; fetch the full history "
        "(actions/checkout with fetch-depth: 0, or git fetch --unshallow)\n")
    assert [x["class"] for x in json.loads(proc.stdout)["lines"]] == ["unknown"] * 6
