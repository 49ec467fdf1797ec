"""`comprehend team --json` on a generated team: 50 members, 5,000 symbols (250 files of 20
functions), 400 commits and 100,000 answers over two years. Prints the cold run (blame of
every file, FSRS replay of every pair), the warm runs (median) and, in the same run, the
floor: reading the same answers out of SQLite and the history out of git.

Target: warm <= 2 s on the 2-core reference machine."""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 2.0
MEMBERS, FILES, FUNCS, COMMITS, ANSWERS = 50, 250, 20, 400, 100_000
START = 1_730_000_000  # 2024-10-27
SPAN = 2 * 365 * 86400
ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}


def source(file: int, version: dict[int, int]) -> str:
    return "".join(f"def f{file}_{k}(x):\n    y = x + {version.get(k, 0)}\n    z = y * {k + 1}\n"
                   f"    return z - {file}\n\n" for k in range(FUNCS))


def build_repo(root: Path, rng: random.Random) -> None:
    """The history through `git fast-import`: each file created by one member, then edits of
    one function at a time, a fifth of them made with Claude Code."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=ENV)
    versions: dict[int, dict[int, int]] = {i: {} for i in range(FILES)}
    stream, mark = [], 0
    events = [(START + i * (SPAN // 3) // FILES, "create", i) for i in range(FILES)]
    events += [(START + SPAN // 3 + rng.randrange(2 * SPAN // 3 - 86400), "edit", rng.randrange(FILES))
               for _ in range(COMMITS - FILES)]
    for when, what, file in sorted(events):
        mark += 1
        member = rng.randrange(MEMBERS)
        if what == "edit":
            func = rng.randrange(FUNCS)
            versions[file][func] = versions[file].get(func, 0) + 1
        body = source(file, versions[file]).encode()
        message = f"{what} m{file}".encode()
        if rng.random() < 0.2:
            message += b"\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"
        ident = f"Member {member} <m{member}@team.example> {when} +0000".encode()
        stream += [b"commit refs/heads/main\n", b"mark :%d\n" % mark,
                   b"author " + ident + b"\n", b"committer " + ident + b"\n",
                   b"data %d\n" % len(message), message, b"\n"]
        if mark > 1:
            stream.append(b"from :%d\n" % (mark - 1))
        stream += [b"M 644 inline pkg/m%d.py\n" % file, b"data %d\n" % len(body), body, b"\n"]
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream),
                   check=True, env=ENV)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True, env=ENV)
    (root / ".comprehend.toml").write_text(
        "[team]\nmembers = [" + ", ".join(f'"m{i}@team.example"' for i in range(MEMBERS)) + "]\n")


def seed_answers(db: Path, rng: random.Random) -> None:
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO questions (id, kind, category, prompt, answer) VALUES "
                 "('bench', 'callers', 'relation', 'p', 'a')")
    rows = []
    for n in range(ANSWERS):
        file, func = rng.randrange(FILES), rng.randrange(FUNCS)
        when = START + SPAN // 3 + rng.randrange(2 * SPAN // 3 - 86400)
        correct = rng.random() < 0.7
        rows.append((f"b{n}", "bench", f"m{rng.randrange(MEMBERS)}@team.example",
                     f"pkg.m{file}.f{file}_{func}",
                     time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(when)),
                     int(correct), 10.0, 3 if correct else 1))
    conn.executemany("INSERT INTO answers (id, question, person, symbol, answered_at, correct, "
                     "seconds, rating) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, env=ENV)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.decode()[-2000:])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    script = str(Path(sys.executable).parent / "comprehend")
    with tempfile.TemporaryDirectory(prefix="comprehend-team-bench-") as tmp:
        root = Path(tmp) / "team"
        t = time.perf_counter()
        build_repo(root, rng)
        subprocess.run([script, "scan", "--json"], cwd=root, capture_output=True, check=True, env=ENV)
        db = root / ".git" / "comprehend" / "comprehend.db"
        seed_answers(db, rng)
        print(f"generated {MEMBERS} members, {FILES * FUNCS} symbols, {COMMITS} commits, "
              f"{ANSWERS} answers in {time.perf_counter() - t:.1f} s")
        cold = timed([script, "team", "--json"], root)
        warm = statistics.median(timed([script, "team", "--json"], root) for _ in range(args.runs))
        floor_sql = statistics.median(timed([sys.executable, "-c", (
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
            "r=c.execute('SELECT * FROM answers').fetchall()"), str(db)], root) for _ in range(3))
        floor_git = statistics.median(timed(["git", "log", "--format=%H %ae %at"], root)
                                      for _ in range(3))
    floor = floor_sql + floor_git
    print(f"{'what':<44}{'seconds':>9}{'ratio':>8}")
    print(f"{'floor: read answers (sqlite) + git log':<44}{floor:>9.3f}{1.0:>8.2f}")
    print(f"{'comprehend team --json, cold (blame, replay)':<44}{cold:>9.3f}{cold / floor:>8.1f}")
    print(f"{'comprehend team --json, warm (median)':<44}{warm:>9.3f}{warm / floor:>8.1f}")
    verdict = "meets" if warm <= TARGET_SECONDS else "MISSES"
    print(f"target warm <= {TARGET_SECONDS:.1f} s: {verdict} ({warm:.3f} s)")
    return 0 if warm <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
