"""`comprehend graph` as a user runs it: a subprocess on a real temporary repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo
from graphkit import commit_files

FILES = {
    "pkg/__init__.py": "",
    "pkg/a.py": "from pkg.b import helper\n\n\ndef run():\n    return helper()\n",
    "pkg/b.py": "import os\n\n\ndef helper():\n    return os.sep\n",
}


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(repo: GitRepo) -> GitRepo:
    commit_files(repo, FILES)
    return repo


def test_json_is_node_link_data(project: GitRepo, clean_env: dict[str, str]) -> None:
    proc = run(["graph"], project.path, clean_env)
    assert (proc.returncode, proc.stderr) == (0, "")
    data = json.loads(proc.stdout)
    assert (data["directed"], data["multigraph"]) == (True, True)
    assert {n["id"]: n["kind"] for n in data["nodes"]} == {
        "pkg": "package", "pkg.a": "module", "pkg.b": "module", "pkg.a.run": "function",
        "pkg.b.helper": "function", "external:os": "external"}
    assert {n["id"]: n["path"] for n in data["nodes"]}["pkg.a.run"] == "pkg/a.py"
    assert {(e["source"], e["target"], e["kind"]) for e in data["edges"]} == {
        ("pkg", "pkg.a", "contains"), ("pkg", "pkg.b", "contains"), ("pkg.a", "pkg.a.run", "contains"),
        ("pkg.b", "pkg.b.helper", "contains"), ("pkg.a", "pkg.b", "imports"),
        ("pkg.b", "external:os", "imports"), ("pkg.a.run", "pkg.b.helper", "calls")}


def test_module_level_dot(project: GitRepo, clean_env: dict[str, str]) -> None:
    proc = run(["graph", "--format", "dot", "--level", "module"], project.path, clean_env)
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0] == "digraph code {"
    assert lines[-1] == "}"
    assert '  "pkg.a" -> "pkg.b" [label="imports", style=dashed];' in lines
    assert not any("pkg.a.run" in line for line in lines)


def test_focus_with_depth_in_mermaid(project: GitRepo, clean_env: dict[str, str]) -> None:
    proc = run(["graph", "--format", "mermaid", "--focus", "helper", "--depth", "1"], project.path, clean_env)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        "flowchart LR",
        '  n0[/"pkg.b"/]',
        '  n1["pkg.a.run"]',
        '  n2["pkg.b.helper"]',
        "  n0 -.->|contains| n2",
        "  n1 -->|calls| n2",
    ]


def test_graphml_to_a_file(project: GitRepo, tmp_path: Path, clean_env: dict[str, str]) -> None:
    target = tmp_path / "graph.graphml"
    proc = run(["graph", "--format", "graphml", "--output", str(target)], project.path, clean_env)
    assert (proc.returncode, proc.stdout) == (0, "")
    assert proc.stderr == f"comprehend: wrote 6 nodes and 7 edges to {target}\n"
    text = target.read_text()
    assert text.startswith("<?xml")
    assert '<node id="pkg.a.run">' in text


@pytest.mark.parametrize(("args", "message"), [
    (["--focus", "nowhere"], "comprehend: --focus nowhere: no such node; list ids with `comprehend graph --format json`\n"),
    (["--rev", "no-such-ref"], "comprehend: --rev 'no-such-ref': no such commit in {root}\n"),
    (["--worktree", "--rev", "HEAD"], "comprehend: --worktree reads the working tree and --rev a commit: pass one of them\n"),
    (["--output", "{missing}/out.json"], "comprehend: --output {missing}/out.json: cannot write (No such file or directory); pass a writable path\n"),
])
def test_bad_input_is_one_line_and_exit_2(project: GitRepo, tmp_path: Path, clean_env: dict[str, str],
                                          args: list[str], message: str) -> None:
    missing = tmp_path / "missing"
    args = [a.format(missing=missing) for a in args]
    proc = run(["graph", *args], project.path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == message.format(root=project.path, missing=missing)
    assert "Traceback" not in proc.stderr


def test_worktree_graph_sees_uncommitted_code(project: GitRepo, clean_env: dict[str, str]) -> None:
    (project.path / "pkg" / "c.py").write_text("def fresh():\n    pass\n")
    committed = json.loads(run(["graph"], project.path, clean_env).stdout)
    worktree = json.loads(run(["graph", "--worktree"], project.path, clean_env).stdout)
    assert "pkg.c.fresh" not in {n["id"] for n in committed["nodes"]}
    assert "pkg.c.fresh" in {n["id"] for n in worktree["nodes"]}


def test_not_a_repository(tmp_path: Path, clean_env: dict[str, str]) -> None:
    proc = run(["graph", str(tmp_path)], tmp_path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == f"comprehend: {tmp_path}: not a git repository; run inside one or pass its path\n"
