"""The command line on real temporary repositories, as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo, git

from comprehend import __version__
from comprehend.cli import COMMANDS

NOT_BUILT = ["quiz", "team", "serve", "sync"]
HEAVY = ["textual", "litellm", "networkx", "tree_sitter"]


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "comprehend", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


def test_version(tmp_path: Path, clean_env: dict[str, str]) -> None:
    proc = run(["--version"], tmp_path, clean_env)
    assert (proc.returncode, proc.stdout) == (0, f"comprehend, version {__version__}\n")


def test_help_lists_every_command_under_its_final_name(tmp_path: Path, clean_env: dict[str, str]) -> None:
    proc = run(["--help"], tmp_path, clean_env)
    assert proc.returncode == 0
    listed = [
        line.split()[0]
        for line in proc.stdout.split("Commands:")[1].splitlines()
        if line.startswith("  ")
    ]
    assert listed == ["demo", "review", "scan", "graph", "blame", "check", "ack", "merge",
                      "quiz", "team", "serve", "sync"]
    assert list(COMMANDS) == listed
    for option in ("--db FILE", "--config FILE", "--debug"):
        assert option in proc.stdout


def test_help_imports_nothing_heavy(tmp_path: Path, clean_env: dict[str, str]) -> None:
    code = (
        "import sys; sys.argv = ['comprehend', '--help']\n"
        "from comprehend.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=clean_env,
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("name", NOT_BUILT)
def test_unbuilt_command_says_so_in_one_line(name: str, tmp_path: Path, clean_env: dict[str, str]) -> None:
    proc = run([name, "--whatever"], tmp_path, clean_env)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"comprehend: 'comprehend {name}' is not built yet: ")
    assert proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_unknown_command_is_a_usage_error(tmp_path: Path, clean_env: dict[str, str]) -> None:
    proc = run(["frobnicate"], tmp_path, clean_env)
    assert proc.returncode == 2
    assert "No such command 'frobnicate'" in proc.stderr


def test_debug_shows_the_traceback(tmp_path: Path, clean_env: dict[str, str]) -> None:
    proc = run(["--debug", "quiz"], tmp_path, clean_env)
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" in proc.stderr
    assert "NotBuiltError: 'comprehend quiz' is not built yet" in proc.stderr


# Repository shapes, through a command that opens the workspace.
OPENERS = [["scan", "--json"], ["review", "--no-tui"]]


@pytest.mark.parametrize("command", OPENERS, ids=lambda c: c[0])
def test_outside_a_repository(command: list[str], tmp_path: Path, clean_env: dict[str, str]) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    proc = run([*command, str(folder)], tmp_path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == f"comprehend: {folder}: not a git repository; run inside one or pass its path\n"


@pytest.mark.parametrize("command", OPENERS, ids=lambda c: c[0])
def test_empty_repository(command: list[str], tmp_path: Path, clean_env: dict[str, str]) -> None:
    empty = GitRepo.create(tmp_path / "empty")
    proc = run([*command, str(empty.path)], tmp_path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"comprehend: {empty.path}: the repository has no commits yet; commit something first\n"
    )


@pytest.mark.parametrize("command", OPENERS, ids=lambda c: c[0])
def test_bare_repository(command: list[str], tmp_path: Path, repo: GitRepo, clean_env: dict[str, str]) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))
    proc = run([*command, str(bare)], tmp_path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"comprehend: {bare}: a bare repository has no work tree; clone it "
        f"(git clone {bare} DIR) and run comprehend in DIR\n"
    )


def test_missing_path(tmp_path: Path, clean_env: dict[str, str]) -> None:
    proc = run(["scan", str(tmp_path / "nowhere")], tmp_path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == f"comprehend: {tmp_path / 'nowhere'}: no such folder; pass the path of a git repository\n"


def test_subdirectory_and_worktree_share_one_store(tmp_path: Path, repo: GitRepo, clean_env: dict[str, str]) -> None:
    repo.write("pkg/mod.py", "def f():\n    return 1\n")
    repo.commit("Add a module")
    store = repo.path / ".git" / "comprehend" / "comprehend.db"
    proc = run(["scan", "--json", "pkg"], repo.path, clean_env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["files"]["total"] == 2
    assert store.is_file()
    mtime = store.stat().st_mtime_ns

    worktree = tmp_path / "wt"
    repo.git("worktree", "add", "-q", str(worktree), "-b", "side")
    proc = run(["scan", "--json"], worktree, clean_env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["files"]["total"] == 2
    assert not (worktree / ".git" / "comprehend").exists()  # .git is a file in a worktree
    assert store.stat().st_mtime_ns >= mtime
    assert list((repo.path / ".git" / "comprehend").glob("*.db")) == [store]


def test_db_option_points_elsewhere(tmp_path: Path, repo: GitRepo, clean_env: dict[str, str]) -> None:
    shared = tmp_path / "team" / "shared.db"
    proc = run(["--db", str(shared), "scan", "--json"], repo.path, clean_env)
    assert proc.returncode == 0, proc.stderr
    assert shared.is_file()
    assert not (repo.path / ".git" / "comprehend" / "comprehend.db").exists()


def test_newer_store_is_refused_by_the_cli(tmp_path: Path, repo: GitRepo, clean_env: dict[str, str]) -> None:
    import sqlite3

    db = tmp_path / "newer.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    proc = run(["--db", str(db), "scan", "--json"], repo.path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"comprehend: store {db} has schema version 999, written by a newer comprehend")


def test_bad_config_is_one_line_with_file_and_line(repo: GitRepo, clean_env: dict[str, str]) -> None:
    repo.write(".comprehend.toml", "[adversary]\nfail_on = 'high'\nbogus = 1\n")
    proc = run(["scan", "--json"], repo.path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"comprehend: {repo.path / '.comprehend.toml'}:3: unknown key 'adversary.bogus' "
        "(known keys here: fail_on, severity, test_command, timeout_factor, timeout_slack, workers)\n"
    )


def test_store_missing_its_tables_is_one_line(tmp_path: Path, repo: GitRepo, clean_env: dict[str, str]) -> None:
    import sqlite3

    from comprehend.store.schema import SCHEMA_VERSION

    db = tmp_path / "hollow.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # claims the schema, holds nothing
    conn.close()
    proc = run(["--db", str(db), "scan", "--json"], repo.path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr.startswith("comprehend: the store could not be read or written (no such table: ")
    assert proc.stderr.endswith("move it aside or pass --db PATH for a fresh one (--debug shows where)\n")
    assert proc.stderr.count("\n") == 1
    debug = run(["--debug", "--db", str(db), "scan", "--json"], repo.path, clean_env)
    assert debug.returncode == 1
    assert "sqlite3.OperationalError: no such table: " in debug.stderr
