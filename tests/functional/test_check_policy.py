"""Tamper-proof policy: `check` judges a change by the configuration and policy of its base,
and a change that edits them is itself a high `policy-change` finding."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gitrepo import GitRepo

from comprehend.adversary.review import config_hash
from comprehend.git import open_repository
from comprehend.policy import builtin_dir
from comprehend.workspace import committed_config

CLAUDE = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"
SHOP = "def price(total, rate):\n    return round(total * (1 - rate), 2)\n"
TESTS = textwrap.dedent("""\
    from shop import price


    def test_discount():
        assert price(100, 0.1) == 90.0
    """)
BASE_CONFIG = '[adversary]\nfail_on = "high"\n'


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def shop_with(repo: GitRepo, tamper: dict[str, str], base_files: dict[str, str] | None = None) -> str:
    """main: code, tests and configuration by a person; feature: an AI commit that changes
    the code, rewrites the expectation to match, and writes `tamper`. Returns main's sha."""
    repo.write("shop.py", SHOP)
    repo.write("tests/test_shop.py", TESTS)
    for path, text in (base_files if base_files is not None else {".comprehend.toml": BASE_CONFIG}).items():
        repo.write(path, text)
    main = repo.commit("Add pricing")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("shop.py", SHOP.replace("1 - rate", "1 - rate * 2"))
    repo.write("tests/test_shop.py", TESTS.replace("== 90.0", "== 80.0"))
    for path, text in tamper.items():
        repo.write(path, text)
    repo.commit("Apply the discount twice" + CLAUDE, author="Dana Kim", email="dana@example.com")
    return main


def check(repo: GitRepo, env: dict[str, str], *pre: str) -> tuple[int, dict]:
    proc = run([*pre, "check", "--no-exec", "--format", "json", "--base", "main"], repo.path, env)
    assert proc.stderr == ""
    return proc.returncode, json.loads(proc.stdout)


def rules(report: dict) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["file"], f["severity"]) for f in report["findings"])


REWRITTEN = ("rewritten-expectation", "tests/test_shop.py", "high")


@pytest.mark.parametrize(("tamper", "changed"), [
    # switch the gate off: only critical findings would fail
    ({".comprehend.toml": '[adversary]\nfail_on = "critical"\n'}, ".comprehend.toml"),
    # lower the severity of the very finding the change has
    ({".comprehend.toml": BASE_CONFIG + '\n[adversary.severity]\n"rewritten-expectation" = "info"\n'},
     ".comprehend.toml"),
    # a configuration that does not even parse is not read either
    ({".comprehend.toml": "[adversary\nfail_on = \n"}, ".comprehend.toml"),
    # a policy file that makes nothing a test file: the rewritten test would go unseen
    ({"adversary/smells.toml": '[tests]\nfile_names = ["nothing"]\ndir_names = []\n'},
     "adversary/smells.toml"),
    ({"quizzes/bank.toml": "# a question bank\n"}, "quizzes/bank.toml"),
])
def test_tampering_head_is_reported_and_judged_by_base_policy(
        repo: GitRepo, clean_env, tamper: dict[str, str], changed: str) -> None:
    shop_with(repo, tamper)
    code, report = check(repo, clean_env)
    assert code == 1
    assert report["verdict"] == "fail"
    assert report["run"]["fail_on"] == "high"
    assert rules(report) == sorted([("policy-change", changed, "high"), REWRITTEN])
    policy = next(f for f in report["findings"] if f["rule"] == "policy-change")
    assert policy["title"].endswith(": this check used the base commit's instead")
    assert policy["evidence"]["rerun"] == f"git diff {report['run']['base'][:12]} " \
                                          f"{report['run']['head'][:12]} -- '{changed}'"
    main = repo.git("rev-parse", "main").strip()
    assert f"configuration from the base {main[:12]} (.comprehend.toml), the shipped policy; " \
           "none from the change under review" in report["run"]["notes"]


def test_base_policy_folder_is_used_when_the_head_edits_it(repo: GitRepo, clean_env) -> None:
    """The base keeps its own adversary/smells.toml; the head's edit would make no file a
    test file (and the rewritten test invisible): the base's copy decides."""
    shipped = (builtin_dir("adversary") / "smells.toml").read_text()
    edited = shipped.replace('dir_names = ["tests", "test", "testing", "__tests__", "spec"]',
                             "dir_names = []").replace('file_names = ["test_*.py"', 'file_names = ["x"')
    assert edited != shipped
    main = shop_with(repo, {"adversary/smells.toml": edited},
                     base_files={".comprehend.toml": BASE_CONFIG, "adversary/smells.toml": shipped})
    code, report = check(repo, clean_env)
    assert code == 1
    assert rules(report) == sorted([("policy-change", "adversary/smells.toml", "high"), REWRITTEN])
    assert f"configuration from the base {main[:12]} (.comprehend.toml), 1 policy file(s) of the " \
           "base's adversary/, quizzes/; none from the change under review" in report["run"]["notes"]
    assert "policy from the repository: adversary/smells.toml" in report["run"]["notes"]


def test_changed_test_command_is_not_used(repo: GitRepo, clean_env) -> None:
    main = shop_with(repo, {".comprehend.toml": BASE_CONFIG + 'test_command = "true"\n'})
    code, report = check(repo, clean_env)
    assert code == 1
    assert rules(report) == sorted([("policy-change", ".comprehend.toml", "high"), REWRITTEN])
    base_config = committed_config(open_repository(repo.path), main)
    assert base_config.adversary.test_command is None
    assert report["run"]["config_hash"] == config_hash(base_config)
    head_config = committed_config(open_repository(repo.path), report["run"]["head"])
    assert head_config.adversary.test_command == "true"
    assert config_hash(head_config) != report["run"]["config_hash"]


def test_pyproject_table_change_is_policy_and_other_edits_are_not(repo: GitRepo, clean_env) -> None:
    pyproject = '[project]\nname = "shop"\n\n[tool.comprehend.adversary]\nfail_on = "high"\n'
    shop_with(repo, {"pyproject.toml": pyproject.replace('"high"', '"critical"')},
              base_files={"pyproject.toml": pyproject})
    code, report = check(repo, clean_env)
    assert (code, report["run"]["fail_on"]) == (1, "high")
    assert rules(report) == sorted([("policy-change", "pyproject.toml", "high"), REWRITTEN])


def test_pyproject_edit_outside_the_table_is_no_finding(repo: GitRepo, clean_env) -> None:
    pyproject = '[project]\nname = "shop"\n\n[tool.comprehend.adversary]\nfail_on = "high"\n'
    shop_with(repo, {"pyproject.toml": pyproject.replace('name = "shop"', 'name = "shop2"')},
              base_files={"pyproject.toml": pyproject})
    code, report = check(repo, clean_env)
    assert code == 1
    assert rules(report) == [REWRITTEN]


def test_head_without_policy_edits_has_no_policy_finding(repo: GitRepo, clean_env) -> None:
    shop_with(repo, {"README.md": "# shop\n"})
    code, report = check(repo, clean_env)
    assert code == 1
    assert rules(report) == [REWRITTEN]


def test_policy_change_in_a_human_commit_is_reported_too(repo: GitRepo, clean_env) -> None:
    """Attribution comes from commit metadata the author controls: a policy edit is reported
    whoever the commit claims wrote it."""
    shop_with(repo, {})
    repo.write(".comprehend.toml", '[adversary]\nfail_on = "critical"\n')
    repo.commit("Relax the gate")
    code, report = check(repo, clean_env)
    assert (code, report["run"]["fail_on"]) == (1, "high")
    assert rules(report) == sorted([("policy-change", ".comprehend.toml", "high"), REWRITTEN])


def test_explicit_config_wins_and_a_team_may_lower_policy_change(
        repo: GitRepo, clean_env, tmp_path: Path) -> None:
    shop_with(repo, {".comprehend.toml": '[adversary]\nfail_on = "critical"\n'})
    ci = tmp_path / "ci.toml"
    ci.write_text('[adversary]\nfail_on = "high"\n[adversary.severity]\n'
                  '"policy-change" = "low"\n"rewritten-expectation" = "medium"\n')
    code, report = check(repo, clean_env, "--config", str(ci))
    assert (code, report["verdict"], report["run"]["fail_on"]) == (0, "pass", "high")
    assert rules(report) == [("policy-change", ".comprehend.toml", "low"),
                             ("rewritten-expectation", "tests/test_shop.py", "medium")]
    assert any(n.startswith(f"configuration from --config {ci} (chosen on the command line)")
               for n in report["run"]["notes"])


def test_explicit_config_inside_the_repository_is_read_from_the_base(repo: GitRepo, clean_env) -> None:
    main = shop_with(repo, {"ci/comprehend.toml": '[adversary]\nfail_on = "critical"\n'},
                     base_files={"ci/comprehend.toml": BASE_CONFIG})
    code, report = check(repo, clean_env, "--config", "ci/comprehend.toml")
    assert (code, report["run"]["fail_on"]) == (1, "high")
    assert rules(report) == sorted([("policy-change", "ci/comprehend.toml", "high"), REWRITTEN])
    policy = next(f for f in report["findings"] if f["rule"] == "policy-change")
    assert policy["title"] == ("the change edits the --config file ci/comprehend.toml: this "
                               "check used the base commit's instead")
    assert (f"configuration from --config ci/comprehend.toml as committed in the base "
            f"{main[:12]} (chosen on the command line), the shipped policy; none from the change "
            "under review") in report["run"]["notes"]


def test_working_tree_edit_of_the_config_is_not_used(repo: GitRepo, clean_env) -> None:
    shop_with(repo, {})
    repo.write(".comprehend.toml", '[adversary]\nfail_on = "critical"\n')
    proc = run(["check", "--no-exec", "--all-authors", "--format", "json"], repo.path, clean_env)
    report = json.loads(proc.stdout)
    assert (proc.returncode, report["run"]["fail_on"]) == (1, "high")
    assert rules(report) == [("policy-change", ".comprehend.toml", "high")]
