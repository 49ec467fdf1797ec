"""Quiz benchmark: how fast `comprehend quiz` makes proven questions on a real project, and
how many candidate targets it refuses and why.

    python benchmarks/quiz.py [--project django==5.2.7] [--count 20] [--seed 1]

Downloads the project's sdist from PyPI once into .benchmarks-cache/quiz/ (pip download
--no-deps --no-binary :all:), commits its files (package and tests) into a fresh git
repository there (the sdist's tests come with it; nothing is installed into any
environment: kinds that run code import the package from their copy of the repository).
Then, each in a fresh interpreter:
  cold    an empty store: the graph is parsed, history classified, the best files blamed
  warm    the same store again (a team's second session)
  plain   `comprehend quiz --plain` on the warm store, as a person runs it: from starting
          the command to its first answer prompt, then answering 1 to each
  screen  `comprehend quiz` in a pseudo-terminal (80x24): from starting the command to the
          Quiz screen drawing "Question 1" (then ctrl+q)
and prints for each: time to plan (graph, targets), time to the first question (with the
CPU seconds the process had used by then: the figure a loaded machine does not move), time
to `--count` questions, questions per second, and the refused candidates grouped by reason.
The floor beside it is the warm graph load alone: what any session pays before asking.
Python bytecode is compiled once into the cache folder first (as an installed wheel has it).
The sdist is one commit, so history kinds refuse for lack of history: that is reported,
not hidden."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".benchmarks-cache" / "quiz"
IDENTITY = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}

_MEASURE = """
import json, os, sys, time
from collections import Counter
from pathlib import Path
from comprehend.workspace import open_workspace
from comprehend.quiz.session import Feed, plan_quiz
start = time.perf_counter()
workspace = open_workspace(sys.argv[1], db=Path(sys.argv[2]))
with workspace.open_store() as store:
    plan = plan_quiz(workspace, store, person="bench@example.com", count=int(sys.argv[3]),
                     about=None, seed=int(sys.argv[4]))
planned = time.perf_counter()
feed = Feed(plan)
first = None
kinds = Counter()
while (q := feed.next()) is not None:
    if first is None:
        first, first_cpu = time.perf_counter(), time.process_time()
    kinds[q.kind] += 1
end = time.perf_counter()
print(json.dumps({"files": len(plan.ctx.graph.files), "targets": len(plan.targets),
                  "plan": planned - start, "first": (first or end) - start, "total": end - start,
                  "first_cpu": first_cpu if first else time.process_time(),
                  "questions": sum(kinds.values()), "kinds": kinds,
                  "refused": Counter(f"{r.kind}: {r.reason}" for r in feed.refused)}))
"""

_FLOOR = """
import sys, time
from pathlib import Path
from comprehend.workspace import open_workspace
from comprehend.graph.build import build_graph
start = time.perf_counter()
workspace = open_workspace(sys.argv[1], db=Path(sys.argv[2]))
with workspace.open_store() as store:
    build_graph(workspace.repo, workspace.config, store)
print(time.perf_counter() - start)
"""


def download(spec: str) -> Path:
    name, version = spec.split("==")
    folder = CACHE / "sdists"
    archives = [p for p in folder.glob("*.tar.gz") if p.name.lower().replace("_", "-").startswith(
        f"{name.lower().replace('_', '-')}-{version}")] if folder.exists() else []
    if not archives:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
                        ":all:", spec, "-d", str(folder)], check=True)
        archives = [p for p in folder.glob("*.tar.gz") if version in p.name]
    return archives[0]


def repository(archive: Path) -> Path:
    repo = CACHE / archive.name.removesuffix(".tar.gz")
    if (repo / ".git").exists():
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
        [top] = list(Path(tmp).iterdir())
        shutil.copytree(top, repo)
    env = {**os.environ, **IDENTITY}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", archive.name]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    return repo


def environment() -> dict[str, str]:
    """Our code first on the path, bytecode compiled once into the cache (not into the
    checkout), so no run pays for compiling comprehend."""
    env = {**os.environ, **IDENTITY, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(CACHE / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(repo: Path, db: Path, count: int, seed: int) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(repo), str(db), str(count), str(seed)],
                         env=environment(), capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _cpu_seconds(pid: int) -> float:
    """CPU time a running process and the children it waited for used (utime..cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _command(db: Path, repo: Path, count: int, seed: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "comprehend", "--db", str(db), "quiz", str(repo), "--user",
            "bench@example.com", "--count", str(count), "--seed", str(seed), *extra]


def measure_plain(repo: Path, db: Path, count: int, seed: int) -> dict:
    """`comprehend quiz --plain` end to end: each prompt answered 1 as soon as it shows."""
    start = time.perf_counter()
    proc = subprocess.Popen(_command(db, repo, count, seed, "--plain"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment())
    first = first_cpu = None
    asked, seen = 0, b""
    while chunk := proc.stdout.read1(65536):
        seen += chunk
        while (at := seen.find(b"answer [")) >= 0 or (at := seen.find(b"answer (")) >= 0:
            seen = seen[at + 8:]
            asked += 1
            if first is None:
                first, first_cpu = time.perf_counter() - start, _cpu_seconds(proc.pid)
            proc.stdin.write(b"1\n")
            proc.stdin.flush()
    proc.wait()
    total = time.perf_counter() - start
    return {"first": first or total, "first_cpu": first_cpu or 0.0, "total": total, "questions": asked}


_ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")


def measure_screen(repo: Path, db: Path, count: int, seed: int, deadline: float = 120.0) -> dict:
    """`comprehend quiz` in a pseudo-terminal: until the Quiz screen draws its first question."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**environment(), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    start = time.perf_counter()
    proc = subprocess.Popen(_command(db, repo, count, seed), stdin=follower, stdout=follower,
                            stderr=follower, env=env, start_new_session=True)
    os.close(follower)
    first = first_cpu = None
    text = b""
    try:
        while first is None and time.perf_counter() - start < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break  # the command ended
            text = (text + _ESCAPES.sub(b"", chunk))[-4096:]
            if b"Question 1" in text:
                first, first_cpu = time.perf_counter() - start, _cpu_seconds(proc.pid)
        os.write(leader, b"\x11")  # ctrl+q quits the app
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    finally:
        os.close(leader)
    return {"first": first if first is not None else float("nan"), "first_cpu": first_cpu or 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="django==5.2.7", help="NAME==VERSION of a PyPI sdist")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    repo = repository(download(args.project))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "comprehend")], env=environment(),
                   stdout=subprocess.DEVNULL, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.db"
        runs = {"cold": measure(repo, db, args.count, args.seed), "warm": measure(repo, db, args.count, args.seed)}
        plain = measure_plain(repo, db, args.count, args.seed)
        screen = measure_screen(repo, db, args.count, args.seed)
        floor = float(subprocess.run([sys.executable, "-c", _FLOOR, str(repo), str(db)], env=environment(),
                                     capture_output=True, text=True, check=True).stdout)
    print(f"{args.project}: {runs['warm']['files']} files, {runs['warm']['targets']} candidate targets")
    print(f"{'run':<8}{'plan s':>8}{'first s':>9}{'(cpu s)':>9}{'total s':>9}{'questions':>11}{'q/s':>7}")
    for name, r in runs.items():
        rate = r["questions"] / r["total"] if r["total"] else 0.0
        print(f"{name:<8}{r['plan']:>8.2f}{r['first']:>9.2f}{r['first_cpu']:>9.2f}{r['total']:>9.2f}"
              f"{r['questions']:>11}{rate:>7.1f}")
    rate = plain["questions"] / plain["total"] if plain["total"] else 0.0
    print(f"{'plain':<8}{'':>8}{plain['first']:>9.2f}{plain['first_cpu']:>9.2f}{plain['total']:>9.2f}"
          f"{plain['questions']:>11}{rate:>7.1f}   (whole command, warm store)")
    print(f"{'screen':<8}{'':>8}{screen['first']:>9.2f}{screen['first_cpu']:>9.2f}"
          f"{'':>27}   (whole command, warm store, until the Quiz screen shows question 1)")
    print(f"floor    warm graph load alone: {floor:.2f} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    warm = runs["warm"]
    attempts = warm["questions"] + sum(warm["refused"].values())
    print(f"kinds asked: {dict(sorted(warm['kinds'].items()))}")
    print(f"refused: {sum(warm['refused'].values())} of {attempts} attempts "
          f"({100 * sum(warm['refused'].values()) / max(attempts, 1):.0f}%)")
    for reason, n in sorted(warm["refused"].items(), key=lambda item: -item[1]):
        print(f"  {n:>4}  {reason}")


if __name__ == "__main__":
    main()
