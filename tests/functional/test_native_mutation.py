"""Mutation of Go and JS/TS changes through `comprehend check`, as a user runs it: real `go
test` and `node --test` processes in the sandbox, one finding per untested branch with a
command that re-runs its tests, nothing for a change the tests check, and fail-closed
verdicts when the toolchain is missing or the tests fail before any mutant."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo
from mutation_repos import tree_bytes

needs_go = pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

GO_BEFORE = """package shop

// Fee is the delivery fee of an order.
func Fee(amount int, express bool) int {
	return amount
}
"""
GO_AFTER = """package shop

// Fee is the delivery fee of an order.
func Fee(amount int, express bool) int {
	if express {
		base := amount * 2
		extra := base + 5
		return extra - 1
	}
	return amount
}
"""
GO_TEST = """package shop

import "testing"

func TestStandardFee(t *testing.T) {
	if got := Fee(10, false); got != 10 {
		t.Errorf("Fee(10, false) = %d, want 10", got)
	}
}
"""
GO_EXPRESS_TEST = GO_TEST + """
func TestExpressFee(t *testing.T) {
	if got := Fee(10, true); got != 24 {
		t.Errorf("Fee(10, true) = %d, want 24", got)
	}
}
"""
JS_BEFORE = "function fee(amount, express) {\n  return amount;\n}\n\nmodule.exports = { fee };\n"
JS_AFTER = """function fee(amount, express) {
  if (express) {
    const base = amount * 2;
    const extra = base + 5;
    return extra - 1;
  }
  return amount;
}

module.exports = { fee };
"""
JS_TEST = """const test = require('node:test');
const assert = require('node:assert');
const { fee } = require('../src/fee');

test('standard fee', () => {
  assert.strictEqual(fee(10, false), 10);
});
"""
JS_EXPRESS_TEST = JS_TEST + """
test('express fee', () => {
  assert.strictEqual(fee(10, true), 24);
});
"""
# node 20 cannot run TypeScript itself: the project's runner (here a tiny one that strips
# the type annotations) is what scripts.test names, and each mutant runs it whole.
TS_BEFORE = "export function fee(amount: number, express: boolean): number {\n  return amount;\n}\n"
TS_AFTER = """export function fee(amount: number, express: boolean): number {
  if (express) {
    const base = amount * 2;
    const extra = base + 5;
    return extra - 1;
  }
  return amount;
}
"""
TS_RUNNER = """import { readFileSync } from 'node:fs';
import assert from 'node:assert';

const source = readFileSync(new URL('./src/fee.ts', import.meta.url), 'utf8')
  .replace(/: (number|boolean)/g, '').replace(/^export /gm, '');
const fee = new Function(source + '\\nreturn fee;')();
assert.strictEqual(fee(10, false), 10);
console.log('ok');
"""


def check(repo: Path, env: dict[str, str], *args: str) -> tuple[int, dict, str]:
    proc = subprocess.run([sys.executable, "-m", "comprehend", "check", "--format", "json",
                           "--base", "HEAD~1", "--all-authors", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def survivors(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == "surviving-mutant"]


def go_repo(repo: GitRepo, test_after: str = GO_TEST) -> None:
    repo.write("go.mod", "module example.com/shop\n\ngo 1.19\n")
    repo.write("shop/fee.go", GO_BEFORE)
    repo.write("shop/fee_test.go", GO_TEST)
    repo.commit("fee")
    repo.write("shop/fee.go", GO_AFTER)
    repo.write("shop/fee_test.go", test_after)
    repo.commit("Express fee")


@needs_go
def test_go_branch_no_test_checks_is_one_finding_with_a_working_command(
        repo: GitRepo, clean_env, tmp_path: Path) -> None:
    go_repo(repo)
    before = tree_bytes(repo.path)
    code, report, stderr = check(repo.path, clean_env)
    assert (code, report["verdict"]) == (0, "pass"), stderr
    assert tree_bytes(repo.path) == before
    [gap] = survivors(report)
    assert (gap["file"], gap["start_line"], gap["end_line"]) == ("shop/fee.go", 6, 8)
    assert gap["title"] == "3 mutants survive in the block `if express` (lines 6-8) in Fee"
    assert gap["evidence"]["why"].startswith("no test checks what the code does when `express` "
                                             "holds (in Fee)")
    command = gap["evidence"]["rerun"]
    assert command == ("git apply mutant.patch && go test ./shop -run '^TestStandardFee$'; "
                       "git apply -R mutant.patch")
    assert gap["evidence"]["mutant"].startswith("--- a/shop/fee.go\n+++ b/shop/fee.go\n")
    assert report["run"]["unjudged"] == []
    assert report["run"]["mutation"]["survived"] == 3
    # the command re-runs that test with the mutant applied (it passes: the survivor), then
    # takes the mutant out again
    (repo.path / "mutant.patch").write_text(gap["evidence"]["mutant"])
    env = {**clean_env, "GOCACHE": str(tmp_path / "gocache"), "GOFLAGS": "", "GOPROXY": "off"}
    ran = subprocess.run(["sh", "-c", command], cwd=repo.path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert (ran.returncode, ran.stdout.split("\t")[0]) == (0, "ok  "), ran.stderr
    (repo.path / "mutant.patch").unlink()
    assert tree_bytes(repo.path) == before


@needs_go
def test_go_change_the_tests_check_has_no_survivor(repo: GitRepo, clean_env) -> None:
    go_repo(repo, GO_EXPRESS_TEST)
    code, report, stderr = check(repo.path, clean_env)
    assert (code, report["verdict"], survivors(report)) == (0, "pass", []), stderr
    # `return extra - 1` becomes `return 0 * (extra - 1)`: `extra` stays used, so it builds
    assert {k: report["run"]["mutation"][k] for k in ("mutants", "killed", "survived", "skipped")} \
        == {"mutants": 11, "killed": 11, "survived": 0, "skipped": 0}
    assert report["run"]["unjudged"] == []


@needs_go
def test_go_baseline_that_fails_is_an_error(repo: GitRepo, clean_env) -> None:
    go_repo(repo, GO_TEST.replace("got != 10", "got != 11"))
    before = tree_bytes(repo.path)
    proc = subprocess.run([sys.executable, "-m", "comprehend", "check", "--base", "HEAD~1",
                           "--all-authors"], cwd=repo.path, env=clean_env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 2
    assert proc.stderr == ("comprehend check: error: `go test ./shop` fails at the head before any "
                           "mutant: TestStandardFee fails; make the tests pass, or run with "
                           "--no-exec\n")
    assert tree_bytes(repo.path) == before


@needs_go
def test_go_file_the_platform_does_not_build_is_not_run(repo: GitRepo, clean_env) -> None:
    go_repo(repo, GO_EXPRESS_TEST)
    legacy = "//go:build plan9\n\npackage shop\n\nfunc Legacy(x int) int {\n\treturn x + 1\n}\n"
    repo.write("shop/legacy.go", legacy)
    repo.commit("Legacy helper")
    code, report, stderr = check(repo.path, clean_env)
    assert (code, report["verdict"], survivors(report)) == (0, "pass", []), stderr
    assert ("mutation: shop/legacy.go: go does not build it here (its build constraints exclude "
            "this platform), so no test runs it; its 4 mutants were not run") in report["run"]["notes"]


def test_go_toolchain_missing_is_incomplete(repo: GitRepo, clean_env, tmp_path: Path) -> None:
    go_repo(repo)
    bin_dir = tmp_path / "bin"  # git and nothing else: no go
    bin_dir.mkdir()
    os.symlink(shutil.which("git"), bin_dir / "git")
    code, report, stderr = check(repo.path, {**clean_env, "PATH": str(bin_dir)})
    assert code == 2
    assert report["verdict"] == "incomplete"
    assert stderr == ("comprehend check: incomplete: some changed files could not be judged (see "
                      "'not judged' in the report); pass --allow-incomplete to let the findings "
                      "decide\n")
    assert ("mutation: `go` is not on PATH, so the 1 changed Go file(s) were not mutated; install "
            "Go (e.g. `apt-get install golang-go`, or https://go.dev/dl) to judge them"
            ) in report["run"]["notes"]
    assert report["run"]["unjudged"] == [
        {"path": "shop/fee.go", "language": "go", "missing": "mutation"}]


def js_repo(repo: GitRepo, test_after: str = JS_TEST) -> None:
    repo.write("package.json", json.dumps({"name": "shop", "scripts": {"test": "node --test"}}))
    repo.write("src/fee.js", JS_BEFORE)
    repo.write("test/fee.test.js", JS_TEST)
    repo.commit("fee")
    repo.write("src/fee.js", JS_AFTER)
    repo.write("test/fee.test.js", test_after)
    repo.commit("Express fee")


@needs_node
def test_js_branch_no_test_checks_is_one_finding(repo: GitRepo, clean_env) -> None:
    js_repo(repo)
    before = tree_bytes(repo.path)
    code, report, stderr = check(repo.path, clean_env)
    assert (code, report["verdict"]) == (0, "pass"), stderr
    assert tree_bytes(repo.path) == before
    [gap] = survivors(report)
    assert (gap["file"], gap["start_line"], gap["end_line"]) == ("src/fee.js", 3, 5)
    assert gap["title"] == "3 mutants survive in the block `if (express)` (lines 3-5) in fee"
    assert gap["evidence"]["rerun"] == \
        "git apply mutant.patch && node --test test/fee.test.js; git apply -R mutant.patch"
    assert gap["evidence"]["tests_chosen"] == "no test runs this line; tests that run its function"
    assert report["run"]["unjudged"] == []
    assert ("mutation judged 1 javascript file(s) by running their own tests (go test, the "
            "package's test script)") in report["run"]["notes"]
    assert re.fullmatch(r"tests ran with JS/TS package \.: scripts\.test of package\.json "
                        r"\(`node --test`\), baseline \d+\.\d s",
                        report["run"]["environment"]["tests:javascript:"])
    ran = subprocess.run(["node", "--test", "test/fee.test.js"], cwd=repo.path, env=clean_env,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout


@needs_node
def test_js_change_the_tests_check_has_no_survivor(repo: GitRepo, clean_env) -> None:
    js_repo(repo, JS_EXPRESS_TEST)
    code, report, stderr = check(repo.path, clean_env)
    assert (code, report["verdict"], survivors(report)) == (0, "pass", []), stderr
    assert {k: report["run"]["mutation"][k] for k in ("mutants", "killed", "survived")} \
        == {"mutants": 11, "killed": 11, "survived": 0}
    assert report["run"]["unjudged"] == []


@needs_node
def test_js_file_no_test_loads_is_not_run(repo: GitRepo, clean_env) -> None:
    js_repo(repo, JS_EXPRESS_TEST.replace("../src/fee", "../dist/fee"))
    repo.write("dist/fee.js", JS_AFTER)  # the tests read a built copy, not the source
    repo.commit("Build")
    repo.write("src/fee.js", JS_AFTER.replace("amount * 2", "amount * 3"))
    repo.commit("Triple")
    code, report, stderr = check(repo.path, clean_env)
    assert (code, report["verdict"], survivors(report)) == (0, "pass", []), stderr
    assert ("mutation: src/fee.js: no test process loads it (node:test coverage), so no test runs "
            "it; its 3 mutants were not run") in report["run"]["notes"]


@needs_node
def test_ts_through_the_projects_own_runner(repo: GitRepo, clean_env) -> None:
    repo.write("package.json", json.dumps({"name": "shop", "type": "module",
                                           "scripts": {"test": "node run-tests.mjs"}}))
    repo.write("run-tests.mjs", TS_RUNNER)
    repo.write("src/fee.ts", TS_BEFORE)
    repo.commit("fee")
    repo.write("src/fee.ts", TS_AFTER)
    repo.commit("Express fee")
    code, report, stderr = check(repo.path, clean_env)
    assert (code, report["verdict"]) == (0, "pass"), stderr
    [gap] = survivors(report)
    assert (gap["file"], gap["start_line"], gap["end_line"]) == ("src/fee.ts", 3, 5)
    assert gap["evidence"]["rerun"] == \
        "git apply mutant.patch && npm test; git apply -R mutant.patch"
    assert report["run"]["unjudged"] == []


@needs_node
def test_a_runner_installed_at_the_workspace_top_runs_in_the_sandbox(repo: GitRepo,
                                                                    clean_env) -> None:
    repo.write(".gitignore", "node_modules/\n")
    repo.write("web/package.json", json.dumps({"name": "web", "scripts": {"test": "jest"}}))
    repo.write("web/src/fee.js", JS_BEFORE)
    repo.write("web/check.js", "const assert = require('node:assert');\n"
                               "const { fee } = require('./src/fee');\n"
                               "assert.strictEqual(fee(10, false), 10);\n")
    repo.commit("fee")
    repo.write("web/src/fee.js", JS_AFTER)
    repo.commit("Express fee")
    # a stand-in for an installed Jest, hoisted to the workspace's top and git-ignored
    runner = repo.write("node_modules/.bin/jest", "#!/bin/sh\nexec node check.js\n")
    runner.chmod(0o755)
    before = tree_bytes(repo.path)
    code, report, stderr = check(repo.path, clean_env)
    assert (code, report["verdict"]) == (0, "pass"), stderr
    [gap] = survivors(report)
    assert (gap["file"], gap["start_line"], gap["end_line"]) == ("web/src/fee.js", 3, 5)
    assert gap["evidence"]["rerun"] == \
        "git apply mutant.patch && (cd web && npm test); git apply -R mutant.patch"
    assert gap["evidence"]["tests_chosen"] == "every passing test (no per-test coverage)"
    assert tree_bytes(repo.path) == before


@needs_node
def test_jest_that_is_not_installed_is_an_error_naming_what_to_install(repo: GitRepo,
                                                                      clean_env) -> None:
    repo.write("web/package.json", json.dumps({"name": "web", "scripts": {"test": "jest"}}))
    repo.write("web/src/fee.js", JS_BEFORE)
    repo.commit("fee")
    repo.write("web/src/fee.js", JS_AFTER)
    repo.commit("Express fee")
    proc = subprocess.run([sys.executable, "-m", "comprehend", "check", "--base", "HEAD~1",
                           "--all-authors"], cwd=repo.path, env=clean_env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 2
    assert proc.stderr == ("comprehend check: error: `jest`, the runner of scripts.test (`jest`), "
                           "is not installed: run `npm ci` (or `npm install`) in web/ so "
                           "node_modules has it, or run with --no-exec\n")
