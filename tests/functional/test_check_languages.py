"""`comprehend check` on changes in languages beyond Python, as a user runs it: Go and
JS/TS tests are judged by their own rules, and a change comprehend cannot judge gets the
verdict `incomplete` (exit 2) instead of a silent PASS, unless --allow-incomplete."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gitrepo import GitRepo

CLAUDE = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"
GO_TEST = """package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(1, 2) != 3 {
		t.Fatal("wrong")
	}
}
"""
BUG_ABSENT_SKIP = """package calc

import "testing"

func TestAdd(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		t.Run("overflow", func(t *testing.T) {
			if Add(n, n) == 2*n {
				t.Skip("bug not reproduced")
			}
			t.Errorf("Add(%d, %d) = %d", n, n, Add(n, n))
		})
	}
}
"""


def check(repo: Path, env: dict[str, str], *args: str) -> tuple[int, dict, str]:
    proc = subprocess.run([sys.executable, "-m", "comprehend", "check", "--format", "json",
                           "--base", "HEAD~1", *args], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=120)
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def ai_commit(repo: GitRepo, files: dict[str, str], message: str) -> None:
    for path, text in files.items():
        repo.write(path, text)
    repo.commit(message + CLAUDE, author="Dana Kim", email="dana@example.com")


def test_go_subtests_that_skip_when_the_bug_is_absent_are_reported(repo: GitRepo,
                                                                   clean_env) -> None:
    repo.write("go.mod", "module example.com/calc\n\ngo 1.22\n")
    repo.write("calc/calc.go", "package calc\n\nfunc Add(a, b int) int { return a + b }\n")
    repo.write("calc/calc_test.go", GO_TEST)
    repo.commit("calc")
    ai_commit(repo, {"calc/calc_test.go": BUG_ABSENT_SKIP}, "Reproduce the overflow")
    code, report, stderr = check(repo.path, clean_env, "--no-exec")
    assert (code, stderr) == (0, "")
    assert [(f["rule"], f["file"], f["start_line"], f["severity"]) for f in report["findings"]] \
        == [("skipped-test", "calc/calc_test.go", 9, "medium")]
    assert report["findings"][0]["evidence"]["rerun"] == "go test ./calc -run '^TestAdd$'"
    assert report["verdict"] == "pass"


def test_a_language_comprehend_cannot_judge_is_incomplete_not_pass(repo: GitRepo,
                                                                   clean_env) -> None:
    repo.write("src/lib.rs", "pub fn add(a: i32, b: i32) -> i32 { a + b }\n")
    repo.commit("lib")
    ai_commit(repo, {"src/lib.rs": "pub fn add(a: i32, b: i32) -> i32 { a - b }\n",
                     "README.md": "# calc\n"}, "Subtract instead")
    code, report, stderr = check(repo.path, clean_env, "--no-exec")
    assert code == 2
    assert report["verdict"] == "incomplete"
    assert stderr == ("comprehend check: incomplete: some changed files could not be judged "
                      "(see 'not judged' in the report); pass --allow-incomplete to let the "
                      "findings decide\n")
    line = ("not judged: 1 file(s) (src/lib.rs) in rust: comprehend reads no tests in that "
            "language (only risky-change rules ran)")
    assert line in report["run"]["notes"]
    assert report["run"]["unjudged"] == [
        {"path": "src/lib.rs", "language": "rust", "missing": "tests"}]

    code, report, stderr = check(repo.path, clean_env, "--no-exec", "--allow-incomplete")
    assert (code, report["verdict"], stderr) == (0, "pass", "")
    assert line in report["run"]["notes"]


def test_findings_that_fail_keep_the_fail_verdict_beside_unjudged_files(repo: GitRepo,
                                                                        clean_env) -> None:
    repo.write("src/lib.rs", "pub fn add(a: i32, b: i32) -> i32 { a + b }\n")
    repo.write("web/sum.test.js", "test('adds', () => {\n  expect(1 + 2).toBe(3);\n});\n")
    repo.commit("lib")
    ai_commit(repo, {"src/lib.rs": "pub fn add(a: i32, b: i32) -> i32 { a - b }\n",
                     "web/sum.test.js": "test.only('adds', () => {\n  expect(1 + 2).toBe(3);\n});\n"},
              "Focus")
    code, report, _ = check(repo.path, clean_env, "--no-exec")
    assert (code, report["verdict"]) == (1, "fail")
    assert [(f["rule"], f["file"], f["start_line"]) for f in report["findings"]] == [
        ("focused-test", "web/sum.test.js", 1)]
    assert report["run"]["unjudged"] == [
        {"path": "src/lib.rs", "language": "rust", "missing": "tests"}]


def test_human_changes_in_other_languages_are_out_of_scope(repo: GitRepo, clean_env) -> None:
    repo.write("src/lib.rs", "pub fn add(a: i32, b: i32) -> i32 { a + b }\n")
    repo.commit("lib")
    repo.write("src/lib.rs", "pub fn add(a: i32, b: i32) -> i32 { b + a }\n")
    repo.commit("Commute", author="Lee Park", email="lee@example.com")
    code, report, _ = check(repo.path, clean_env, "--no-exec")
    assert (code, report["verdict"], report["run"]["unjudged"]) == (0, "pass", [])


def test_merged_shards_stay_incomplete(repo: GitRepo, clean_env, tmp_path: Path) -> None:
    repo.write("src/lib.rs", "pub fn add(a: i32, b: i32) -> i32 { a + b }\n")
    repo.commit("lib")
    ai_commit(repo, {"src/lib.rs": "pub fn add(a: i32, b: i32) -> i32 { a - b }\n"}, "Subtract")
    outputs = []
    for k in (1, 2):
        code, report, _ = check(repo.path, clean_env, "--no-exec", "--shard", f"{k}/2")
        assert (code, report["verdict"]) == (2, "incomplete")
        out = tmp_path / f"shard{k}.json"
        out.write_text(json.dumps(report))
        outputs.append(str(out))
    proc = subprocess.run([sys.executable, "-m", "comprehend", "merge", *outputs, "--format",
                           "json"], cwd=repo.path, env=clean_env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["verdict"] == "incomplete"
