"""The sandbox (comprehend/adversary/sandbox.py): isolated copies built from git objects or
the working tree, outside the repository, and test processes that cannot outlive it."""

from __future__ import annotations

import os
import select
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from gitrepo import GitRepo
from mutation_repos import tree_bytes
from processes import processes_with

from comprehend.adversary.isolation import probe
from comprehend.adversary.sandbox import PREFIX, Sandbox, remove_stale_sandboxes
from comprehend.config import AdversaryConfig
from comprehend.git import open_repository


@pytest.fixture
def committed(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path / "r")
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/m.py", "X = 1\n")
    repo.write("run.sh", "#!/bin/sh\necho hi\n")
    (repo.path / "run.sh").chmod(0o755)
    os.symlink("pkg/m.py", repo.path / "link.py")
    repo.write(".gitignore", "ignored.txt\n")
    repo.commit("base")
    return repo


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): (p.readlink().as_posix().encode() if p.is_symlink() else p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() or p.is_symlink()}


def test_a_revision_copy_has_exactly_the_commits_files(committed: GitRepo) -> None:
    committed.write("pkg/m.py", "X = 2  # uncommitted\n")
    committed.write("ignored.txt", "local\n")
    repo = open_repository(committed.path)
    with Sandbox(repo, repo.head) as box:
        copy = box.build()
        assert files_of(copy) == {
            ".gitignore": b"ignored.txt\n",
            "link.py": b"pkg/m.py",
            "pkg/__init__.py": b"",
            "ignored.txt": b"local\n",  # git-ignored in the work tree: a generated file
            "pkg/m.py": b"X = 1\n",
            "run.sh": b"#!/bin/sh\necho hi\n",
        }
        assert os.access(copy / "run.sh", os.X_OK) is True
        assert (copy / "link.py").is_symlink() is True
        assert box.root.is_relative_to(committed.path) is False
    assert box.root.exists() is False


def test_a_working_tree_copy_has_edits_untracked_and_generated_files(committed: GitRepo) -> None:
    committed.write("pkg/m.py", "X = 2\n")
    committed.write("pkg/new.py", "Y = 3\n")
    committed.write("ignored.txt", "local\n")
    (committed.path / "run.sh").unlink()
    repo = open_repository(committed.path)
    with Sandbox(repo, None) as box:
        copy = box.build()
        assert files_of(copy) == {
            ".gitignore": b"ignored.txt\n",
            "link.py": b"pkg/m.py",
            "pkg/__init__.py": b"",
            "ignored.txt": b"local\n",  # git-ignored: generated files travel with the copy
            "pkg/m.py": b"X = 2\n",
            "pkg/new.py": b"Y = 3\n",
        }


def test_worker_copies_are_independent(committed: GitRepo) -> None:
    repo = open_repository(committed.path)
    with Sandbox(repo, repo.head) as box:
        box.build()
        box.add_copies(3)
        assert [c.name for c in box.copies] == ["w0", "w1", "w2"]
        (box.copies[1] / "pkg/m.py").write_text("X = 99\n")
        assert (box.copies[0] / "pkg/m.py").read_text() == "X = 1\n"
        assert (box.copies[2] / "pkg/m.py").read_text() == "X = 1\n"


def test_building_and_running_leave_the_repository_byte_identical(committed: GitRepo) -> None:
    before = tree_bytes(committed.path)
    repo = open_repository(committed.path)
    with Sandbox(repo, repo.head) as box:
        copy = box.build()
        script = "import pkg.m, pathlib; pathlib.Path('out.txt').write_text(str(pkg.m.X))"
        result = box.run([sys.executable, "-c", script], copy, box.env(copy), timeout=60)
        assert (result.exit_code, (copy / "out.txt").read_text()) == (0, "1")
    assert tree_bytes(committed.path) == before


def test_test_processes_write_no_bytecode_and_cannot_find_the_users_repository(
        committed: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_DIR", str(committed.path / ".git"))
    monkeypatch.setenv("PYTHONPATH", str(committed.path / "pkg"))
    repo = open_repository(committed.path)
    with Sandbox(repo, repo.head) as box:
        copy = box.build()
        env = box.env(copy)
        assert "GIT_DIR" not in env
        assert env["PYTHONDONTWRITEBYTECODE"] == "1"
        assert env["PYTHONPYCACHEPREFIX"] == str(box.pycache)
        assert env["PYTHONPATH"].split(os.pathsep) == [str(box.probe_dir), str(copy), str(copy / "pkg")]
        box.run([sys.executable, "-c", "import pkg.m"], copy, env, timeout=60)
        assert sorted(p.name for p in copy.rglob("__pycache__")) == []


@pytest.mark.parametrize("isolation", ["auto", "off"])
def test_a_run_past_its_timeout_is_killed_with_its_whole_tree(committed: GitRepo, isolation: str) -> None:
    repo = open_repository(committed.path)
    marker = f"comprehend-test-escapee-{uuid.uuid4().hex}"
    with Sandbox(repo, repo.head, AdversaryConfig(isolation=isolation)) as box:
        copy = box.build()
        # A grandchild in the group, and one that left it (setsid), would outlive a plain kill.
        script = ("import subprocess, sys, os;"
                  f"args = [sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}];"
                  "subprocess.Popen(args); subprocess.Popen(args, start_new_session=True);"
                  "time = __import__('time'); time.sleep(60)")
        result = box.run([sys.executable, "-c", script], copy, box.env(copy), timeout=1.5)
        assert (result.timed_out, result.limit) == (True, "the timeout (2 s)")
        assert result.seconds < 30
        assert processes_with(marker, wait=10) == []  # they would otherwise run 60 s


def running(pid: int, after: float) -> bool:
    """Whether the process is still running `after` seconds from now, or returns as soon as
    it terminates (a pidfd turns readable then)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return False
    try:
        return not select.select([fd], [], [], after)[0]
    finally:
        os.close(fd)


def test_sandboxes_of_dead_processes_are_removed_without_following_links(tmp_path: Path) -> None:
    base = Path(tempfile.gettempdir()).resolve()
    dead = base / f"{PREFIX}999999999-test"  # no such pid
    mine = base / f"{PREFIX}{os.getpid()}-test"
    precious = tmp_path / "precious"
    (precious / "inner").mkdir(parents=True)
    (precious / "inner" / "keep.txt").write_text("keep\n")
    lure = base / f"{PREFIX}999999998-lure"  # a dead-looking "sandbox" that is a link out
    dead.mkdir()
    (dead / "locked").mkdir()
    os.symlink(precious, dead / "locked" / "out")  # a link inside a sandbox is unlinked, not followed
    (dead / "locked").chmod(0o500)  # a test left a read-only folder
    os.symlink(precious, lure)
    mine.mkdir()
    try:
        remove_stale_sandboxes()
        assert (dead.exists(), lure.is_symlink(), mine.exists()) == (False, True, True)
        assert (precious / "inner" / "keep.txt").read_text() == "keep\n"
    finally:
        lure.unlink(missing_ok=True)
        for folder in (dead, mine):
            shutil.rmtree(folder, ignore_errors=True)


def generated_project(tmp_path: Path) -> GitRepo:
    """A project like hatch-vcs or setuptools-scm make: `_version.py` is generated and
    git-ignored, next to a built extension, a virtualenv, caches and node_modules."""
    repo = GitRepo.create(tmp_path / "g")
    repo.write(".gitignore", "_version.py\n*.so\n.venv/\nnode_modules/\n__pycache__/\n.env\nbuild/\ndata.sqlite\n")
    repo.write("pkg/__init__.py", "from pkg._version import VERSION\n")
    repo.commit("base")
    repo.write("pkg/_version.py", "VERSION = '1.2.3'\n")
    repo.write("pkg/_speed.cpython-311-x86_64-linux-gnu.so", b"\x7fELF")
    repo.write(".venv/pyvenv.cfg", "home = /usr\n")
    repo.write(".venv/lib/site.py", "")
    repo.write("node_modules/left-pad/index.js", "")
    repo.write("pkg/__pycache__/x.cpython-311.pyc", b"")
    repo.write(".env", "API_TOKEN=secret\n")
    repo.write("build/lib/pkg/_speed.so", b"\x7fELF")
    repo.write("data.sqlite", b"SQLite")
    return repo


def test_generated_files_travel_with_the_copy_but_not_environments_caches_or_secrets(tmp_path: Path) -> None:
    project = generated_project(tmp_path)
    repo = open_repository(project.path)
    with Sandbox(repo, repo.head) as box:
        copy = box.build()
        assert sorted(box.generated) == ["data.sqlite", "pkg/_speed.cpython-311-x86_64-linux-gnu.so",
                                         "pkg/_version.py"]
        assert files_of(copy)["pkg/_version.py"] == b"VERSION = '1.2.3'\n"
        done = box.run([sys.executable, "-c", "import pkg; print(pkg.VERSION)"], copy, box.env(copy), timeout=60)
        assert (done.exit_code, done.output) == (0, "1.2.3\n")


def test_sandbox_include_and_exclude_say_more(tmp_path: Path) -> None:
    project = generated_project(tmp_path)
    repo = open_repository(project.path)
    settings = AdversaryConfig(sandbox_include=("build/lib/**",), sandbox_exclude=("*.so",))
    with Sandbox(repo, repo.head, settings) as box:
        box.build()
        assert sorted(box.generated) == ["data.sqlite", "pkg/_version.py"]
    settings = AdversaryConfig(sandbox_include=("build",), sandbox_exclude=("data.sqlite",))
    with Sandbox(repo, repo.head, settings) as box:
        box.build()
        assert sorted(box.generated) == ["build/lib/pkg/_speed.so", "pkg/_speed.cpython-311-x86_64-linux-gnu.so",
                                         "pkg/_version.py"]


def test_execute_runs_a_command_of_a_revision_isolated_with_a_timeout(committed: GitRepo) -> None:
    """The narrow API other stages (the LLM critic's proposed tests) use."""
    committed.write("pkg/m.py", "X = 2\n")
    committed.commit("two")
    repo = open_repository(committed.path)
    with Sandbox(repo, "HEAD~1") as box:
        box.build()
        done = box.execute([sys.executable, "-c", "import pkg.m; print(pkg.m.X)"], timeout=60)
        slow = box.execute([sys.executable, "-c", "import time; time.sleep(30)"], timeout=1)
    assert (done.exit_code, done.output, done.limit) == (0, "1\n", None)
    assert (slow.exit_code, slow.limit) == (None, "the timeout (1 s)")


@pytest.mark.skipif(probe().kind != "namespaces", reason="a read-only mount needs namespaces")
def test_the_probe_cannot_be_rewritten_by_the_tests_it_judges(committed: GitRepo) -> None:
    repo = open_repository(committed.path)
    with Sandbox(repo, repo.head) as box:
        copy = box.build()
        probe = box.probe_dir / "_comprehend_probe.py"
        original = probe.read_bytes()
        script = f"open({str(probe)!r}, 'w').write('import os')"
        box.run([sys.executable, "-c", script], copy, box.env(copy), timeout=60)
        assert probe.read_bytes() == original


def test_removing_a_sandbox_never_changes_the_folder_it_sits_in(tmp_path: Path) -> None:
    # Two runs cleaning the same stale sandbox: the second finds it gone. Its parent (the
    # system temp folder in real use) must keep its mode: once it was left 0700.
    from comprehend.adversary.sandbox import _remove

    parent = tmp_path / "temp"
    parent.mkdir()
    parent.chmod(0o1777)
    (parent / "comprehend-sandbox-1" / "w0" / "ro").mkdir(parents=True)
    (parent / "comprehend-sandbox-1" / "w0" / "ro" / "f.py").write_text("x = 1\n")
    (parent / "comprehend-sandbox-1" / "w0" / "ro").chmod(0o500)
    _remove(parent / "comprehend-sandbox-1")
    _remove(parent / "comprehend-sandbox-1")  # already gone
    assert (sorted(parent.iterdir()), oct(parent.stat().st_mode & 0o7777)) == ([], "0o1777")
