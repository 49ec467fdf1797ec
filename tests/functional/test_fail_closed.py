"""`check` fails closed: when the tests cannot run well enough to judge a mutant, or a figure
would hide survivors, the verdict is `error` (exit 2) with one line saying why and how to
fix it, never `pass`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo
from mutation_repos import weakly_tested


@pytest.fixture(autouse=True)
def _lean_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def check(comprehend_bin: list[str], env: dict[str, str], repo: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*comprehend_bin, "check", str(repo), "--base", "HEAD~1", "--all-authors",
                           "--format", "json", *extra],
                          env={**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}, capture_output=True,
                          text=True, timeout=300)


def test_a_missing_pytest_plugin_is_an_error_naming_it(tmp_path: Path, comprehend_bin: list[str],
                                                       clean_env: dict[str, str]) -> None:
    fixture = weakly_tested(tmp_path / "r")
    fixture.write("pytest.ini", "[pytest]\naddopts = --cov=shop\n")
    fixture.commit("Coverage in CI")
    done = check(comprehend_bin, clean_env, fixture.path, "--base", "HEAD~2")
    assert (done.returncode, json.loads(done.stdout)["verdict"]) == (2, "error")
    assert done.stderr.splitlines()[-1] == (
        f"comprehend check: error: pytest under {sys.executable} does not know --cov=shop (a plugin "
        "the project's configuration needs is missing there); install the project's test "
        "dependencies into that environment")


def test_a_collection_error_is_an_error_not_a_pass(tmp_path: Path, comprehend_bin: list[str],
                                                   clean_env: dict[str, str]) -> None:
    fixture = weakly_tested(tmp_path / "r")
    fixture.write("tests/conftest.py", "import not_installed_anywhere\n")
    fixture.commit("A conftest with a missing import")
    done = check(comprehend_bin, clean_env, fixture.path, "--base", "HEAD~2")
    assert (done.returncode, json.loads(done.stdout)["verdict"]) == (2, "error")
    assert "cannot import 'not_installed_anywhere' under" in done.stderr.splitlines()[-1]


def test_a_repository_without_tests_cannot_pass_a_check_that_runs_them(
        tmp_path: Path, comprehend_bin: list[str], clean_env: dict[str, str]) -> None:
    fixture = GitRepo.create(tmp_path / "r")
    fixture.write("calc.py", "def double(x):\n    return x\n")
    fixture.commit("base")
    fixture.write("calc.py", "def double(x):\n    return x * 2\n")
    fixture.commit("Double")
    done = check(comprehend_bin, clean_env, fixture.path)
    assert (done.returncode, json.loads(done.stdout)["verdict"]) == (2, "error")
    assert done.stderr.splitlines()[-1] == (
        f"comprehend check: error: `{sys.executable} -m pytest` collected no tests in the sandbox, so "
        "no mutant can be judged; add tests, set [adversary] test_command, or run with --no-exec")
    static = check(comprehend_bin, clean_env, fixture.path, "--no-exec")
    assert (static.returncode, json.loads(static.stdout)["verdict"]) == (0, "pass")


@pytest.mark.parametrize(("setting", "message"), [
    ("timeout_factor = -1", "'adversary.timeout_factor' must be at least 1 (a mutant that times out counts "
                            "as caught, so a factor below 1 hides survivors) (is -1.0)"),
    ("timeout_slack = 0", "'adversary.timeout_slack' must be a positive number of seconds (is 0.0)"),
    ("workers = -2", "'adversary.workers' must be 0 (one per CPU core) or more (is -2)"),
    ("baseline_timeout = -5", "'adversary.baseline_timeout' must be a positive number of seconds (is -5.0)"),
    ("memory_mb = 0", "'adversary.memory_mb' must be at least 64 (is 0)"),
    ('pass_env = ["GITHUB_TOKEN"]', "'adversary.pass_env' cannot pass GITHUB_TOKEN: names like a token, "
                                    "secret, key or password never reach test processes (is ('GITHUB_TOKEN',))"),
])
def test_figures_that_would_hide_survivors_are_refused(tmp_path: Path, comprehend_bin: list[str],
                                                       clean_env: dict[str, str], setting: str,
                                                       message: str) -> None:
    fixture = weakly_tested(tmp_path / "r")
    # the CI owner's file (check reads no configuration from the change under review)
    ci = tmp_path / "ci.toml"
    ci.write_text(f"[adversary]\n{setting}\n")
    done = subprocess.run([*comprehend_bin, "--config", str(ci), "check", str(fixture.path),
                           "--base", "HEAD~1", "--all-authors", "--format", "json"],
                          env=clean_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.strip() == f"comprehend: {ci}:2: {message}"
