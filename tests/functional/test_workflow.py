"""The documented GitHub workflow, run: the README's workflow and action.yml's steps, read
with a YAML parser, on a real fixture whose tests need a package only the project's own
environment has. The tests must run with that environment, not with comprehend's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[2]


def readme_workflow() -> dict:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(# \.github/workflows/comprehend\.yml\n.*?)```", readme, re.S)
    assert block is not None
    return yaml.safe_load(block.group(1))


def project_environment(tmp_path: Path) -> Path:
    """A virtualenv standing for the project's environment: pytest (through a .pth to this
    environment's packages) and `extlib`, which comprehend's own python does not have."""
    venv = tmp_path / "project-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    deps = tmp_path / "deps"
    deps.mkdir()
    (deps / "extlib.py").write_text("def scale(x, k):\n    return x * k\n")
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "project.pth").write_text(f"{sysconfig.get_paths()['purelib']}\n{deps}\n")
    return venv


def fixture_repo(path: Path) -> GitRepo:
    repo = GitRepo.create(path)
    repo.write("calc/__init__.py", "")
    repo.write("calc/ops.py", "from extlib import scale\n\n\ndef double(x):\n    return scale(x, 2)\n")
    repo.write("tests/test_ops.py", "from calc.ops import double\n\n\ndef test_double():\n"
                                    "    assert double(3) == 6\n")
    repo.commit("base")
    repo.write("calc/ops.py", "from extlib import scale\n\n\ndef double(x):\n    return scale(x, 2)\n\n\n"
                              "def triple(x):\n    return x * 3\n")
    repo.write("tests/test_ops.py", "from calc.ops import double, triple\n\n\ndef test_double():\n"
                                    "    assert double(3) == 6\n\n\ndef test_triple():\n"
                                    "    assert triple(2) == 6\n    assert triple(-1) == -3\n")
    repo.commit("Add triple")
    return repo


def evaluate(expression: str, context: dict[str, str]) -> str:
    """A GitHub expression as the action uses them: names and 'literals' joined by ||."""
    for part in expression.split("||"):
        part = part.strip()
        value = part[1:-1] if part.startswith("'") else context.get(part, "")
        if value:
            return value
    return ""


def substitute(text: str, context: dict[str, str]) -> str:
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: evaluate(m.group(1), context), text)


def run_action(action: dict, inputs: dict[str, str], workdir: Path, tmp_path: Path,
               path: str, comprehend_shim: Path) -> tuple[dict[str, str], int]:
    """The action's steps in order: `run` steps verbatim in bash; setup-python (comprehend's
    own python, not put on PATH) and the install step (this checkout instead of pip) stand in."""
    context = {f"inputs.{k}": v["default"] for k, v in action["inputs"].items()}
    context.update({f"inputs.{k}": v for k, v in inputs.items()})
    context["github.action_path"] = str(ROOT)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    code = 0
    for number, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{number}")
        if step.get("uses", "").startswith("actions/setup-python"):
            assert step["with"]["update-environment"] is False  # the project's python stays on PATH
            context[f"steps.{step_id}.outputs.python-path"] = sys.executable
            continue
        if "uses" in step:
            continue  # the SARIF upload
        if step.get("name") == "Install comprehend":
            context[f"steps.{step_id}.outputs.bin"] = str(comprehend_shim.parent)
            continue
        output = tmp_path / f"output-{number}"
        output.write_text("")
        env = {**os.environ, "PATH": path, "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(output),
               "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        env.pop("VIRTUAL_ENV", None)
        env.update({k: substitute(str(v), context) for k, v in step.get("env", {}).items()})
        done = subprocess.run(["bash", "-e", "-c", substitute(step["run"], context)], cwd=workdir, env=env,
                              capture_output=True, text=True, timeout=300)
        for line in output.read_text().splitlines():
            key, _, value = line.partition("=")
            context[f"steps.{step_id}.outputs.{key}"] = value
        context[f"steps.{step_id}.stderr"] = done.stderr
        code = done.returncode
        if code != 0:
            break
    return context, code


@pytest.fixture
def comprehend_shim(tmp_path: Path) -> Path:
    shim = tmp_path / "comprehend-venv" / "bin" / "comprehend"
    shim.parent.mkdir(parents=True)
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m comprehend \"$@\"\n")
    shim.chmod(0o755)
    return shim


def test_the_documented_workflow_passes_with_the_projects_own_environment(
        tmp_path: Path, comprehend_shim: Path) -> None:
    workflow = readme_workflow()
    assert list(workflow[True]) == ["pull_request"]  # never pull_request_target
    steps = workflow["jobs"]["check"]["steps"]
    names = [s.get("name") or s.get("uses") for s in steps]
    # The project and its test dependencies are installed before the action runs.
    assert names.index("Install the project and its test dependencies") < len(names) - 1
    assert steps[-1]["uses"].split("@")[0].endswith("/comprehend")

    venv = project_environment(tmp_path)
    fixture = fixture_repo(tmp_path / "project")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    # What setup-python and the install step of the README leave: the project's python first on PATH.
    path = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    context, code = run_action(action, {"base": "HEAD~1", "args": "--all-authors"}, fixture.path,
                               tmp_path, path, comprehend_shim)
    check_stderr = context.get("steps.check.stderr", "")
    assert (code, context.get("steps.check.outputs.verdict")) == (0, "pass"), check_stderr
    assert context["steps.project.outputs.python"] == str(venv / "bin" / "python3")
    report = json.loads((tmp_path / "runner-temp" / "comprehend" / "check.json").read_text())
    assert report["run"]["environment"]["interpreter"] == (
        f"tests ran with {venv / 'bin' / 'python3'} ($COMPREHEND_PYTHON)")
    assert report["run"]["mutation"]["killed"] >= 1
    assert report["run"]["mutation"]["survived"] == 0


def test_comprehends_own_python_without_the_projects_packages_fails_closed(
        tmp_path: Path, comprehend_bin: list[str], clean_env: dict[str, str]) -> None:
    fixture = fixture_repo(tmp_path / "project")
    env = {k: v for k, v in clean_env.items() if k not in ("VIRTUAL_ENV", "COMPREHEND_PYTHON")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    done = subprocess.run([*comprehend_bin, "check", str(fixture.path), "--base", "HEAD~1", "--all-authors",
                           "--format", "json"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert json.loads(done.stdout)["verdict"] == "error"
    assert done.stderr.splitlines()[-1] == (
        f"comprehend check: error: the tests cannot import 'extlib' under {sys.executable} (the "
        "python running comprehend: no virtualenv is active); install the project and its test "
        f"dependencies into that environment (e.g. `{sys.executable} -m pip install -e .`), "
        "activate the project's virtualenv, or set $COMPREHEND_PYTHON or [adversary] test_command")
