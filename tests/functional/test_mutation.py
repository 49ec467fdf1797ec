"""Mutation testing end to end (comprehend/adversary/mutation/engine.py): real repositories built
with git, real pytest processes in the sandbox, exact survivors. Each fixture repository has
a handful of mutants so the file stays fast."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from gitrepo import GitRepo
from mutation_repos import (
    OLD_TEST,
    base_repo,
    change_of,
    five_tests_cover,
    tree_bytes,
    weakly_tested,
    well_tested,
)

from comprehend.adversary.mutation import MutationStats, run_mutation
from comprehend.adversary.sandbox import TestsCannotRun
from comprehend.config import AdversaryConfig, Config


@pytest.fixture(autouse=True)
def _lean_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture repositories' pytest runs without this environment's plugins (textual
    snapshots, hypothesis...): each test process starts in a fraction of the time."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


PYTEST = f"{sys.executable} -m pytest"


def test_a_weakly_tested_change_has_exactly_these_survivors(tmp_path: Path) -> None:
    fixture = weakly_tested(tmp_path / "r")
    before = tree_bytes(fixture.path)
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)

    by_line = {f.start_line: f for f in report.findings}
    assert sorted(by_line) == [6, 7, 8]
    assert {f.rule for f in report.findings} == {"surviving-mutant"}
    assert [(f.file, f.title, f.severity, f.confidence) for f in report.findings] == [
        ("shop/price.py", "No test fails when `qty >= 10` -> `not (qty >= 10)` (negate-condition)", "medium", 0.9),
        ("shop/price.py", "No test fails when `*` -> `/` (arithmetic)", "medium", 0.8),
        ("shop/price.py", "No test fails when `price * qty` -> `None` (return-value)", "medium", 0.8),
    ]
    assert by_line[6].evidence["rerun"] == (f"git apply mutant.patch && {PYTEST} -x "
                                            "tests/test_discount.py::test_discount_runs; git apply -R mutant.patch")
    assert by_line[6].evidence["tests"] == ["tests/test_discount.py::test_discount_runs"]
    assert by_line[6].evidence["tests_chosen"] == "tests that run this line"
    assert by_line[6].evidence["mutant"] == (
        "--- a/shop/price.py\n+++ b/shop/price.py\n@@ -4,5 +4,5 @@\n \n def discount(price, qty):\n"
        "-    if qty >= 10:\n+    if not (qty >= 10):\n         return price * qty * 0.9\n     return price * qty\n"
    )
    # Line 8 runs under no test: the tests that run its function are what still pass.
    assert by_line[8].evidence["tests"] == ["tests/test_discount.py::test_discount_runs"]
    assert by_line[8].evidence["tests_chosen"] == "no test runs this line; tests that run its function"
    # One survivor per line: the rest of a line's mutants are skipped once one survives.
    assert report.stats == dataclasses.replace(report.stats, mutants=13, killed=1, survived=3,
                                               timed_out=0, skipped=9)
    assert report.notes == ["mutation: 13 mutants, 4 ran (1 killed, 3 survived, 0 timed out), 9 skipped (9: the line already has a survivor)"]
    assert tree_bytes(fixture.path) == before
    temp = Path(tempfile.gettempdir()).resolve()
    pattern = f"comprehend-sandbox-{os.getpid()}-*"
    assert [*temp.glob(pattern)] == []


def test_the_evidence_names_three_of_five_tests_and_its_command_reproduces_the_survivor(
        tmp_path: Path) -> None:
    fixture = five_tests_cover(tmp_path / "r")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    finding = next(f for f in report.findings if f.start_line == 6)
    assert finding.evidence["tests_run"] == 5
    # same module and function first, then the same module, the most focused first
    assert finding.evidence["tests"] == ["tests/test_price.py::test_discount_bulk",
                                         "tests/test_price.py::test_discount_small",
                                         "tests/test_price.py::test_prices_are_numbers"]
    rerun = finding.evidence["rerun"]
    assert rerun == (f"git apply mutant.patch && {PYTEST} -x tests/test_price.py::test_discount_bulk "
                     "tests/test_price.py::test_discount_small tests/test_price.py::test_prices_are_numbers"
                     "; git apply -R mutant.patch")
    assert len(rerun) < 300
    copy = tmp_path / "reviewer"
    subprocess.run(["git", "clone", "-q", str(fixture.path), str(copy)], check=True)
    (copy / "mutant.patch").write_text(finding.evidence["mutant"], encoding="utf-8")
    env = {**_env(), "PYTHONDONTWRITEBYTECODE": "1"}
    # the command's own steps: the mutant applied, the three tests still pass, then it is undone
    applied, tests, revert = rerun.replace(" && ", "\n").replace("; ", "\n").split("\n")
    subprocess.run(applied.split(), cwd=copy, check=True)
    assert "not (qty >= 10)" in (copy / "shop/price.py").read_text(encoding="utf-8")
    run = subprocess.run(tests.split(), cwd=copy, capture_output=True, text=True, env=env)
    assert (run.returncode, run.stdout.strip().splitlines()[-1].strip("= ").split(" in ")[0]) == (0, "3 passed")
    subprocess.run(revert.split(), cwd=copy, check=True)
    # and the whole line, as pasted into a shell
    whole = subprocess.run(["sh", "-c", rerun], cwd=copy, capture_output=True, text=True, env=env)
    assert "3 passed" in whole.stdout
    assert subprocess.run(["git", "status", "--porcelain"], cwd=copy, capture_output=True,
                          text=True).stdout == "?? mutant.patch\n"


def test_a_well_tested_change_has_no_survivor(tmp_path: Path) -> None:
    repo, change = change_of(well_tested(tmp_path / "r"))
    report = run_mutation(repo, Config(), change, None, None)
    assert report.findings == []
    # BULK = 10 runs at import time: its 4 mutants ran in fresh processes, the rest forked.
    assert (report.stats.mutants, report.stats.killed, report.stats.survived) == (15, 15, 0)


def test_tests_that_never_import_the_sandbox_copy_are_caught_by_the_sanity_run(tmp_path: Path) -> None:
    """The test imports the module from the user's own folder (as an editable install
    pointing at the work tree would): mutants in the sandbox could only survive."""
    fixture = base_repo(tmp_path / "r")
    fixture.write("shop/tax.py", "def with_tax(amount):\n    return amount * 1.2\n")
    fixture.write("tests/test_tax.py", (
        "import sys\n"
        f"sys.path.insert(0, {str(fixture.path)!r})\n"
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('tax', {str(fixture.path / 'shop/tax.py')!r})\n"
        "tax = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(tax)\n\n\n"
        "def test_with_tax():\n    assert tax.with_tax(10) == 12.0\n"))
    fixture.commit("Add tax")
    before = tree_bytes(fixture.path)
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    assert report.findings == []
    assert report.stats == dataclasses.replace(report.stats, mutants=4, killed=0, survived=0, skipped=4)
    assert report.notes == [
        "mutation: shop/tax.py: the tests still pass when importing it fails (forced-fail sanity "
        "run), so they never load it from the sandbox; its 4 mutants were not run",
        "mutation: 4 mutants, 0 ran (0 killed, 0 survived, 0 timed out), 4 skipped (4: its tests never "
        "load the file (sanity run))"]
    assert tree_bytes(fixture.path) == before


def test_code_imported_only_inside_a_test_is_still_judged_correctly(tmp_path: Path) -> None:
    """Neither the baseline's probes nor the fork server see a module that no test imports
    at collection time: the mutants fall back to fresh processes and every passing test."""
    fixture = base_repo(tmp_path / "r")
    fixture.write("shop/fees.py", "def fee(amount):\n    if amount > 100:\n        return 0\n    return 5\n")
    fixture.write("tests/test_fees.py", "def test_small_orders_pay_a_fee():\n"
                                        "    from shop.fees import fee\n    assert fee(10) == 5\n")
    fixture.commit("Add fees")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    assert [(f.start_line, f.title) for f in report.findings] == [
        (2, "No test fails when `>` -> `>=` (boundary)"),  # no test at the boundary, 100
        (3, "No test fails when `0` -> `1` (constant)"),  # no test above 100 at all
    ]
    assert {f.evidence["tests_chosen"] for f in report.findings} == {
        "imported only inside tests, so not measured; every passing test"}
    # the test of the same module first
    assert report.findings[0].evidence["tests"] == [
        "tests/test_fees.py::test_small_orders_pay_a_fee", "tests/test_price.py::test_total"]
    assert report.stats == dataclasses.replace(report.stats, mutants=12, killed=6, survived=2, skipped=4)


def test_new_tests_that_only_repeat_older_ones_are_reported(tmp_path: Path) -> None:
    fixture = base_repo(tmp_path / "r")
    fixture.write("shop/price.py", "def total(price, qty):\n    return price * qty + 0\n")
    fixture.write("tests/test_price.py", OLD_TEST + "\n\ndef test_total_again():\n    assert total(4, 5) == 20\n")
    fixture.commit("Tidy total", author="Claude", email="noreply@anthropic.com")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    extra = [f for f in report.findings if f.rule == "tests-add-nothing"]
    assert [(f.file, f.start_line, f.end_line, f.title) for f in extra] == [(
        "tests/test_price.py", 8, 9,
        "The diff's new or changed test test_total_again kills no mutant that older tests "
        "do not also kill")]
    assert extra[0].evidence["new_tests"] == ["tests/test_price.py::test_total_again"]
    assert extra[0].evidence["killed_by_new_tests"] == extra[0].evidence["also_killed_by_older_tests"]
    assert extra[0].evidence["killed_by_new_tests"] >= 1
    assert (extra[0].evidence["pass_on_base"], extra[0].evidence["fail_on_base"]) == (
        ["tests/test_price.py::test_total_again"], [])


def test_new_tests_that_fail_on_the_base_are_not_said_to_add_nothing(tmp_path: Path) -> None:
    """test_total_in_euros kills no mutant an older test does not kill, yet it fails on the
    base (currency() is new there), so it does test the change; test_total_again passes on
    the base and is the only test reported."""
    fixture = base_repo(tmp_path / "r")
    fixture.write("shop/price.py", "def total(price, qty):\n    return price * qty + 0\n\n\n"
                                   "def currency():\n    return 'EUR'\n")
    fixture.write("tests/test_price.py", OLD_TEST + (
        "\n\ndef test_total_again():\n    assert total(4, 5) == 20\n"
        "\n\ndef test_total_in_euros():\n    from shop.price import currency\n\n"
        "    currency()\n    assert total(4, 5) == 20\n"))
    fixture.commit("Totals in euros", author="Claude", email="noreply@anthropic.com")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    (extra,) = [f for f in report.findings if f.rule == "tests-add-nothing"]
    assert (extra.start_line, extra.end_line, extra.evidence["new_tests"]) == (
        8, 9, ["tests/test_price.py::test_total_again"])
    assert extra.evidence["fail_on_base"] == ["tests/test_price.py::test_total_in_euros"]


def test_no_tests_add_nothing_when_every_new_test_fails_on_the_base(tmp_path: Path) -> None:
    fixture = base_repo(tmp_path / "r")
    fixture.write("shop/price.py", "def total(price, qty):\n    return price * qty + 0\n\n\n"
                                   "def currency():\n    return 'EUR'\n")
    fixture.write("tests/test_price.py", OLD_TEST + (
        "\n\ndef test_total_in_euros():\n    from shop.price import currency\n\n"
        "    currency()\n    assert total(4, 5) == 20\n"))
    fixture.commit("Totals in euros", author="Claude", email="noreply@anthropic.com")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    assert [f.rule for f in report.findings if f.rule == "tests-add-nothing"] == []
    # `+ 0` has equivalent mutants (line 2); currency() is run but never checked (line 6)
    assert {f.start_line for f in report.findings if f.rule == "surviving-mutant"} == {2, 6}


def test_new_tests_that_kill_something_new_are_not_reported(tmp_path: Path) -> None:
    repo, change = change_of(well_tested(tmp_path / "r"))
    report = run_mutation(repo, Config(), change, None, None)
    assert [f.rule for f in report.findings] == []


def test_a_mutant_that_loops_forever_times_out_and_is_rerun_alone(tmp_path: Path) -> None:
    fixture = GitRepo.create(tmp_path / "r")
    fixture.write("count.py", "def countdown(n):\n    while n > 0:\n        n = n - 1\n    return n\n")
    fixture.write("test_count.py", "from count import countdown\n\n\ndef test_countdown():\n"
                                   "    assert countdown(3) == 0\n")
    fixture.commit("base")
    fixture.write("count.py", "def countdown(n):\n    while n > 0:\n        n -= 1\n    return n\n")
    fixture.commit("Shorter")
    repo, change = change_of(fixture)
    messages: list[str] = []
    config = Config(adversary=AdversaryConfig(timeout_factor=1.0, timeout_slack=1.0))
    report = run_mutation(repo, config, change, None, None, progress=messages.append)
    # n -= 1 -> n += 1, n = 1, pass, n -= 0: each never ends; n -= 2 returns -1 (killed).
    assert report.stats == dataclasses.replace(report.stats, mutants=5, timed_out=4, killed=1,
                                               survived=0, skipped=0)
    assert "mutation: re-running 4 timed-out mutants alone" in messages
    assert report.findings == []


def test_tests_failing_before_any_mutation_are_left_out_and_named(tmp_path: Path) -> None:
    fixture = weakly_tested(tmp_path / "r")
    fixture.write("tests/test_broken.py", "def test_broken():\n    assert 1 == 2\n")
    fixture.commit("A broken test")
    repo, change = change_of(fixture, base="HEAD~2")
    report = run_mutation(repo, Config(), change, None, None)
    assert report.notes == ["mutation: 1 tests fail before any mutation and were left out: "
                            "tests/test_broken.py::test_broken", "mutation: 13 mutants, 4 ran (1 killed, 3 survived, 0 timed out), 9 skipped (9: the line already has a survivor)"]
    assert sorted(f.start_line for f in report.findings) == [6, 7, 8]


def test_a_baseline_that_cannot_collect_fails_closed_naming_the_interpreter(tmp_path: Path) -> None:
    fixture = weakly_tested(tmp_path / "r")
    fixture.write("tests/test_syntax.py", "def test_(:\n")
    fixture.commit("Broken syntax")
    repo, change = change_of(fixture, base="HEAD~2")
    with pytest.raises(TestsCannotRun) as raised:
        run_mutation(repo, Config(), change, None, None)
    message = str(raised.value)
    assert message.startswith(f"the tests under {sys.executable} fail to collect: SyntaxError: ")
    assert message.endswith(f"; run `{sys.executable} -m pytest` to see the error, fix it, or run with --no-exec")


def test_a_test_command_that_is_not_pytest_runs_whole_for_each_mutant(tmp_path: Path) -> None:
    fixture = GitRepo.create(tmp_path / "r")
    fixture.write("calc.py", "def double(x):\n    return x\n")
    fixture.write("check.py", "import calc\nassert calc.double(0) == 0\n")
    fixture.commit("base")
    fixture.write("calc.py", "def double(x):\n    return x * 2\n")
    fixture.commit("Double")
    repo, change = change_of(fixture)
    config = Config(adversary=AdversaryConfig(test_command=f"{sys.executable} check.py"))
    report = run_mutation(repo, config, change, None, None)
    assert report.notes == ["mutation: the test command is not pytest, so every mutant ran the "
                            "whole command (no per-line test selection)",
                            "mutation: 4 mutants, 2 ran (1 killed, 1 survived, 0 timed out), 2 skipped "
                            "(2: the line already has a survivor)"]
    # double(0) == 0 holds for x / 2 too; returning None fails it.
    assert [(f.start_line, f.title, f.evidence["rerun"]) for f in report.findings] == [
        (2, "No test fails when `*` -> `/` (arithmetic)",
         f"git apply mutant.patch && {sys.executable} check.py; git apply -R mutant.patch")]
    assert "tests" not in report.findings[0].evidence


def test_shards_together_find_what_one_run_finds(tmp_path: Path) -> None:
    repo, change = change_of(weakly_tested(tmp_path / "r"))
    whole = run_mutation(repo, Config(), change, None, None)
    parts = [run_mutation(repo, Config(), change, None, (k, 2)) for k in (1, 2)]
    assert sorted(f.fingerprint for p in parts for f in p.findings) == sorted(f.fingerprint for f in whole.findings)
    assert sum(p.stats.mutants for p in parts) == whole.stats.mutants
    assert [p.notes for p in parts] == [
        ["mutation shard 1/2: 2 of 3 changed lines with mutants", parts[0].notes[-1]],
        ["mutation shard 2/2: 1 of 3 changed lines with mutants", parts[1].notes[-1]],
    ]


def test_a_working_tree_change_is_mutated_from_the_working_tree(tmp_path: Path) -> None:
    fixture = weakly_tested(tmp_path / "r")
    fixture.write("shop/price.py", (fixture.path / "shop/price.py").read_text() + "\n\nFREE = 0\n")
    fixture.write("notes.txt", "not python\n")
    before = tree_bytes(fixture.path)
    repo, change = change_of(fixture, base=None, head=None)
    report = run_mutation(repo, Config(), change, None, None)
    assert [(f.start_line, f.title) for f in report.findings] == [
        (11, "No test fails when `FREE = 0` -> `pass` (statement-deletion)")]
    assert report.notes == ["mutation covers Python, Go and JS/TS source: 1 other changed files not mutated",
                            "mutation: 4 mutants, 1 ran (0 killed, 1 survived, 0 timed out), 3 skipped "
                            "(3: the line already has a survivor)"]
    assert tree_bytes(fixture.path) == before


def test_stats_round_trip_through_json() -> None:
    stats = MutationStats(mutants=5, killed=2, survived=1, timed_out=1, skipped=1, seconds=1.5)
    assert MutationStats.from_json(json.loads(json.dumps(stats.to_json()))) == stats


def test_check_reports_the_survivors(tmp_path: Path, comprehend_bin: list[str]) -> None:
    fixture = weakly_tested(tmp_path / "r")
    out = subprocess.run([*comprehend_bin, "check", str(fixture.path), "--all-authors",
                          "--base", "HEAD~1", "--fail-on", "medium", "--format", "json"],
                         capture_output=True, text=True, env=_env())
    assert out.returncode == 1, out.stderr  # the survivors are medium
    result = json.loads(out.stdout)
    survivors = [(f["file"], f["start_line"]) for f in result["findings"] if f["rule"] == "surviving-mutant"]
    assert survivors == [("shop/price.py", 6), ("shop/price.py", 7), ("shop/price.py", 8)]
    assert {k: result["run"]["mutation"][k] for k in ("mutants", "killed", "survived", "skipped")} == {
        "mutants": 13, "killed": 1, "survived": 3, "skipped": 9}


def _env() -> dict[str, str]:
    return dict(os.environ)


def test_a_project_with_a_generated_version_file_is_mutated(tmp_path: Path) -> None:
    fixture = GitRepo.create(tmp_path / "r")
    fixture.write(".gitignore", "shop/_version.py\n")
    fixture.write("shop/__init__.py", "from shop._version import __version__\n")
    fixture.write("shop/_version.py", "__version__ = '0.1.dev3+g1e7d58c'\n")  # as setuptools-scm writes it
    fixture.write("shop/price.py", "def total(price, qty):\n    return price * qty\n")
    fixture.write("tests/test_price.py", "from shop.price import total\n\n\ndef test_total():\n"
                                         "    assert total(2, 3) == 6\n")
    fixture.commit("base")
    fixture.write("shop/price.py", "def total(price, qty):\n    return price * qty\n\n\n"
                                   "def bulk(price, qty):\n    return total(price, qty) > 100\n")
    fixture.commit("Add bulk")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    assert report.notes[0] == "sandbox: 1 git-ignored files copied from the working tree: shop/_version.py"
    assert report.stats.mutants - report.stats.skipped >= 1
    assert [f.start_line for f in report.findings] == [6]


def test_the_short_evidence_reaches_every_format_and_the_finding_view(tmp_path: Path) -> None:
    from comprehend.adversary.review import CheckOptions, run_check
    from comprehend.report.formats import render
    from comprehend.views.findings import load_findings
    from comprehend.workspace import open_workspace

    fixture = five_tests_cover(tmp_path / "r")
    workspace = open_workspace(fixture.path)
    with workspace.open_store() as store:
        result = run_check(workspace.repo, workspace.config, store,
                           CheckOptions(base="HEAD~1", head="HEAD", all_authors=True))
        view = load_findings(store)
    [gap] = [f for f in result.findings if f.rule == "surviving-mutant" and f.start_line == 6]
    rerun, tests = gap.evidence["rerun"], gap.evidence["tests"]
    assert len(tests) == 3 and len(rerun) < 300
    markdown = render(result, "markdown")
    assert f"**tests**: {tests[0]}  " in markdown.replace("\\", "")  # backslash-escaped underscores
    assert f"**rerun**: `{rerun}`  " in markdown
    assert f"**mutant (save as mutant.patch)**\n\n```\n{gap.evidence['mutant']}" in markdown
    text = render(result, "text")
    assert f"rerun: {rerun}" in text and f"tests: {tests[0]}" in text
    assert "      mutant (save as mutant.patch):\n        --- a/shop/price.py" in text
    assert [f["evidence"]["rerun"] for f in json.loads(render(result, "json"))["findings"]
            if f["rule"] == "surviving-mutant" and f["start_line"] == 6] == [rerun]
    [sarif] = [r for r in json.loads(render(result, "sarif"))["runs"][0]["results"]
               if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 6]
    assert sarif["message"]["text"].endswith(f"Re-run: {rerun}")
    assert sarif["properties"]["evidence"]["tests"] == tests
    [row] = [r for r in view.rows if r.start_line == 6]
    sections = {s.label: s.text for s in row.evidence}
    assert (row.rerun, sections["Closest tests"]) == (rerun, "\n".join(tests))
    assert sections["The mutant (save as mutant.patch)"] == gap.evidence["mutant"]
