"""Code graph benchmark: our cold and warm builds of Django's package beside grimp's import
graph of the same package, and how far the two agree on module-level import edges.

    python benchmarks/graph.py [--django 5.2.7] [--runs 3]

Downloads Django's sdist from PyPI once into .benchmarks-cache/ (ignored by git), makes a
git repository of its django/ Python files there, then times, in one run:
  cold   build_graph with an empty store: parse every file (worker processes), resolve
  warm   build_graph again on the same store: nothing changed, nothing parsed
  g      materializing the networkx MultiDiGraph of the warm graph (done on first use)
  grimp  grimp.build_graph("django", cache_dir=None): the import graph only
Needs grimp: pip install -e '.[bench]'."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
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


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--django", default="5.2.7")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import grimp

    from comprehend.config import Config
    from comprehend.graph.build import build_graph
    from comprehend.history.git import open_repository
    from comprehend.store import open_store

    source = sdist(args.django)
    repo = open_repository(repository(source, args.django))
    config = Config()
    cold_times, warm_times, g_times, grimp_times = [], [], [], []
    graph = None
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            with open_store(Path(folder) / "store.db") as store:
                seconds, graph = timed(lambda: build_graph(repo, config, store))
                cold_times.append(seconds)
                seconds, warm = timed(lambda: build_graph(repo, config, store))
                warm_times.append(seconds)
                assert warm.stats["parsed_now"] == 0
                g_times.append(timed(lambda warm=warm: warm.g)[0])
        sys.path.insert(0, str(source))
        seconds, imports = timed(lambda: grimp.build_graph("django", cache_dir=None))
        grimp_times.append(seconds)
        sys.path.remove(str(source))

    ours = {(src, dst) for src, dst, data in graph.edges
            if data["kind"] == "imports" and graph.nodes[dst]["kind"] != "external"}
    theirs = {(module, target) for module in imports.modules
              for target in imports.find_modules_directly_imported_by(module)}
    agreed = ours & theirs
    precision = len(agreed) / len(ours) if ours else 0.0
    recall = len(agreed) / len(theirs) if theirs else 0.0

    cold, warm_s, g_s, grimp_s = (statistics.median(t) for t in (cold_times, warm_times, g_times, grimp_times))
    files = graph.stats["by_language"].get("python", 0)
    print(f"Django {args.django}: {files} Python files, {len(graph.nodes)} nodes, {len(graph.edges)} edges "
          f"(median of {args.runs} runs, {os.cpu_count()} CPUs)")
    print(f"{'':24}{'seconds':>10}{'x grimp':>10}  target")
    print(f"{'grimp (imports only)':24}{grimp_s:>10.3f}{1.0:>10.1f}")
    print(f"{'comprehend cold':24}{cold:>10.3f}{cold / grimp_s:>10.1f}  <= 3x grimp")
    print(f"{'comprehend warm':24}{warm_s:>10.3f}{warm_s / grimp_s:>10.1f}  <= 0.2 s")
    print(f"{'  + networkx .g':24}{g_s:>10.3f}")
    print(f"import edges: ours {len(ours)}, grimp {len(theirs)}, agreed {len(agreed)}; "
          f"precision {precision:.4f}, recall {recall:.4f} (target >= 0.98 each)")
    for label, extra in (("only ours", sorted(ours - theirs)), ("only grimp", sorted(theirs - ours))):
        if extra:
            shown = ", ".join(f"{a} -> {b}" for a, b in extra[:5])
            print(f"  {label} ({len(extra)}): {shown}{' ...' if len(extra) > 5 else ''}")


if __name__ == "__main__":
    main()
