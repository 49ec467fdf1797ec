"""SIGKILL at any moment of `comprehend check` leaves the repository byte-identical.

The fixture repository's own conftest.py writes a line into a FIFO each time one of its
tests starts, wherever it runs (the baseline, the sanity run, a forked mutant child), so the
test kills comprehend at exact moments of the run without sleeping or guessing. (Test
processes see only allow-listed variables: PYTEST_* pass, as pytest's own switches do.)"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from mutation_repos import tree_bytes, weakly_tested

CONFTEST = '''import os


def pytest_runtest_setup(item):
    path = os.environ.get("PYTEST_KILL9_EVENTS")
    if not path:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # the test harness stopped listening
        return
    try:
        os.write(fd, (item.nodeid + "\\n").encode())
    except OSError:
        pass
    finally:
        os.close(fd)
'''


@pytest.fixture
def fixture_repo(tmp_path: Path):
    repo = weakly_tested(tmp_path / "r")
    # Part of the repository at head like any conftest, so it runs inside the sandbox.
    repo.write("conftest.py", CONFTEST)
    repo.commit("Test hooks")
    return repo


def read_events(fd: int, count: int, proc: subprocess.Popen) -> list[str]:
    """The first `count` test starts, as they happen."""
    events: list[str] = []
    buffer = b""
    while len(events) < count:
        ready, _, _ = select.select([fd], [], [], 120)
        assert ready, f"no test started within 120 s; comprehend exited {proc.poll()}"
        buffer += os.read(fd, 4096)
        *lines, buffer = buffer.split(b"\n")
        events += [line.decode() for line in lines]
    return events


# 0: before anything runs; 1: during the baseline; 3: the sanity run or the first mutant;
# 6: mutants running in forked children.
@pytest.mark.parametrize("moment", [0, 1, 3, 6])
def test_sigkill_leaves_the_repository_byte_identical(
        fixture_repo, tmp_path: Path, comprehend_bin: list[str], moment: int) -> None:
    events = tmp_path / "events"
    os.mkfifo(events)
    listen = os.open(events, os.O_RDWR | os.O_NONBLOCK)  # read end stays open: writers never block
    env = {**os.environ, "PYTEST_KILL9_EVENTS": str(events), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    before = tree_bytes(fixture_repo.path)
    status = fixture_repo.git("status", "--porcelain")
    proc = subprocess.Popen([*comprehend_bin, "check", str(fixture_repo.path), "--all-authors",
                             "--base", "HEAD~2", "--format", "json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        seen = read_events(listen, moment, proc)
        assert len(seen) >= moment
        assert proc.poll() is None, "comprehend finished before the moment to kill it"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(listen)
    assert tree_bytes(fixture_repo.path) == before
    assert fixture_repo.git("status", "--porcelain") == status
    assert sorted(p.name for p in fixture_repo.path.rglob("__pycache__")) == []
    assert (fixture_repo.path / "mutants").exists() is False

    # The next run removes the sandbox the killed one could not, and still finds the survivors.
    finished = subprocess.run([*comprehend_bin, "check", str(fixture_repo.path), "--all-authors",
                               "--base", "HEAD~2", "--fail-on", "medium", "--format", "json"],
                              capture_output=True, text=True, env={**env, "PYTEST_KILL9_EVENTS": ""})
    assert finished.returncode == 1, finished.stderr
    assert '"rule": "surviving-mutant"' in finished.stdout
    leftovers = list(Path(tempfile.gettempdir()).glob(f"comprehend-sandbox-{proc.pid}-*"))
    assert leftovers == []
    assert tree_bytes(fixture_repo.path) == before


def test_ctrl_c_stops_at_once_and_removes_the_sandbox(
        fixture_repo, tmp_path: Path, comprehend_bin: list[str]) -> None:
    events = tmp_path / "events"
    os.mkfifo(events)
    listen = os.open(events, os.O_RDWR | os.O_NONBLOCK)
    env = {**os.environ, "PYTEST_KILL9_EVENTS": str(events), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    before = tree_bytes(fixture_repo.path)
    proc = subprocess.Popen([*comprehend_bin, "check", str(fixture_repo.path), "--all-authors",
                             "--base", "HEAD~2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env, text=True)
    try:
        read_events(listen, 6, proc)  # mutants running in forked children
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(listen)
    assert (proc.returncode, err.strip()) == (130, "comprehend: interrupted")
    assert list(Path(tempfile.gettempdir()).glob(f"comprehend-sandbox-{proc.pid}-*")) == []
    assert tree_bytes(fixture_repo.path) == before
