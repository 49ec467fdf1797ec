"""Hostile and unusual repository text as a user meets it, through the real CLI: file names
that are not UTF-8, escape sequences in commit subjects and source, a closed pipe, a
non-UTF-8 terminal, a partial clone whose promisor is gone, a malformed shard result."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import BASE_ENV, GitRepo, git

from comprehend.cli import EXIT_BROKEN_PIPE

LATIN1_NAME = b"caf\xe9.py"  # "café.py" in latin-1: not UTF-8
SHOWN_NAME = "caf\ufffd.py"
AI_TRAILER = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def run(args: list[str], cwd: Path, env: dict[str, str], *, text: bool = True, timeout: int = 120,
        **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=text, timeout=timeout, **kwargs)


@pytest.fixture
def latin1_repo(tmp_path: Path) -> GitRepo:
    """A file named with latin-1 bytes, changed by an AI commit whose subject and source
    carry terminal escape sequences."""
    repo = GitRepo.create(tmp_path / "project")
    name = os.fsdecode(LATIN1_NAME)
    (repo.path / name).write_bytes(b"def f(x):\n    return x + 1\n")
    repo.write("ok.py", "x = 1\n")
    repo.commit("Start\n")
    with open(repo.path / name, "ab") as handle:
        handle.write(b"def g(y):\n    return y * 2  # \x1b[2J\x1b]0;pwned\x07\n")
    repo.commit("Add g \x1b[31mred\x1b[0m" + AI_TRAILER)
    return repo


def test_non_utf8_names_scan_to_the_end_and_are_stored_losslessly(latin1_repo, clean_env, tmp_path) -> None:
    db = tmp_path / "c.db"
    proc = run(["--db", str(db), "scan", "--json", "."], latin1_repo.path, clean_env)
    assert (proc.returncode, proc.stderr) == (0, "")
    summary = json.loads(proc.stdout)
    assert summary["ai_share"]["by_class"]["ai"] == 2
    assert summary["ai_share"]["files"] == 2
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT DISTINCT file FROM lines")}
    assert stored == {LATIN1_NAME, "ok.py"}  # the raw bytes, as a BLOB: nothing lost
    text = run(["--db", str(db), "scan", "."], latin1_repo.path, clean_env)
    assert (text.returncode, text.stderr) == (0, "")


def test_blame_of_a_non_utf8_name_shows_replacement_characters_and_no_escapes(
        latin1_repo, clean_env, tmp_path) -> None:
    proc = run(["--db", str(tmp_path / "c.db"), "blame", os.fsdecode(LATIN1_NAME)],
               latin1_repo.path, clean_env)
    assert (proc.returncode, proc.stderr) == (0, "")
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{SHOWN_NAME} at HEAD ({latin1_repo.head()[:12]}): 4 lines; ai 2 (50%), human 2 (50%)"
    assert lines[4].endswith("ai      claude-code       return y * 2  #")
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert f"{latin1_repo.head()[:10]} ai claude-code, confidence 0.95: Add g red" in proc.stdout


def test_check_all_authors_no_exec_on_a_non_utf8_name_finishes(latin1_repo, clean_env, tmp_path) -> None:
    proc = run(["--db", str(tmp_path / "c.db"), "check", "--all-authors", "--no-exec",
                "--base", "HEAD~1", "--head", "HEAD", "."], latin1_repo.path, clean_env, timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines()[-1] == "PASS: no findings; 0 at or above --fail-on high"


def test_non_utf8_stdout_prints_replacement_characters_not_a_traceback(latin1_repo, clean_env, tmp_path) -> None:
    env = {**clean_env, "PYTHONIOENCODING": "latin-1"}
    proc = run(["--db", str(tmp_path / "c.db"), "blame", os.fsdecode(LATIN1_NAME)],
               latin1_repo.path, env)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines()[0].startswith("caf?.py at HEAD (")  # U+FFFD has no latin-1 form


def test_a_closed_pipe_ends_quietly_with_sigpipe_status(latin1_repo, clean_env, tmp_path) -> None:
    # the reader is gone before the first write, as when `head` has read what it wanted
    proc = subprocess.Popen([sys.executable, "-m", "comprehend", "--db", str(tmp_path / "c.db"),
                             "scan", "."], cwd=latin1_repo.path, env=clean_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.stderr.close()
    assert (proc.wait(timeout=120), stderr) == (EXIT_BROKEN_PIPE, b"")


def test_a_partial_clone_with_its_promisor_gone_scans_to_the_end(tmp_path: Path, clean_env) -> None:
    source = GitRepo.create(tmp_path / "source")
    for n in range(1, 4):
        source.write("src/a.py", "".join(f"def f{i}():\n    return {i}\n" for i in range(1, n + 1)))
        source.write("notes.txt", f"version {n}\n")
        source.commit(f"Change {n}\n" + (AI_TRAILER if n == 3 else ""))
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(source.path), str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    git(tmp_path, "clone", "-q", "--filter=blob:none", f"file://{bare}", "partial")
    bare.rename(tmp_path / "gone.git")  # the promisor remote is unreachable from now on

    proc = run(["--db", str(tmp_path / "c.db"), "scan", "--json", "partial"], tmp_path, clean_env)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["ai_share"]["by_source"] == {"blame-failed": 7}
    assert summary["ai_share"]["by_class"]["unknown"] == 7
    warnings = summary["attribution"]["warnings"]
    assert [w.split(":")[0] for w in warnings] == ["notes.txt", "src/a.py"]
    assert warnings[1].endswith(" (a partial clone: objects missing here come from the remote "
                                "'origin'; make it reachable, or clone without --filter); its 6 "
                                "lines count as unknown")
    assert warnings[0].endswith("; its 1 line counts as unknown")

    blame = run(["--db", str(tmp_path / "c.db"), "blame", "src/a.py"], tmp_path / "partial", clean_env)
    assert blame.returncode == 0
    assert blame.stderr.startswith("comprehend: src/a.py: git blame failed (")
    assert blame.stderr.endswith("; its 6 lines count as unknown\n")
    assert blame.stdout.splitlines()[0].endswith(": 6 lines; unknown 6 (100%)")


def test_merge_of_a_schema_invalid_result_is_one_line_naming_the_file(tmp_path: Path, clean_env) -> None:
    bad = tmp_path / "shard.json"
    bad.write_text(json.dumps({"verdict": "fail", "run": {"fail_on": "high"},
                               "findings": [{"rule": "x", "severity": "severe"}]}))
    proc = run(["merge", str(bad)], tmp_path, clean_env)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (f"comprehend: {bad}: not a check result (findings[0]: 'confidence' is a "
                           "required property); pass the JSON file of `comprehend check --format json`\n")


def test_partial_clone_fixture_really_lacks_the_old_blobs(tmp_path: Path) -> None:
    """The partial-clone test above means something only if blame there does fail."""
    source = GitRepo.create(tmp_path / "source")
    source.write("a.py", "x = 1\n")
    source.commit("one\n")
    source.write("a.py", "x = 2\n")
    source.commit("two\n")
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(source.path), str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    git(tmp_path, "clone", "-q", "--filter=blob:none", f"file://{bare}", "partial")
    bare.rename(tmp_path / "gone.git")
    proc = subprocess.run(["git", "blame", "-C", "-M", "a.py"], cwd=tmp_path / "partial",
                          env={**os.environ, **BASE_ENV}, capture_output=True, text=True)
    assert proc.returncode == 128


def test_check_reports_findings_in_a_non_utf8_test_file_in_every_format(tmp_path: Path, clean_env) -> None:
    repo = GitRepo.create(tmp_path / "project")
    repo.write("README.md", "# p\n")
    repo.commit("Start\n")
    (repo.path / os.fsdecode(b"test_caf\xe9.py")).write_bytes(b"def test_x():\n    x = 1\n")
    repo.commit("Add a test" + AI_TRAILER)
    db = tmp_path / "c.db"
    for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
        proc = run(["--db", str(db), "check", "--no-exec", "--base", "HEAD~1", "--format", fmt, "."],
                   repo.path, clean_env)
        assert (proc.returncode, proc.stderr) == (1, ""), fmt
        shown = {"json": "test_caf\\ufffd.py", "sarif": "test_caf%E9.py"}.get(fmt, "test_caf\ufffd.py")
        assert shown in proc.stdout, fmt
    report = json.loads(run(["--db", str(db), "check", "--no-exec", "--base", "HEAD~1", "--format",
                             "json", "."], repo.path, clean_env).stdout)
    assert [(f["rule"], f["file"]) for f in report["findings"]] == [("test-cannot-fail", "test_caf\ufffd.py")]
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT file FROM findings")}
    assert stored == {b"test_caf\xe9.py"}


def test_review_plain_summary_strips_escape_sequences_from_subjects(latin1_repo, clean_env, tmp_path) -> None:
    git(latin1_repo.path, "commit", "-q", "--allow-empty", "-m", "evil \x1b]0;title\x07subject \x1b[31mred")
    proc = run(["--db", str(tmp_path / "c.db"), "review", "."], latin1_repo.path, clean_env)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert proc.stdout.splitlines()[-3].endswith("  evil subject red")
    assert proc.stdout.splitlines()[-2].endswith("  Add g red")


def test_an_error_line_masks_a_secret_and_strips_escapes(repo, clean_env, tmp_path) -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    proc = run(["--db", str(tmp_path / "c.db"), "check", "--base", f"{token}\x1b[2J", "."],
               repo.path, clean_env)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (f"comprehend: --base 'ghp_{'*' * 36}\\x1b[2J': no such commit in "
                           f"{repo.path}\n")


def test_scan_tables_strip_escape_sequences_from_file_names(repo, clean_env, tmp_path) -> None:
    repo.write("pkg\x1b[31m/mod\x1b]0;t\x07.py", "def f():\n    return 1\n")
    repo.commit("Add a module with a hostile name\n")
    proc = run(["--db", str(tmp_path / "c.db"), "scan", "."], repo.path, clean_env)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "pkg/mod.py" in proc.stdout


def test_working_tree_check_and_graph_with_an_untracked_non_utf8_name(latin1_repo, clean_env, tmp_path) -> None:
    (latin1_repo.path / os.fsdecode(b"test_new_\xff.py")).write_bytes(b"def test_z():\n    pass\n")
    db = tmp_path / "c.db"
    check = run(["--db", str(db), "check", "--no-exec", "."], latin1_repo.path, clean_env)
    assert (check.returncode, check.stderr) == (1, "")
    assert "test_new_\ufffd.py" in check.stdout.splitlines()
    graph = run(["--db", str(db), "graph", "--worktree", "--format", "json", "."], latin1_repo.path,
                clean_env)
    assert (graph.returncode, graph.stderr) == (0, "")
    assert json.loads(graph.stdout)["nodes"][0]["id"] == "ok"
