"""Quiz benchmark: how fast `comprehend quiz` makes proven questions on a real project, and
how many candidate targets it refuses and why.

    python benchmarks/quiz.py [--project django==5.2.7] [--count 20] [--seed 1]

Downloads the project's sdist from PyPI once into .benchmarks-cache/quiz/ (pip download
--no-deps --no-binary :all:), commits its files (package and tests) into a fresh git
repository there (the sdist's tests come with it; nothing is installed into any
environment: kinds that run code import the package from their copy of the repository).
Then, each in a fresh interpreter:
  cold   an empty store: the graph is parsed, history classified, the best files blamed
  warm   the same store again (a team's second session)
and prints for each: time to plan (graph, targets), time to the first question, time to
`--count` questions, questions per second, and the refused candidates grouped by reason.
The floor beside it is the warm graph load alone: what any session pays before asking.
The sdist is one commit, so history kinds refuse for lack of history: that is reported,
not hidden."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".benchmarks-cache" / "quiz"
IDENTITY = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}

_MEASURE = """
import json, sys, time
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
        first = time.perf_counter()
    kinds[q.kind] += 1
end = time.perf_counter()
print(json.dumps({"files": len(plan.ctx.graph.files), "targets": len(plan.targets),
                  "plan": planned - start, "first": (first or end) - start, "total": end - start,
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


def measure(repo: Path, db: Path, count: int, seed: int) -> dict:
    env = {**os.environ, **IDENTITY, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(repo), str(db), str(count), str(seed)],
                         env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="django==5.2.7", help="NAME==VERSION of a PyPI sdist")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    repo = repository(download(args.project))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.db"
        runs = {"cold": measure(repo, db, args.count, args.seed), "warm": measure(repo, db, args.count, args.seed)}
        env = {**os.environ, **IDENTITY, "PYTHONPATH": str(ROOT)}
        floor = float(subprocess.run([sys.executable, "-c", _FLOOR, str(repo), str(db)], env=env,
                                     capture_output=True, text=True, check=True).stdout)
    print(f"{args.project}: {runs['warm']['files']} files, {runs['warm']['targets']} candidate targets")
    print(f"{'run':<6}{'plan s':>8}{'first s':>9}{'total s':>9}{'questions':>11}{'q/s':>7}")
    for name, r in runs.items():
        rate = r["questions"] / r["total"] if r["total"] else 0.0
        print(f"{name:<6}{r['plan']:>8.2f}{r['first']:>9.2f}{r['total']:>9.2f}{r['questions']:>11}{rate:>7.1f}")
    print(f"floor  warm graph load alone: {floor:.2f} s")
    warm = runs["warm"]
    attempts = warm["questions"] + sum(warm["refused"].values())
    print(f"kinds asked: {dict(sorted(warm['kinds'].items()))}")
    print(f"refused: {sum(warm['refused'].values())} of {attempts} attempts "
          f"({100 * sum(warm['refused'].values()) / max(attempts, 1):.0f}%)")
    for reason, n in sorted(warm["refused"].items(), key=lambda item: -item[1]):
        print(f"  {n:>4}  {reason}")


if __name__ == "__main__":
    main()
