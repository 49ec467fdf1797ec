"""Code graph benchmark: our cold and warm builds of Django's package beside grimp's import
graph of the same package, and how far the two agree on module-level import edges.

    python benchmarks/graph.py [--django 5.2.7] [--runs 5]

Downloads Django's sdist from PyPI once into .benchmarks-cache/ (ignored by git), makes a
git repository of its django/ Python files there, then times, in one run, each measurement
in a fresh interpreter (imports not timed):
  cold   build_graph with an empty store: parse every file (worker processes), resolve
  warm   build_graph again on the same store: nothing changed, nothing parsed
  .g     the warm graph's networkx MultiDiGraph, built on first use (networkx import included)
  grimp  grimp.build_graph("django", cache_dir=None): the import graph only
  floor  tree-sitter alone on the same files, split over every core in forked processes:
         parse only, then parse plus one walk of our facts query (the least any
         tree-sitter graph can do), with the files' bytes already in memory
Needs grimp: pip install -e '.[bench]'."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".benchmarks-cache"
IDENTITY = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def sdist(version: str) -> Path:
    archive = CACHE / f"django-{version}.tar.gz"
    if not archive.exists():
        CACHE.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", f"django=={version}", "-d", str(CACHE)], check=True)
    source = CACHE / f"django-{version}"
    if not (source / "django" / "__init__.py").exists():
        with tarfile.open(archive) as tar:
            tar.extractall(CACHE, filter="data")
    return source


def repository(source: Path, version: str) -> Path:
    """A git repository holding the django/ package's .py files: what grimp reads."""
    repo = CACHE / f"django-{version}-py-repo"
    if (repo / ".git").exists():
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    for path in (source / "django").rglob("*.py"):
        target = repo / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    env = {**os.environ, **IDENTITY}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", f"Django {version}"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    return repo


# Each measurement runs in a fresh interpreter, as a user's command does; the imports are
# not timed, the call is.
_OURS = """
import json, sys, time
from pathlib import Path
from comprehend.config import Config
from comprehend.graph.build import build_graph
from comprehend.git import open_repository
from comprehend.store import open_store
repo = open_repository(sys.argv[1])
with open_store(Path(sys.argv[2])) as store:
    start = time.perf_counter()
    graph = build_graph(repo, Config(), store)
    built = time.perf_counter() - start
    start = time.perf_counter()
    graph.g
    materialized = time.perf_counter() - start
imports = sorted([s, d] for s, d, a in graph.edges
                 if a["kind"] == "imports" and graph.nodes[d]["kind"] != "external")
print(json.dumps({"seconds": built, "g": materialized, "parsed": graph.stats["parsed_now"],
                  "nodes": len(graph.nodes), "edges": len(graph.edges),
                  "files": graph.stats["by_language"].get("python", 0), "imports": imports}))
"""
_GRIMP = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import grimp
start = time.perf_counter()
graph = grimp.build_graph("django", cache_dir=None)
seconds = time.perf_counter() - start
imports = sorted([m, t] for m in graph.modules for t in graph.find_modules_directly_imported_by(m))
print(json.dumps({"seconds": seconds, "imports": imports}))
"""


_FLOOR = """
import json, os, sys, time
from pathlib import Path
from tree_sitter import QueryCursor
from comprehend.graph.languages import parser, query
files = sorted((p.read_bytes() for p in Path(sys.argv[1]).rglob("*.py")), key=len, reverse=True)
python, facts = parser("python"), query("python", "facts")
cores = len(os.sched_getaffinity(0))
result = {}
for label, walk in (("parse", False), ("walk", True)):
    start = time.perf_counter()
    children = []
    for worker in range(cores):
        pid = os.fork()
        if pid == 0:
            for data in files[worker::cores]:
                tree = python.parse(data)
                if walk:
                    QueryCursor(facts).matches(tree.root_node)
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    result[label] = time.perf_counter() - start
print(json.dumps(result))
"""


def measure(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--django", default="5.2.7")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    source = sdist(args.django)
    repo = repository(source, args.django)
    cold, warm, grimp, floor = [], [], [], []
    for _ in range(args.runs):
        floor.append(measure(_FLOOR, str(repo)))
        with tempfile.TemporaryDirectory() as folder:
            store = str(Path(folder) / "store.db")
            cold.append(measure(_OURS, str(repo), store))
            warm.append(measure(_OURS, str(repo), store))
            assert warm[-1]["parsed"] == 0, "the warm build parsed files"
        grimp.append(measure(_GRIMP, str(source)))

    ours = {tuple(edge) for edge in cold[-1]["imports"]}
    theirs = {tuple(edge) for edge in grimp[-1]["imports"]}
    agreed = ours & theirs
    precision = len(agreed) / len(ours) if ours else 0.0
    recall = len(agreed) / len(theirs) if theirs else 0.0

    def median(runs: list[dict], key: str = "seconds") -> float:
        return statistics.median(run[key] for run in runs)

    cold_s, warm_s, g_s, grimp_s = median(cold), median(warm), median(warm, "g"), median(grimp)
    parse_s, walk_s = median(floor, "parse"), median(floor, "walk")
    last = cold[-1]
    print(f"Django {args.django}: {last['files']} Python files, {last['nodes']} nodes, {last['edges']} "
          f"edges (median of {args.runs} runs, each in a fresh interpreter, {os.cpu_count()} CPUs)")
    print(f"{'':24}{'seconds':>10}{'x grimp':>10}  target")
    print(f"{'grimp (imports only)':24}{grimp_s:>10.3f}{1.0:>10.1f}")
    print(f"{'comprehend cold':24}{cold_s:>10.3f}{cold_s / grimp_s:>10.1f}  <= 3x grimp")
    print(f"{'comprehend warm':24}{warm_s:>10.3f}{warm_s / grimp_s:>10.1f}  <= 0.2 s")
    print(f"{'  + networkx .g':24}{g_s:>10.3f}{'':>10}  (on first use, import included)")
    print(f"{'tree-sitter parse only':24}{parse_s:>10.3f}{parse_s / grimp_s:>10.1f}  floor: no facts read")
    print(f"{'  + one query walk':24}{walk_s:>10.3f}{walk_s / grimp_s:>10.1f}  floor of any tree-sitter graph")
    print(f"comprehend cold is {cold_s / walk_s:.2f}x the tree-sitter floor")
    print(f"import edges: ours {len(ours)}, grimp {len(theirs)}, agreed {len(agreed)}; "
          f"precision {precision:.4f}, recall {recall:.4f} (target >= 0.98 each)")
    for label, extra in (("only ours", sorted(ours - theirs)), ("only grimp", sorted(theirs - ours))):
        if extra:
            shown = ", ".join(f"{a} -> {b}" for a, b in extra[:5])
            print(f"  {label} ({len(extra)}): {shown}{' ...' if len(extra) > 5 else ''}")


if __name__ == "__main__":
    main()
