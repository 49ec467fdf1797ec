"""The isolated copies mutants live in, and the test processes that run there.

A sandbox is a temporary folder outside the repository holding one copy of the work tree
per worker: the files of the head commit (from git's object store), or of the working tree
when the change is uncommitted, plus the working tree's git-ignored files the tests need
(generated version files, built extensions; not virtualenvs, caches or node_modules).
Nothing here writes into the repository or its .git: no `git worktree`, no refs, no index.

Test processes are fenced in by isolation.py (allow-listed environment with HOME, TMPDIR
and the bytecode cache inside this sandbox, resource limits, namespaces where the kernel
allows them), always run with a timeout, and are killed with their whole tree at the end.

For other stages that run code of a revision (the LLM critic's proposed tests):
    with Sandbox(repo, rev, config.adversary) as box:
        copy = box.build()
        result = box.execute(["python", "-m", "pytest", "tests/test_x.py"], timeout=60)
`execute` runs in the first copy, isolated, and returns a RunResult (exit code or None on
timeout, the limit hit if any, the end of the output)."""

from __future__ import annotations

import fnmatch
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from comprehend import git
from comprehend.adversary import isolation
from comprehend.adversary.isolation import RUN_MARKER, Isolation, Limits
from comprehend.config import AdversaryConfig
from comprehend.errors import UserError
from comprehend.git import Repository

PREFIX = "comprehend-sandbox-"
PROBE_MODULE = "_comprehend_probe"
# Variables that would point git (run by a test) at the user's repository.
_GIT_LOCATORS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX")


# Ignored entries never copied into a sandbox unless [adversary] sandbox_include names them:
# environments, caches, other tools' output, and files that hold credentials.
DEFAULT_EXCLUDE = (".git", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__", "*.pyc",
                   ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", ".cache",
                   ".coverage", ".coverage.*", "htmlcov", "build", "dist", ".eggs", ".idea",
                   ".vscode", ".env", ".env.*", "*.pem", "*.key", ".netrc", ".pypirc", "id_rsa*",
                   ".comprehend")
MAX_GENERATED_BYTES = 50 * 1024 * 1024  # one ignored file larger than this is not copied

_LIMIT_SIGNALS = {signal.SIGXCPU: "the CPU time limit", signal.SIGXFSZ: "the file size limit"}
# What Python says when a limit refuses it (it ignores SIGXFSZ, so a write fails instead).
_LIMIT_ERRORS = (("MemoryError", "the memory limit"), ("[Errno 27] File too large", "the file size limit"),
                 ("BlockingIOError: [Errno 11] Resource temporarily unavailable", "the process limit"))


class TestsCannotRun(UserError):
    """The tests could not be run well enough to judge anything: the check fails closed."""

    environment: dict[str, str] = {}  # noqa: RUF012 - set per instance: what ran the tests


@dataclass(frozen=True)
class RunResult:
    exit_code: int | None  # None when it timed out
    seconds: float
    output: str  # the end of stdout and stderr, for notes
    limit: str | None = None  # the safety limit the run hit, if any

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None


class Sandbox:
    """Copies of the repository at `head` (None: the working tree), one per worker."""

    def __init__(self, repo: Repository, head: str | None, settings: AdversaryConfig | None = None,
                 *, readonly: tuple[Path, ...] = ()) -> None:
        self.repo = repo
        self.head = head
        self.settings = settings or AdversaryConfig()
        self.isolation = _isolation(self.settings)
        self.limits = Limits(self.settings.cpu_seconds, self.settings.memory_mb,
                             self.settings.max_processes, self.settings.max_file_mb)
        self.run_id = uuid.uuid4().hex
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
        self.home = self.root / "home"  # HOME of test processes: fresh, empty
        self.tmp = self.root / "tmp"
        # Bytecode cache of this run only: a test cannot plant a .pyc another run loads.
        self.pycache = self.root / "pycache"
        for folder in (self.data, self.probe_dir, self.home, self.tmp, self.pycache):
            folder.mkdir()
        self.readonly = self._protected(readonly)
        self._preexec = self.limits.preexec()
        self.generated: list[str] = []  # ignored files copied in, for the report
        shutil.copyfile(Path(__file__).parent / "mutation" / "probe.py", self.probe_dir / f"{PROBE_MODULE}.py")
        (self.probe_dir / f"{PROBE_MODULE}.py").chmod(0o444)
        self._processes: set[subprocess.Popen] = set()
        self._markers: dict[int, str] = {}  # pid -> the marker its tree carries
        self._spawned = 0
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
        self.generated = _copy_generated(self.repo, first, self.settings)
        self.copies = [first]
        return first

    def execute(self, argv: list[str], timeout: float, *, cwd: Path | None = None) -> RunResult:
        """Run `argv` in the first copy (after build()), isolated, within `timeout` seconds."""
        if not self.copies:
            raise RuntimeError("Sandbox.execute before build()")
        copy = self.copies[0]
        return self.run(argv, cwd or copy, self.env(copy), timeout)

    def _protected(self, extra: tuple[Path, ...]) -> tuple[Path, ...]:
        """Folders mounted read-only for test processes: the repository, its git dir, the
        real HOME and the given ones (the interpreter's prefix), except any holding the
        sandbox itself."""
        wanted = [self.repo.root, self.repo.common_dir, Path.home(), self.probe_dir, *extra]
        kept: list[Path] = []
        for path in wanted:
            try:
                real = path.resolve()
            except OSError:
                continue
            if real == Path(real.anchor) or self.root.is_relative_to(real) or real in kept:
                continue
            kept.append(real)
        return tuple(kept)

    def add_copies(self, count: int) -> None:
        """More copies, one per extra worker, made from the first (before any mutant)."""
        for i in range(len(self.copies), count):
            copy = self.root / f"w{i}"
            shutil.copytree(self.copies[0], copy, symlinks=True)
            self.copies.append(copy)

    def env(self, copy: Path, extra: dict[str, str] | None = None, *,
            write_bytecode: bool = False) -> dict[str, str]:
        """The environment of a test process in `copy`: the allow-listed part of ours
        (isolation.scrubbed_environment), HOME, TMPDIR and the bytecode cache inside the
        sandbox, PWD at the copy. Bytecode goes only to this run's cache folder
        (PYTHONPYCACHEPREFIX), never next to a source file. The baseline run may write there
        (`write_bytecode`), so later runs read the installed packages' bytecode instead of
        compiling them again."""
        env = isolation.scrubbed_environment(dict(os.environ), self.settings.pass_env)
        if write_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.update({"HOME": str(self.home), "TMPDIR": str(self.tmp), "PWD": str(copy),
                    "PYTHONPYCACHEPREFIX": str(self.pycache), "GIT_CEILING_DIRECTORIES": str(self.root)})
        env.setdefault("PATH", os.defpath)
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

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float,
            *, tail: int | None = 4000) -> RunResult:
        """One isolated process to its end or its timeout; its whole tree is killed after.
        The result keeps the last `tail` characters of the output (None: all of it)."""
        started = time.monotonic()
        proc = self.spawn(argv, cwd, env, stdout=subprocess.PIPE)
        limit = None
        try:
            out, _ = proc.communicate(timeout=timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            self._end(proc)
            out, _ = proc.communicate()
            code, limit = None, f"the timeout ({timeout:.0f} s)"
        finally:
            self._end(proc)
            self._forget(proc)
        if code is not None and code < 0:
            limit = _LIMIT_SIGNALS.get(-code)
        elif code is not None and code > 128 and self.isolation.kind == "namespaces":
            limit = _LIMIT_SIGNALS.get(code - 128)  # as the namespace's shell reports a signal
        text = (out or b"").decode("utf-8", "replace")
        if code is not None and limit is None:
            limit = next((what for said, what in _LIMIT_ERRORS if said in text[-4000:]), None)
        return RunResult(code, time.monotonic() - started, text if tail is None else text[-tail:], limit)

    def spawn(self, argv: list[str], cwd: Path, env: dict[str, str], *, stdout=None,
              pass_fds: tuple[int, ...] = ()) -> subprocess.Popen:
        if self.closed:
            raise InterruptedError("sandbox closed")
        if shutil.which(argv[0], path=env.get("PATH")) is None and not Path(argv[0]).is_file():
            raise TestsCannotRun(f"[adversary] test_command: {argv[0]!r} not found; set test_command "
                                 "in .comprehend.toml to a command that runs the tests")
        wrapped = isolation.wrap(argv, self.isolation, self.readonly)
        with self._lock:
            self._spawned += 1
            marker = f"{self.run_id}-{self._spawned}"  # this process's tree, for the sweep
        env = {**env, RUN_MARKER: marker}
        try:
            proc = subprocess.Popen(wrapped, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=stdout, stderr=subprocess.STDOUT, pass_fds=pass_fds,
                                    start_new_session=True, preexec_fn=self._preexec)
        except FileNotFoundError as exc:
            raise TestsCannotRun(f"[adversary] test_command: {argv[0]!r} not found; set test_command "
                                 "in .comprehend.toml to a command that runs the tests") from exc
        with self._lock:
            self._processes.add(proc)
            self._markers[proc.pid] = marker
        return proc

    def _end(self, proc: subprocess.Popen) -> None:
        """Kill what is left of a process's tree: its group, then (without a PID namespace,
        whose end takes every process in it) any process of the run that left the group."""
        _kill_group(proc)
        if self.isolation.kind == "none":
            isolation.sweep(self._markers.get(proc.pid, self.run_id))

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
        isolation.sweep(self.run_id, every_process=True)

    def close(self) -> None:
        """Kill every test process still running and remove the sandbox."""
        self.kill_processes()
        _remove(self.root)


def _isolation(settings: AdversaryConfig) -> Isolation:
    if settings.isolation == "off":
        return Isolation("none", "[adversary] isolation = \"off\"")
    found = isolation.probe()
    if found.kind == "none" and settings.isolation == "required":
        raise TestsCannotRun(f"[adversary] isolation = \"required\" but {found.why}; allow "
                             "unprivileged user namespaces on this machine, or run `comprehend "
                             "check --no-exec`")
    return found


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
        self.sandbox._end(self.proc)
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


def remove_stale_sandboxes() -> None:
    """Sandboxes left by a comprehend that was killed: their process is gone. Only real
    folders of this user are removed, never through a symbolic link."""
    base = Path(tempfile.gettempdir())
    for folder in base.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            info = folder.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
            _remove(folder)


def _remove(root: Path) -> None:
    """Remove a sandbox without following a symbolic link (shutil.rmtree unlinks links and
    never descends into them), making read-only folders a test left writable first."""

    inside = os.path.realpath(root)

    def retry(function, path, _exc) -> None:
        try:
            parent = os.path.dirname(path)
            # Only folders of the sandbox itself: never its parent (the system temp folder,
            # whose mode every user depends on).
            real = os.path.realpath(parent)
            if not os.path.islink(parent) and (real == inside or real.startswith(inside + os.sep)):
                os.chmod(parent, 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass

    if root.is_symlink():
        return
    shutil.rmtree(root, onerror=retry)


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


def _copy_generated(repo: Repository, dest: Path, settings: AdversaryConfig) -> list[str]:
    """Copy the work tree's git-ignored files into `dest`, except those of DEFAULT_EXCLUDE
    (unless [adversary] sandbox_include names them) and of sandbox_exclude. A file git
    tracks at the copied revision is never replaced."""
    include, exclude = settings.sandbox_include, settings.sandbox_exclude
    copied: list[str] = []

    def wanted(rel: str, is_dir: bool) -> bool:
        name = rel.rsplit("/", 1)[-1]
        if _matches(rel, name, exclude):
            return False
        if _matches(rel, name, include) or (is_dir and any(p.startswith(rel + "/") for p in include)):
            return True
        if is_dir and (Path(repo.root, rel, "pyvenv.cfg").exists() or Path(repo.root, rel, "conda-meta").exists()):
            return False  # a virtualenv under any name
        return not _matches(rel, name, DEFAULT_EXCLUDE)

    def copy_file(rel: str) -> None:
        source, target = repo.root / rel, _safe_target(dest, rel)
        if target is None or target.exists() or target.is_symlink():
            return
        try:
            info = source.lstat()
        except OSError:
            return
        if stat.S_ISLNK(info.st_mode):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(source), target)
        elif stat.S_ISREG(info.st_mode) and info.st_size <= MAX_GENERATED_BYTES:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        else:
            return
        copied.append(rel)

    def walk(rel: str) -> None:
        try:
            entries = sorted(os.scandir(repo.root / rel), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            child = f"{rel}/{entry.name}"
            is_dir = entry.is_dir(follow_symlinks=False)
            if wanted(child, is_dir):
                walk(child) if is_dir else copy_file(child)

    for entry in git.ignored_paths(repo):
        rel = entry.rstrip("/")
        is_dir = entry.endswith("/")
        if wanted(rel, is_dir):
            walk(rel) if is_dir else copy_file(rel)
    return copied


def _matches(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(rel, p)
               or rel.startswith(p.rstrip("/") + "/") for p in patterns)


def default_python() -> str:
    """The python of the active virtual environment, else the one running comprehend."""
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        for candidate in (Path(venv) / "bin" / "python", Path(venv) / "Scripts" / "python.exe"):
            if candidate.exists():
                return str(candidate)
    return sys.executable
