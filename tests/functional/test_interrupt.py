"""ctrl-c during long work: exit 130, one line, and a store left whole."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo

MODULES = 1500


@pytest.mark.slow
def test_interrupted_scan_exits_130_and_leaves_the_store_whole(
    tmp_path: Path, clean_env: dict[str, str]
) -> None:
    repo = GitRepo.create(tmp_path / "big")
    for i in range(MODULES):
        repo.write(
            f"pkg/m{i}.py",
            f"import os\n\n\ndef f{i}(x):\n    return os.path.join(x, '{i}')\n\n\n"
            f"class C{i}:\n    def m(self):\n        return f{i}(1)\n",
        )
    repo.commit("Many modules")
    argv = [sys.executable, "-m", "comprehend", "scan", "--json"]
    proc = subprocess.Popen(argv, cwd=repo.path, env=clean_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    # A cold scan of this many files takes several seconds: interrupt it while it parses.
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert out == ""
    assert err.strip().splitlines()[-1] == "comprehend: interrupted"
    assert "Traceback" not in err

    store = repo.path / ".git" / "comprehend" / "comprehend.db"
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    again = subprocess.run(argv, cwd=repo.path, env=clean_env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["files"]["total"] == MODULES
