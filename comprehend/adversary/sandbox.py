"""The isolated copies mutants live in, and the test processes that run there.

A sandbox is a temporary folder outside the repository holding one copy of the work tree
per worker: the files of the head commit (from git's object store), or of the working tree
when the change is uncommitted. Nothing here writes into the repository or its .git: no
`git worktree`, no refs, no index. Test processes run with bytecode writing off and any
bytecode cache redirected into the sandbox, in their own process group, and die with
comprehend even when it is killed with SIGKILL (PR_SET_PDEATHSIG, set by the probe)."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from comprehend import git
from comprehend.errors import UserError
from comprehend.git import Repository

PREFIX = "comprehend-sandbox-"
PROBE_MODULE = "_comprehend_probe"
# Variables that would point git (run by a test) at the user's repository.
_GIT_LOCATORS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX")


@dataclass(frozen=True)
class RunResult:
    exit_code: int | None  # None when it timed out
    seconds: float
    output: str  # the end of stdout and stderr, for notes

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None


class Sandbox:
    """Copies of the repository at `head` (None: the working tree), one per worker."""

    def __init__(self, repo: Repository, head: str | None) -> None:
        self.repo = repo
        self.head = head
        remove_stale_sandboxes()
        self.root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")).resolve()
        for forbidden in (repo.root.resolve(), repo.common_dir.resolve()):
            if self.root.is_relative_to(forbidden):
                shutil.rmtree(self.root, ignore_errors=True)
                raise UserError(f"TMPDIR {self.root.parent} is inside the repository {repo.root}; "
                                "point TMPDIR at a folder outside it")
        self.copies: list[Path] = []
        self.data = self.root / "data"
        self.probe_dir = self.root / "probe"
        for folder in (self.data, self.probe_dir):
            folder.mkdir()
        # Shared by runs: installed packages' bytecode stays valid; this sandbox's own
        # entries (under its path) are removed with it.
        self.pycache = pycache_root()
        self.pycache.mkdir(exist_ok=True)
        shutil.copyfile(Path(__file__).parent / "mutation" / "probe.py", self.probe_dir / f"{PROBE_MODULE}.py")
        self._processes: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self.closed = False

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def build(self) -> Path:
        """The first copy, from git's objects (or from the working tree)."""
        first = self.root / "w0"
        first.mkdir()
        if self.head is None:
            _copy_worktree(self.repo, first)
        else:
            _copy_revision(self.repo, self.head, first)
        self.copies = [first]
        return first

    def add_copies(self, count: int) -> None:
        """More copies, one per extra worker, made from the first (before any mutant)."""
        for i in range(len(self.copies), count):
            copy = self.root / f"w{i}"
            shutil.copytree(self.copies[0], copy, symlinks=True)
            self.copies.append(copy)

    def env(self, copy: Path, extra: dict[str, str] | None = None, *,
            write_bytecode: bool = False) -> dict[str, str]:
        """The environment of a test process in `copy`. Bytecode goes only to the sandbox's
        own cache folder (PYTHONPYCACHEPREFIX), never next to a source file. The baseline run
        may write there (`write_bytecode`), so later runs read the installed packages'
        bytecode instead of compiling them again: an empty prefix folder hides every .pyc."""
        env = dict(os.environ)
        for key in _GIT_LOCATORS:
            env.pop(key, None)
        if write_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        env["GIT_CEILING_DIRECTORIES"] = str(self.root)
        paths = [str(self.probe_dir), str(copy)]
        if (copy / "src").is_dir():
            paths.append(str(copy / "src"))
        for entry in env.get("PYTHONPATH", "").split(os.pathsep):
            if entry:
                paths.append(str(self._inside(copy, Path(entry))))
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        env["COMPREHEND_PROBE_ROOT"] = str(copy)
        env.update(extra or {})
        return env

    def _inside(self, copy: Path, entry: Path) -> Path:
        """A PYTHONPATH entry inside the repository points at the same place in the copy."""
        try:
            return copy / entry.resolve().relative_to(self.repo.root.resolve())
        except ValueError:
            return entry

    # Processes -----------------------------------------------------------------------------

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float | None) -> RunResult:
        started = time.monotonic()
        proc = self.spawn(argv, cwd, env, stdout=subprocess.PIPE)
        try:
            out, _ = proc.communicate(timeout=timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, _ = proc.communicate()
            code = None
        finally:
            self._forget(proc)
        text = (out or b"").decode("utf-8", "replace")
        return RunResult(code, time.monotonic() - started, text[-4000:])

    def spawn(self, argv: list[str], cwd: Path, env: dict[str, str], *, stdout=None,
              pass_fds: tuple[int, ...] = ()) -> subprocess.Popen:
        if self.closed:
            raise InterruptedError("sandbox closed")
        try:
            proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=stdout, stderr=subprocess.STDOUT, pass_fds=pass_fds,
                                    start_new_session=True)
        except FileNotFoundError as exc:
            raise UserError(f"[adversary] test_command: {argv[0]!r} not found; set test_command "
                            "in .comprehend.toml to a command that runs the tests") from exc
        with self._lock:
            self._processes.add(proc)
        return proc

    def _forget(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._processes.discard(proc)

    def kill_processes(self) -> None:
        """Kill every test process still running; no new one starts after this."""
        self.closed = True
        with self._lock:
            running = list(self._processes)
            self._processes.clear()
        for proc in running:
            _kill_group(proc)
            proc.wait()

    def close(self) -> None:
        """Kill every test process still running and remove the sandbox."""
        self.kill_processes()
        _remove(self.root)


class ProbeServer:
    """A pytest process that collected the tests once and runs each mutant in a forked child
    (probe.py, serve mode). One per worker copy; jobs go in one at a time."""

    def __init__(self, sandbox: Sandbox, argv: list[str], copy: Path, env: dict[str, str],
                 log: Path) -> None:
        jobs_r, self._jobs_w = os.pipe()
        self._results_r, results_w = os.pipe()
        env = {**env, "COMPREHEND_PROBE_MODE": "serve", "COMPREHEND_PROBE_FDS": f"{jobs_r},{results_w}"}
        with open(log, "wb") as out:
            self.proc = sandbox.spawn(argv, copy, env, stdout=out, pass_fds=(jobs_r, results_w))
        os.close(jobs_r)
        os.close(results_w)
        self.sandbox = sandbox
        self.log = log
        self._buffer = b""
        self.alive = True
        self.started = False

    def run(self, job: dict, wait: float) -> dict | None:
        """The server's verdict on one job, or None if the server died or hung (it is then
        stopped, and the caller runs the mutant in a fresh process)."""
        if not self.alive:
            return None
        try:
            os.write(self._jobs_w, (json.dumps(job) + "\n").encode())
        except OSError:
            self.stop()
            return None
        deadline = time.monotonic() + wait
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            ready = select.select([self._results_r], [], [], max(0.0, left))[0] if left > 0 else []
            chunk = os.read(self._results_r, 65536) if ready else b""
            if not chunk:
                self.stop()
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        self.started = True
        return json.loads(line)

    def stop(self) -> None:
        if not self.alive:
            return
        self.alive = False
        for fd in (self._jobs_w, self._results_r):
            try:
                os.close(fd)
            except OSError:
                pass
        # A server holds nothing worth a graceful exit: its session lives in the sandbox.
        _kill_group(self.proc)
        self.proc.wait()
        self.sandbox._forget(self.proc)


# The time given to files about to be mutated: bytecode cached by the baseline records it,
# and any later write (a mutant, the restored original) has a newer one, so Python never
# mistakes a same-size mutant written in the same second for the cached original.
PINNED_MTIME = 946684800  # 2000-01-01


def pin_mtime(path: Path) -> None:
    os.utime(path, (PINNED_MTIME, PINNED_MTIME))


def replace_file(path: Path, text: str) -> None:
    """Write by rename, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.comprehend-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def pycache_root() -> Path:
    return Path(tempfile.gettempdir()) / f"comprehend-pycache-{getattr(os, 'getuid', lambda: 0)()}"


def remove_stale_sandboxes() -> None:
    """Sandboxes left by a comprehend that was killed: their process is gone."""
    base = Path(tempfile.gettempdir())
    for folder in base.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            _remove(folder.resolve())


def _remove(root: Path) -> None:
    """A sandbox and the bytecode its test processes cached for its files."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(pycache_root() / root.relative_to(root.anchor), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass


def _safe_target(dest: Path, rel: str) -> Path | None:
    target = (dest / rel)
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or "__pycache__" in parts or rel.endswith(".pyc"):
        return None
    return target


def _copy_revision(repo: Repository, head: str, dest: Path) -> None:
    files = [f for f in git.list_files(repo, head) if f.mode != "160000"]  # no submodules
    by_blob: dict[str, list] = {}
    for f in files:
        by_blob.setdefault(f.blob, []).append(f)
    for blob, data in git.iter_blobs(repo, list(by_blob)):
        for f in by_blob[blob]:
            target = _safe_target(dest, f.path)
            if target is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if f.mode == "120000":
                os.symlink(os.fsdecode(data), target)
            else:
                target.write_bytes(data)
                if f.mode == "100755":
                    target.chmod(0o755)


def _copy_worktree(repo: Repository, dest: Path) -> None:
    for rel in git.worktree_paths(repo):
        source = repo.root / rel
        target = _safe_target(dest, rel)
        if target is None or not (source.is_file() or source.is_symlink()):
            continue  # deleted in the working tree, or a submodule folder
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)


def default_python() -> str:
    """The python of the active virtual environment, else the one running comprehend."""
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        for candidate in (Path(venv) / "bin" / "python", Path(venv) / "Scripts" / "python.exe"):
            if candidate.exists():
                return str(candidate)
    return sys.executable
