"""Benchmark: `comprehend check` against catchscore 0.1 and mutmut 3.8 on one AI-style change,
the cost of isolating the tests, and a project with a generated `_version.py`.

    python benchmarks/adversary.py [--jobs N] [--keep] [--only peers|isolation]

The target is a real project from PyPI whose sdist ships its tests (more-itertools 11.2.1).
Its sdist becomes the first commit of a git repository; a second commit, made the way an
AI agent's commit looks, seeds:
  - a subtle bug: sliced(..., strict=True) no longer raises for a short last slice;
  - the test that caught it, rewritten to expect the buggy result;
  - a new function, clamp_each(), with weak tests in a new file (truthiness, "something
    came back").
Each tool then reviews HEAD~1..HEAD in its own clone of that repository, in one run, with
the same number of parallel jobs, and the script prints the time, the mutants run, the
surviving mutants (by line) and the test smells each found, with the ratios to comprehend.
mutmut is restricted to the functions the change touched.

Isolation: the same seeded change checked by this checkout's comprehend (run with the
python running this script, which must have pytest) with `[adversary] isolation = "auto"`
(namespaces where the kernel allows them) and `"off"` (environment, limits and kill only),
alternating, best of two each; the target is under 10 % more time isolated. Then a small
project whose package imports a git-ignored, generated `_version.py` (as setuptools-scm and
hatch-vcs write it): the check must run its mutants (before, its baseline failed).

The first run creates .benchmarks-cache/adversary/venv (comprehend with its `bench` extra,
from this checkout) and downloads the sdist; later runs reuse both. `--only isolation`
needs only the sdist.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".benchmarks-cache" / "adversary"
VENV = CACHE / "venv"
PROJECT, VERSION = "more-itertools", "11.2.1"
PACKAGE = "more_itertools"

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C",
    "GIT_AUTHOR_NAME": "Bo Maintainer", "GIT_AUTHOR_EMAIL": "bo@example.org",
    "GIT_COMMITTER_NAME": "Bo Maintainer", "GIT_COMMITTER_EMAIL": "bo@example.org",
    "GIT_AUTHOR_DATE": "2026-03-02T10:00:00+00:00", "GIT_COMMITTER_DATE": "2026-03-02T10:00:00+00:00",
}

# The seeded change: (file, text before, text after). Each `before` must occur exactly once.
BUG = ("more_itertools/more.py",
       """                if len(_slice) != n:
                    raise ValueError("seq is not divisible by n.")""",
       """                if len(_slice) > n:
                    raise ValueError("seq is not divisible by n.")""")
REWRITTEN_TEST = ("tests/test_more.py",
                  """        with self.assertRaises(ValueError):
            list(mi.sliced(seq, 4, strict=True))""",
                  """        self.assertEqual(
            list(mi.sliced(seq, 4, strict=True)),
            [['A', 'B', 'C', 'D'], ['E', 'F', 'G', 'H'], ['I']],
        )""")
EXPORT = ("more_itertools/more.py", "    'chunked_even',\n", "    'chunked_even',\n    'clamp_each',\n")
NEW_FUNCTION = ("more_itertools/more.py", "\ndef sliced(seq, n, strict=False):", '''
def clamp_each(iterable, low, high):
    """Yield each item of *iterable* limited to the range from *low* to *high*.

    >>> list(clamp_each([-5, 0, 5, 10, 15], 0, 10))
    [0, 0, 5, 10, 10]

    """
    if low > high:
        raise ValueError('low must not be greater than high')
    for item in iterable:
        if item < low:
            yield low
        elif item > high:
            yield high
        else:
            yield item


def sliced(seq, n, strict=False):''')
# Weak tests for the new function, in a new file, the way agents usually write them.
WEAK_TESTS = ("tests/test_clamp_each.py", '''import more_itertools as mi


def test_returns_something():
    assert mi.clamp_each([1, 2, 3], 0, 10) is not None


def test_has_values():
    assert len(list(mi.clamp_each([-5, 5, 50], 0, 10))) > 0


def test_inside_the_range():
    assert list(mi.clamp_each([1, 2], 0, 10)) == [1, 2]
''')
AI_MESSAGE = """Make sliced(strict=True) lenient about the last slice; add clamp_each

Generated with Claude Code

Co-Authored-By: Claude <noreply@anthropic.com>
"""


@dataclass
class Result:
    tool: str
    seconds: float
    mutants: int  # mutants actually run against tests
    survivor_lines: set[tuple[str, int]] = field(default_factory=set)
    smells: list[str] = field(default_factory=list)  # "rule: test or file:line"
    detail: str = ""
    failed: str | None = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="parallel jobs for every tool (default: one per CPU core)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and print it")
    parser.add_argument("--only", choices=["peers", "isolation"], default=None,
                        help="run one part: the peers, or isolation and the generated-file project")
    args = parser.parse_args()

    python = ensure_venv() if args.only != "isolation" else Path(sys.executable)
    sdist = ensure_sdist(python)
    work = Path(tempfile.mkdtemp(prefix="comprehend-bench-"))
    try:
        origin = build_repository(sdist, work / "origin")
        changed = changed_functions(origin)
        print(f"{PROJECT} {VERSION}: seeded change touches {', '.join(changed)} "
              f"({count_changed_lines(origin)} added lines); {args.jobs} jobs per tool\n")
        if args.only != "isolation":
            results = [
                run_comprehend(clone(origin, work / "comprehend"), args.jobs),
                run_catchscore(clone(origin, work / "catchscore"), args.jobs),
                run_mutmut(clone(origin, work / "mutmut"), args.jobs, changed),
            ]
            report(results, added_lines(origin))
        if args.only != "peers":
            isolation_cost(clone(origin, work / "isolation"), args.jobs)
            generated_version(work / "generated", args.jobs)
    finally:
        if args.keep:
            print(f"\nwork folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


# Setup ---------------------------------------------------------------------------------


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        print(f"creating {VENV} (comprehend[bench], pytest) ...", flush=True)
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[bench]", "pytest"],
                       check=True)
        stamp.touch()
    return python


def ensure_sdist(python: Path) -> Path:
    folder = CACHE / f"{PACKAGE}-{VERSION}"
    if not folder.is_dir():
        download = CACHE / "download"
        subprocess.run([str(python), "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "-d", str(download), f"{PROJECT}=={VERSION}"], check=True)
        archive = next(download.glob(f"*{VERSION}.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(CACHE, filter="data")
    if not (folder / "tests").is_dir():
        raise SystemExit(f"{folder}: the sdist ships no tests/ folder")
    return folder


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV, **(env or {})},
                          input=input, capture_output=True, text=True, check=True).stdout


def build_repository(sdist: Path, path: Path) -> Path:
    shutil.copytree(sdist, path)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", f"Import {PROJECT} {VERSION}")
    for file, before, after in (BUG, REWRITTEN_TEST, EXPORT, NEW_FUNCTION):
        target = path / file
        text = target.read_text(encoding="utf-8")
        if text.count(before) != 1:
            raise SystemExit(f"{file}: the seed's anchor text is not there exactly once; "
                             f"{PROJECT} {VERSION} changed?")
        target.write_text(text.replace(before, after), encoding="utf-8")
    (path / WEAK_TESTS[0]).write_text(WEAK_TESTS[1], encoding="utf-8")
    git(path, "add", "-A")
    ai = {"GIT_AUTHOR_DATE": "2026-03-03T09:00:00+00:00", "GIT_COMMITTER_DATE": "2026-03-03T09:00:00+00:00"}
    git(path, "commit", "-q", "-F", "-", env=ai, input=AI_MESSAGE)
    return path


def clone(origin: Path, path: Path) -> Path:
    git(origin.parent, "clone", "-q", str(origin), str(path))
    return path


def changed_functions(repo: Path) -> list[str]:
    """Top-level functions (and classes) of the package holding lines the change added."""
    names = []
    for file, lines in added_lines(repo).items():
        if not file.startswith(f"{PACKAGE}/") or not file.endswith(".py"):
            continue
        tree = ast.parse((repo / file).read_text(encoding="utf-8"))
        module = file[:-3].replace("/", ".")
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and any(
                    node.lineno <= n <= (node.end_lineno or node.lineno) for n in lines):
                names.append(f"{module}.{node.name}")
    return names


def added_lines(repo: Path) -> dict[str, set[int]]:
    out = git(repo, "diff", "-U0", "HEAD~1", "HEAD")
    result: dict[str, set[int]] = {}
    file = None
    for line in out.splitlines():
        if line.startswith("+++ b/"):
            file = line[6:]
        elif line.startswith("@@") and file:
            start, _, count = line.split()[2][1:].partition(",")
            result.setdefault(file, set()).update(range(int(start), int(start) + int(count or 1)))
    return result


def count_changed_lines(repo: Path) -> int:
    return sum(len(v) for f, v in added_lines(repo).items() if f.startswith(f"{PACKAGE}/"))


def tool_env() -> dict[str, str]:
    env = {**os.environ, **GIT_ENV, "VIRTUAL_ENV": str(VENV), "PATH": f"{VENV / 'bin'}:{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    return env


def timed(argv: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    proc = subprocess.run(argv, cwd=cwd, env=tool_env(), capture_output=True, text=True)
    return proc, time.monotonic() - started


# The tools -----------------------------------------------------------------------------


def run_comprehend(repo: Path, jobs: int) -> Result:
    (repo / ".comprehend.toml").write_text(f"[adversary]\nworkers = {jobs}\n")
    proc, seconds = timed([str(VENV / "bin" / "comprehend"), "check", str(repo), "--base", "HEAD~1",
                           "--format", "json"], repo)
    (repo / ".comprehend.toml").unlink()
    if proc.returncode not in (0, 1):
        return Result("comprehend", seconds, 0, failed=proc.stderr.strip()[-300:])
    data = json.loads(proc.stdout)
    stats = data["run"].get("mutation") or {}
    survivors = {(f["file"], f["start_line"]) for f in data["findings"] if f["rule"] == "surviving-mutant"}
    smells = sorted(f"{f['rule']}: {f['evidence'].get('test') or f['file']}:{f['start_line']}"
                    for f in data["findings"] if f["rule"] != "surviving-mutant")
    run = sum(stats.get(k, 0) for k in ("killed", "survived", "timed_out"))
    detail = (f"{stats.get('mutants', 0)} generated, {stats.get('skipped', 0)} skipped "
              "(a line stops at its first survivor)")
    return Result("comprehend", seconds, run, survivors, smells, detail)


def run_catchscore(repo: Path, jobs: int) -> Result:
    python = VENV / "bin" / "python"
    proc, seconds = timed([str(VENV / "bin" / "catchscore"), "--base", "HEAD~1", "--repo", str(repo),
                           "--json", "--max-mutants", "100000", "--jobs", str(jobs),
                           "--pytest", f"{python} -m pytest"], repo)
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return Result("catchscore", seconds, 0, failed=(proc.stderr or proc.stdout).strip()[-300:])
    survivors = {(s["path"], int(s["line"])) for s in data.get("survivors", [])}
    smells = sorted(f"{f.get('kind')}: {f.get('detail')}" for f in data.get("integrity", []))
    return Result("catchscore", seconds, int(data.get("injected") or 0), survivors, smells,
                  f"{len(data.get('survivors', []))} surviving mutants")


def run_mutmut(repo: Path, jobs: int, functions: list[str]) -> Result:
    with (repo / "setup.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[mutmut]\nsource_paths = {PACKAGE}/\npytest_add_cli_args_test_selection = tests/\n")
    patterns = [_mutmut_glob(name) for name in functions]
    started = time.monotonic()
    proc = subprocess.run([str(VENV / "bin" / "mutmut"), "run", "--max-children", str(jobs), *patterns],
                          cwd=repo, env=tool_env(), capture_output=True, text=True)
    seconds = time.monotonic() - started
    listing = subprocess.run([str(VENV / "bin" / "mutmut"), "results", "--all", "true"], cwd=repo,
                             env=tool_env(), capture_output=True, text=True).stdout
    statuses = {}
    for line in listing.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and any(fnmatch(name, p) for p in patterns):
            statuses[name] = status
    if not statuses:
        return Result("mutmut", seconds, 0, failed=(proc.stdout + proc.stderr).strip()[-300:])
    survived = [n for n, s in statuses.items() if s in ("survived", "no tests")]
    lines = set()
    for name in survived:
        shown = subprocess.run([str(VENV / "bin" / "mutmut"), "show", name], cwd=repo, env=tool_env(),
                               capture_output=True, text=True).stdout
        lines |= _mutmut_lines(repo, name, shown)
    ran = sum(1 for s in statuses.values() if s in ("killed", "survived", "timeout", "suspicious"))
    return Result("mutmut", seconds, ran, lines, [], f"{len(survived)} surviving mutants")


def _mutmut_glob(qualified: str) -> str:
    module, _, name = qualified.rpartition(".")
    return f"{module}.x_{name}__mutmut_*"


def _mutmut_lines(repo: Path, name: str, diff: str) -> set[tuple[str, int]]:
    """The source lines a mutmut mutant changes. `mutmut show` numbers its hunks from the
    function's `def` line (line 1)."""
    module, _, rest = name.partition(".x_")
    function = rest.split("__mutmut_", 1)[0]
    file = module.replace(".", "/") + ".py"
    source = (repo / file).read_text(encoding="utf-8").splitlines()
    start = next(i for i, text in enumerate(source, 1) if re.match(rf"def {re.escape(function)}\b", text))
    found = set()
    old = None
    for line in diff.splitlines():
        hunk = re.match(r"^@@ -(\d+)", line)
        if hunk:
            old = int(hunk.group(1))
        elif old is None or line.startswith(("---", "+++")):
            continue
        elif line.startswith("-"):
            found.add((file, start + old - 1))
            old += 1
        elif not line.startswith("+"):
            old += 1
    return found


# Isolation and generated files ---------------------------------------------------------


def this_checkout(repo: Path, config: str, *args: str) -> tuple[dict, float]:
    """`comprehend check` of this checkout on HEAD~1..HEAD, tests with this script's python."""
    (repo / ".comprehend.toml").write_text(config)
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT), "COMPREHEND_PYTHON": sys.executable,
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "comprehend", "check", str(repo), "--base", "HEAD~1",
                           "--all-authors", "--format", "json", *args], cwd=repo, env=env,
                          capture_output=True, text=True)
    seconds = time.monotonic() - started
    (repo / ".comprehend.toml").unlink()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"comprehend check failed (exit {proc.returncode}): {proc.stderr.strip()[-400:]}")
    return json.loads(proc.stdout), seconds


def _ran(stats: dict) -> int:
    return sum(stats.get(k, 0) for k in ("killed", "survived", "timed_out"))


def isolation_cost(repo: Path, jobs: int) -> None:
    times: dict[str, list[float]] = {"auto": [], "off": []}
    held = ""
    ran = {}
    for _ in range(2):
        for mode in ("auto", "off"):
            data, seconds = this_checkout(repo, f'[adversary]\nworkers = {jobs}\nisolation = "{mode}"\n')
            times[mode].append(seconds)
            ran[mode] = _ran(data["run"]["mutation"] or {})
            if mode == "auto":
                held = data["run"]["environment"].get("isolation", "")
    best = {mode: min(ts) for mode, ts in times.items()}
    extra = best["auto"] / best["off"] - 1
    print(f"\nisolation cost on the seeded change ({jobs} workers, best of 2, alternating):")
    print(f"  isolated, {held}: {best['auto']:.1f} s ({ran['auto']} mutants ran)")
    print(f"  isolation = \"off\" (environment, limits and kill only): {best['off']:.1f} s "
          f"({ran['off']} mutants ran)")
    print(f"  cost of isolation: {extra * 100:+.1f} % (target < 10 %)")


def generated_version(path: Path, jobs: int) -> None:
    """A setuptools-scm style project: the package imports a git-ignored `_version.py`."""
    path.mkdir(parents=True)
    ops = "def clamp(x, low, high):\n    return max(low, min(x, high))\n"
    test = "import vpkg\n\n\ndef test_clamp():\n    assert vpkg.clamp(5, 0, 3) == 3\n"
    files = {
        ".gitignore": "src/vpkg/_version.py\n",
        "pyproject.toml": '[project]\nname = "vpkg"\ndynamic = ["version"]\n\n[tool.setuptools_scm]\n'
                          'version_file = "src/vpkg/_version.py"\n',
        "src/vpkg/__init__.py": "from vpkg._version import __version__\nfrom vpkg import ops\n"
                                "from vpkg.ops import clamp\n",
        "src/vpkg/ops.py": ops,
        "tests/test_ops.py": test,
    }
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "base")
    (path / "src/vpkg/_version.py").write_text("__version__ = version = '0.1.dev1+g0000000'\n")
    (path / "src/vpkg/ops.py").write_text(ops + "\n\ndef span(low, high):\n    if high < low:\n"
                                          "        raise ValueError('empty')\n    return high - low\n")
    (path / "tests/test_ops.py").write_text(test + "\n\ndef test_span():\n    assert vpkg.ops.span(2, 5) == 3\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Add span")
    data, seconds = this_checkout(path, f"[adversary]\nworkers = {jobs}\n")
    stats = data["run"]["mutation"] or {}
    copied = [n for n in data["run"]["notes"] if n.startswith("sandbox:")]
    print(f"\ngenerated _version.py project: verdict {data['verdict']}, {_ran(stats)} mutants ran "
          f"({stats.get('survived', 0)} survived) in {seconds:.1f} s; {copied[0] if copied else 'NOTHING COPIED'}")



# Report --------------------------------------------------------------------------------


def report(results: list[Result], added: dict[str, set[int]]) -> None:
    ours = results[0]
    print(f"{'tool':<12}{'seconds':>9}{'x ours':>8}{'mutants run':>13}{'survivor lines':>16}{'smells':>8}")
    for r in results:
        if r.failed:
            print(f"{r.tool:<12}{r.seconds:>9.1f}   failed: {r.failed}")
            continue
        ratio = ours.seconds / r.seconds if r.seconds else 0.0
        print(f"{r.tool:<12}{r.seconds:>9.1f}{ratio:>8.2f}{r.mutants:>13}{len(r.survivor_lines):>16}{len(r.smells):>8}"
              f"   {r.detail}")
    print("\n('x ours' is comprehend's time divided by the tool's: the target is <= 0.5 for each peer)")
    print(f"\ncomprehend survivor lines: {_lines(ours.survivor_lines)}")
    for peer in results[1:]:
        if peer.failed:
            continue
        in_diff = {(f, n) for f, n in peer.survivor_lines if n in added.get(f, set())}
        missed = in_diff - ours.survivor_lines
        print(f"{peer.tool} survivor lines: {_lines(peer.survivor_lines)}")
        if in_diff != peer.survivor_lines:
            print(f"  of which on lines the change added: {_lines(in_diff) or 'none'}")
        print(f"  on added lines, found by {peer.tool} and not by comprehend: {_lines(missed) or 'none'}")
    print("\ncomprehend smells:")
    for s in ours.smells:
        print(f"  {s}")
    for peer in results[1:]:
        if peer.smells:
            print(f"{peer.tool} smells:")
            for s in peer.smells:
                print(f"  {s}")
    rewritten = any(s.startswith("rewritten-expectation") for s in ours.smells)
    print(f"\nthe rewritten expectation (test_odd_and_strict) found by comprehend: {'yes' if rewritten else 'NO'}")


def _lines(lines: set[tuple[str, int]]) -> str:
    by_file: dict[str, list[int]] = {}
    for file, line in sorted(lines):
        by_file.setdefault(file, []).append(line)
    return "; ".join(f"{f} {', '.join(map(str, ns))}" for f, ns in by_file.items())


if __name__ == "__main__":
    main()
