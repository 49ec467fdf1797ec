"""Architecture boundaries of DESIGN.md, checked on the source."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "comprehend"


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_policy" not in p.parts)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_only_git_module_runs_git() -> None:
    runs_git = re.compile(r"""\[\s*["']git["']""")
    offenders = [relative(p) for p in sources() if runs_git.search(p.read_text())]
    assert offenders == ["comprehend/git.py"]


def test_only_store_writes_sql() -> None:
    # A module that talks to SQLite imports it or holds SQL statements.
    sql = re.compile(
        r"^\s*(import sqlite3|import sqlite_utils|from sqlite3|from sqlite_utils)"
        r"|[\"'](SELECT .+ FROM|INSERT (OR \w+ )?INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)",
        re.MULTILINE,
    )
    offenders = [
        relative(p) for p in sources()
        if sql.search(p.read_text()) and not relative(p).startswith("comprehend/store/")
    ]
    assert offenders == []


def test_only_llm_imports_litellm() -> None:
    imports = re.compile(r"^\s*(import litellm|from litellm)", re.MULTILINE)
    offenders = [relative(p) for p in sources() if imports.search(p.read_text())]
    assert offenders in ([], ["comprehend/llm.py"])


def test_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", proc.stdout), proc.stdout


def test_wheel_ships_the_policy_folders(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("comprehend-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_policy = {
        f"comprehend/_policy/{p.relative_to(ROOT).as_posix()}"
        for folder in ("adversary", "quizzes")
        for p in (ROOT / folder).rglob("*") if p.is_file()
    }
    assert shipped_policy <= names
    assert "comprehend/_policy/adversary/README.md" in names
    assert "comprehend/cli.py" in names
    assert not any(n.startswith("tests/") for n in names)


def test_ruff_finds_nothing() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    proc = subprocess.run([str(ruff), "check", "--no-cache", "comprehend", "tests", "benchmarks"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout.strip().splitlines()[-1:]) == (0, ["All checks passed!"])


def test_no_import_cycles_between_modules() -> None:
    import grimp
    import networkx

    graph = grimp.build_graph("comprehend")
    edges = networkx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    cycles = [sorted(c) for c in networkx.strongly_connected_components(edges) if len(c) > 1]
    assert cycles == []



def test_no_class_is_longer_than_a_sitting() -> None:
    import ast

    long_classes = [
        f"{relative(p)}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for p in sources()
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > 420
    ]
    assert long_classes == []
