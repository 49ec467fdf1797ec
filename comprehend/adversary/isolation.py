"""How a test process of the repository under review is fenced in: the environment it sees,
the resources it may use, the namespaces it runs in, and the sweep that ends it.

The code under review may be hostile (an untrusted pull request). Every process it starts:
- gets an allow-listed environment (PATH, locale, the virtualenv, pytest's own switches;
  HOME and TMPDIR point into the sandbox; nothing named like a token, secret, key or
  password, whatever the allow-list says);
- runs under resource limits set between fork and exec (CPU seconds, address space,
  processes, file size) and dies with comprehend (PR_SET_PDEATHSIG);
- where the kernel allows unprivileged user namespaces, runs in its own user, mount,
  network and PID namespaces: no network but a loopback that is down, the original
  repository, its git dir, the real HOME and the interpreter's prefix mounted read-only
  (in an outer namespace, so the mounts are locked and cannot be undone from inside), and
  every process of the run killed with the namespace's first process;
- without namespaces, is killed by process group and then by a sweep of /proc for the
  run's marker, which catches processes that left the group (setsid, double fork).

The namespace support is probed once per comprehend process (`probe()`), and the report
says which isolation held (`Isolation.describe`)."""

from __future__ import annotations

import functools
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# Names a test process may inherit. Anything else is dropped; see `_SECRET` for names that are
# dropped even when listed here or in [adversary] pass_env.
_ALLOWED = frozenset({"PATH", "LANG", "LANGUAGE", "TZ", "VIRTUAL_ENV", "CONDA_PREFIX", "CI",
                      "PYTHONHASHSEED", "PYTHONWARNINGS", "PYTHONUTF8", "PYTHONIOENCODING",
                      "PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "NO_COLOR", "FORCE_COLOR"})
_ALLOWED_PREFIXES = ("LC_", "PYTEST_")
_SECRET = re.compile(r"TOKEN|SECRET|KEY|PASS|CREDENTIAL|AUTH(?!OR)|COOKIE|SESSION|PRIVATE|CERT", re.I)
RUN_MARKER = "COMPREHEND_SANDBOX_RUN"

Kind = Literal["namespaces", "none"]


def is_secret_name(name: str) -> bool:
    return bool(_SECRET.search(name))


def scrubbed_environment(source: dict[str, str], pass_env: Iterable[str] = ()) -> dict[str, str]:
    """The allow-listed part of `source`: what a test process may inherit."""
    extra = set(pass_env)
    return {k: v for k, v in source.items()
            if (k in _ALLOWED or k in extra or k.startswith(_ALLOWED_PREFIXES))
            and not is_secret_name(k)}


@dataclass(frozen=True)
class Limits:
    """Per-process resource limits of a test process ([adversary] keys of the same names)."""

    cpu_seconds: int = 3600
    memory_mb: int = 8192
    max_processes: int = 512
    max_file_mb: int = 1024

    def preexec(self) -> Callable[[], None]:
        """The function run in the child between fork and exec. It only calls into C (no
        allocation-heavy Python, no locks), as a child forked from a threaded parent must."""
        # RLIMIT_NPROC counts every process of the user, not of the run: the budget is on
        # top of what the user already runs (root is exempt from it; the PID namespace and
        # the end-of-run kill bound a fork bomb there).
        nproc = _user_processes() + self.max_processes
        # (limit, value, grace): past the soft CPU limit the kernel sends SIGXCPU (which
        # says why), and SIGKILL only at the hard one, a few seconds later.
        limits = [(resource.RLIMIT_CPU, self.cpu_seconds, 5),
                  (resource.RLIMIT_AS, self.memory_mb * 1024 * 1024, 0),
                  (resource.RLIMIT_NPROC, nproc, 0),
                  (resource.RLIMIT_FSIZE, self.max_file_mb * 1024 * 1024, 0)]
        prctl = _prctl()

        def apply() -> None:
            for which, value, grace in limits:
                _soft, hard = resource.getrlimit(which)
                cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
                ceiling = cap + grace if hard == resource.RLIM_INFINITY else min(cap + grace, hard)
                resource.setrlimit(which, (cap, ceiling))
            if prctl is not None:
                prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with comprehend

        return apply

    def describe(self) -> str:
        return (f"{self.cpu_seconds} s CPU, {self.memory_mb} MB memory, "
                f"{self.max_processes} processes, {self.max_file_mb} MB per file")


@dataclass(frozen=True)
class Isolation:
    kind: Kind
    why: str  # why this kind: what the probe found

    @property
    def network(self) -> bool:
        """Whether test processes can reach a network."""
        return self.kind == "none"

    def describe(self) -> str:
        if self.kind == "namespaces":
            return ("isolation: user, mount, network and PID namespaces (unshare): no network, "
                    "the repository, its git dir, HOME and the interpreter read-only")
        return (f"isolation: environment, resource limits and process kill only ({self.why}); "
                "tests could reach the network and write outside the sandbox")


# The script run as the first process of the outer namespace: bind the protected folders
# read-only, then start the inner namespaces, where those mounts are locked.
_MOUNT_SCRIPT = """set -e
while [ "$1" != "--" ]; do
  if [ -e "$1" ]; then mount --bind "$1" "$1"; mount -o remount,bind,ro "$1"; fi
  shift
done
shift
exec unshare --user --map-root-user --net --pid --fork --kill-child -- /bin/sh -c '"$@"; exit $?' sh "$@"
"""
# (The innermost sh is the PID namespace's first process: it reports a test process killed
# by a signal as 128 + the signal, which unshare itself would not pass on.)


def wrap(argv: list[str], isolation: Isolation, readonly: Iterable[Path]) -> list[str]:
    """`argv` as run under `isolation`, with `readonly` folders mounted read-only."""
    if isolation.kind == "none":
        return argv
    unshare = shutil.which("unshare") or "unshare"
    return [unshare, "--user", "--map-root-user", "--mount", "--", "/bin/sh", "-c", _MOUNT_SCRIPT,
            "comprehend-sandbox", *(str(p) for p in readonly), "--", *argv]


@functools.cache
def probe() -> Isolation:
    """What this machine allows: namespaces when an unprivileged `unshare` can mount a
    folder read-only and cut the network, else none (and why)."""
    if not sys.platform.startswith("linux"):
        return Isolation("none", f"no namespaces on {sys.platform}")
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return Isolation("none", "unshare or mount not found (util-linux)")
    folder = Path(tempfile.mkdtemp(prefix="comprehend-probe-"))
    try:
        target = folder / "ro"
        target.mkdir()
        check = ("import socket, sys\n"
                 f"try:\n    open({str(target / 'w')!r}, 'w')\n    sys.exit(3)\nexcept OSError:\n    pass\n"
                 "s = socket.socket()\ntry:\n    s.connect(('1.1.1.1', 53))\n    sys.exit(4)\n"
                 "except OSError:\n    sys.exit(0)\n")
        argv = wrap([sys.executable, "-I", "-c", check], Isolation("namespaces", ""), [target])
        try:
            done = subprocess.run(argv, capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Isolation("none", f"unshare failed: {exc}")
        if done.returncode == 0:
            return Isolation("namespaces", "unshare works")
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = {3: "a read-only mount did not hold", 4: "the network stayed reachable"}.get(
            done.returncode, said[-1] if said else f"exit {done.returncode}")
        return Isolation("none", f"unprivileged namespaces unavailable: {why}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(marker: str, rounds: int = 5, *, every_process: bool = False) -> int:
    """Kill every process of this user whose environment carries `marker` (RUN_MARKER=...):
    the ones that left the process group. `every_process`: every marker that starts with
    `marker-` too (all processes of a sandbox). Returns how many were killed."""
    if not os.path.isdir("/proc"):
        return 0
    needle = f"{RUN_MARKER}={marker}".encode()
    family = needle + b"-"
    me, uid = os.getpid(), os.getuid()
    killed = 0
    for _ in range(rounds):
        found = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == me:
                continue
            try:
                if entry.stat().st_uid != uid:
                    continue
                with open(f"/proc/{entry.name}/environ", "rb") as handle:
                    variables = handle.read().split(b"\0")
                if needle not in variables and not (every_process and any(v.startswith(family) for v in variables)):
                    continue
                os.kill(int(entry.name), signal.SIGKILL)
                found += 1
            except (OSError, ValueError):
                continue
        killed += found
        if not found:
            break
        time.sleep(0.02)
    return killed


def _user_processes() -> int:
    uid = os.getuid()
    count = 0
    try:
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    count += entry.stat().st_uid == uid
                except OSError:
                    pass
    except OSError:
        return 1024
    return count


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
