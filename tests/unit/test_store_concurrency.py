"""The store under real contention and real permissions: many processes opening a new store
at once, and files or folders this user may not read or write."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from comprehend.errors import StoreError
from comprehend.store.connection import open_store
from comprehend.store.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]

# Says it is ready, waits for the starting gun (a line on stdin), then opens the store and
# prints its version.
OPENER = """
import sys
from pathlib import Path
from comprehend.store.connection import open_store
print("ready", flush=True)
sys.stdin.readline()
with open_store(Path(sys.argv[1])) as store:
    print(store.schema_version())
"""


@pytest.mark.parametrize("round_", range(3))
def test_twenty_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path, round_: int) -> None:
    db = tmp_path / "new.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(db)], env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(20)]
    assert [p.stdout.readline() for p in procs] == ["ready\n"] * 20  # all imported, all waiting
    for p in procs:  # the gun: as close together as one process can fire it
        p.stdin.write("go\n")
        p.stdin.flush()
    results = [(*p.communicate(timeout=120), p.returncode) for p in procs]
    assert [err for _out, err, code in results if code != 0] == []
    assert [out for out, _err, _code in results] == [f"{SCHEMA_VERSION}\n"] * 20


@contextlib.contextmanager
def other_user():
    """Act as a user who does not own the files: `nobody` when the tests run as root (root
    passes every permission check; the real uid stays root, so it switches back), else this
    user, for whom chmod alone takes the permission away."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def open_as_other_user(db: Path) -> str:
    with pytest.raises(StoreError) as caught, other_user():
        open_store(db).close()
    return caught.value.message


@pytest.fixture()
def shared_dir():
    """A folder the other user can reach (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="comprehend-perm-"))
    path.chmod(0o755)
    yield path
    for sub in [path, *path.rglob("*")]:
        sub.chmod(0o755)
    shutil.rmtree(path)


def test_a_read_only_store_is_named_as_a_permission_problem_not_corruption(shared_dir: Path) -> None:
    db = shared_dir / "ro.db"
    open_store(db).close()
    db.chmod(0o444)
    shared_dir.chmod(0o555)
    assert open_as_other_user(db) == (
        f"store {db} is read-only for this user (permission denied); fix its permissions "
        f"(chmod u+rw {db}) or pass --db PATH")


def test_an_unreadable_store_is_named_as_a_permission_problem(shared_dir: Path) -> None:
    db = shared_dir / "secret.db"
    open_store(db).close()
    db.chmod(0o000)
    assert open_as_other_user(db) == (
        f"store {db} is not readable by this user (permission denied); fix its permissions "
        f"(chmod u+rw {db}) or pass --db PATH")


def test_a_new_store_in_a_folder_this_user_cannot_write(shared_dir: Path) -> None:
    folder = shared_dir / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    db = folder / "new.db"
    assert open_as_other_user(db) == (
        f"store {db}: its folder {folder} is not writable by this user (permission denied); "
        f"fix its permissions (chmod u+rwx {folder}) or pass --db PATH")
    assert not db.exists()
