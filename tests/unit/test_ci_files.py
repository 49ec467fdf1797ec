"""The CI integration files: action.yml, .pre-commit-hooks.yaml and the README's workflow."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_action_is_composite_and_uploads_sarif_optionally() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {k: v["default"] for k, v in action["inputs"].items()} == {
        "base": "", "head": "", "fail-on": "high", "args": "", "upload-sarif": "true",
        "python-version": "3.11", "test-python": ""}
    steps = {step.get("name", step.get("uses")): step for step in action["runs"]["steps"]}
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    script = steps["comprehend check"]["run"]
    assert "\"$COMPREHEND\" check --base \"$BASE\" --head \"$HEAD_REF\"" in script
    # The tests run with the python that was on PATH before the action: the project's own.
    assert steps["comprehend check"]["env"]["COMPREHEND_PYTHON"] == "${{ steps.project.outputs.python }}"
    assert steps["comprehend check"]["env"]["BASE"] == "${{ inputs.base || github.event.pull_request.base.sha }}"
    assert steps["Verdict"]["run"] == 'exit "${{ steps.check.outputs.code }}"'


def test_pre_commit_hook_runs_on_pre_push() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["stages"], hook["pass_filenames"]) == (
        "comprehend-check", "comprehend check", "python", ["pre-push"], False)


def test_readme_workflow_is_complete() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("<!-- section:check -->", 1)[1]
    block = re.search(r"```yaml\n(# \.github/workflows/comprehend\.yml\n.*?)```", section, re.S)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    assert list(workflow[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as True
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}
    assert steps[-1]["with"]["fail-on"] == "high"
