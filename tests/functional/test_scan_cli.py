"""`comprehend scan` as a user runs it: the graph's keys merged with the attribution part's
in JSON, the same sections drawn as tables, and the graph recorded for SQL readers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gitrepo import GitRepo
from graphkit import commit_files

FILES = {
    "app/__init__.py": "",
    "app/core.py": "from app import util\n\n\ndef run():\n    return util.helper()\n",
    "app/util.py": "import app.core\n\n\ndef helper():\n    return 1\n",
    "web/main.js": "import { x } from './lib.js';\nexport function main() { return x(); }\n",
    "web/lib.js": "export function x() { return 1; }\n",
    "tests/test_core.py": "from app.core import run\n\n\ndef test_run():\n    assert run() == 1\n",
    "broken.py": "def ok():\n    pass\n\ndef broken(:\n",
}


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_scan_json_has_the_graph_keys(repo: GitRepo, clean_env: dict[str, str]) -> None:
    commit_files(repo, FILES)
    proc = run(["scan", "--json"], repo.path, clean_env)
    assert (proc.returncode, proc.stderr) == (0, "")
    summary = json.loads(proc.stdout)
    assert summary["rev"] == repo.head()
    assert summary["files"]["total"] == 8
    assert summary["files"]["by_language"] == {"javascript": 2, "python": 5}
    assert summary["symbols"] == 7  # broken.py's `broken` is recovered too
    assert summary["edges"] == {"contains": 9, "imports": 4, "calls": 3, "inherits": 0, "tests": 1}
    assert summary["parse_errors"] == 1
    assert summary["graph"]["parse_error_files"] == ["broken.py"]
    assert summary["graph"]["import_cycles"] == 1
    assert summary["graph"]["largest_cycles"] == [["app.core", "app.util"]]
    assert summary["graph"]["test_functions"] == 1
    assert [m["module"] for m in summary["top_modules"]][:2] == ["app.core", "app.util"]
    assert all(set(m) == {"module", "path", "rank"} for m in summary["top_modules"])
    # the attribution part's keys, merged in
    assert summary["commits"]["total"] == 2


def test_scan_text_draws_every_section(repo: GitRepo, clean_env: dict[str, str]) -> None:
    commit_files(repo, FILES)
    proc = run(["scan"], repo.path, clean_env)
    assert (proc.returncode, proc.stderr) == (0, "")
    for title in ("summary", "files", "edges", "top_modules", "graph"):
        assert f"\n{title}" in "\n" + proc.stdout
    assert "python: 5" in proc.stdout


def test_scan_second_run_parses_nothing(repo: GitRepo, clean_env: dict[str, str]) -> None:
    commit_files(repo, FILES)
    first = json.loads(run(["scan", "--json"], repo.path, clean_env).stdout)
    second = json.loads(run(["scan", "--json"], repo.path, clean_env).stdout)
    assert (first["graph"]["parsed_now"], second["graph"]["parsed_now"]) == (7, 0)


def test_scan_bad_config_is_one_line(repo: GitRepo, clean_env: dict[str, str]) -> None:
    commit_files(repo, {".comprehend.toml": "[graph]\nmax_file_bytes = \"big\"\n"})
    proc = run(["scan"], repo.path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == (f"comprehend: {repo.path}/.comprehend.toml:2: 'graph.max_file_bytes' must be "
                           "an integer, not str 'big'\n")


def test_scan_records_the_graph_for_sql_readers(repo: GitRepo, tmp_path: Path, clean_env: dict[str, str]) -> None:
    import sqlite3

    commit_files(repo, FILES)
    db = tmp_path / "team.db"
    assert run(["--db", str(db), "scan", "--json"], repo.path, clean_env).returncode == 0
    with sqlite3.connect(db) as conn:
        symbols = conn.execute("SELECT id, file, qualname, kind, start_line FROM symbols ORDER BY id").fetchall()
        calls = conn.execute("SELECT src, dst, confidence FROM edges WHERE kind = 'calls' ORDER BY src").fetchall()
        files = conn.execute("SELECT count(*) FROM files").fetchone()[0]
    assert symbols[:2] == [("app.core.run", "app/core.py", "run", "function", 4),
                           ("app.util.helper", "app/util.py", "helper", "function", 4)]
    assert calls == [("app.core.run", "app.util.helper", "resolved"),
                     ("test_core.test_run", "app.core.run", "resolved"),
                     ("web/main.js:main", "web/lib.js:x", "resolved")]
    assert files == 8
