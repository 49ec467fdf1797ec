"""Per-line test selection (comprehend/adversary/mutation/select.py): the probe's record, the order
tests run in against a mutant, and which tests the diff itself added or changed."""

from __future__ import annotations

import json
from pathlib import Path

from mutation_repos import change_of, weakly_tested

from comprehend.adversary.mutation.arid import load_arid_rules
from comprehend.adversary.mutation.select import (
    ChangedTest,
    diff_tests,
    matches,
    merge_maps,
    order_tests,
    read_probe_output,
    select_tests,
)

RULES, _ = load_arid_rules(None)

RECORD = {
    "tests": {
        "tests/test_a.py::test_slow": ["passed", 0.5],
        "tests/test_a.py::test_fast": ["passed", 0.01],
        "tests/test_new.py::test_new_slow": ["passed", 0.3],
        "tests/test_new.py::test_new_fast": ["passed", 0.02],
        "tests/test_a.py::test_broken": ["failed", 0.1],
        "tests/test_b.py::test_other_file": ["passed", 0.05],
        "tests/test_b.py::test_skipped": ["skipped", 0.0],
    },
    "exit": 1,
    "lines": {
        "pkg/m.py": {
            "3": ["tests/test_a.py::test_broken", "tests/test_a.py::test_fast",
                  "tests/test_a.py::test_slow", "tests/test_new.py::test_new_fast",
                  "tests/test_new.py::test_new_slow"],
            "7": ["tests/test_a.py::test_slow"],
        },
        "pkg/n.py": {"2": ["tests/test_b.py::test_other_file"]},
    },
    "import_lines": {"pkg/m.py": [1, 2, 6]},
    "coverage_error": None,
}
NEW = frozenset({"tests/test_new.py::test_new_slow", "tests/test_new.py::test_new_fast"})


def cmap(tmp_path: Path, record: dict = RECORD):
    out = tmp_path / "baseline.json"
    out.write_text(json.dumps(record))
    result = read_probe_output(out)
    assert result is not None
    return result


def test_the_probe_record_reads_back(tmp_path: Path) -> None:
    m = cmap(tmp_path)
    assert m.failing == ("tests/test_a.py::test_broken",)
    assert m.passing == frozenset(n for n, (outcome, _) in RECORD["tests"].items() if outcome == "passed")
    assert m.lines["pkg/m.py"][7] == frozenset({"tests/test_a.py::test_slow"})
    assert m.import_lines["pkg/m.py"] == frozenset({1, 2, 6})
    assert round(m.seconds(["tests/test_a.py::test_slow", "tests/test_a.py::test_fast"]), 3) == 0.51


def test_records_of_a_split_baseline_merge(tmp_path: Path) -> None:
    first = cmap(tmp_path)
    (tmp_path / "other").mkdir()
    second = cmap(tmp_path / "other", {
        "tests": {"tests/test_c.py::test_c": ["passed", 0.2]}, "exit": 0,
        "lines": {"pkg/m.py": {"3": ["tests/test_c.py::test_c"], "9": ["tests/test_c.py::test_c"]}},
        "import_lines": {"pkg/m.py": [2, 4]}, "coverage_error": None})
    merged = merge_maps([first, second])
    assert set(merged.tests) == set(first.tests) | {"tests/test_c.py::test_c"}
    assert merged.lines["pkg/m.py"][3] == first.lines["pkg/m.py"][3] | {"tests/test_c.py::test_c"}
    assert merged.lines["pkg/m.py"][9] == frozenset({"tests/test_c.py::test_c"})
    assert merged.import_lines["pkg/m.py"] == frozenset({1, 2, 4, 6})


def test_a_missing_record_is_none(tmp_path: Path) -> None:
    assert read_probe_output(tmp_path / "absent.json") is None


def test_the_diffs_own_tests_run_first_then_fastest_first_and_failing_tests_never(tmp_path: Path) -> None:
    tests, how = select_tests(cmap(tmp_path), "pkg/m.py", 3, (3, 7), NEW)
    assert tests == (
        "tests/test_new.py::test_new_fast",
        "tests/test_new.py::test_new_slow",
        "tests/test_a.py::test_fast",
        "tests/test_a.py::test_slow",
    )
    assert how == "tests that run this line"


def test_an_import_time_line_gets_every_test_that_runs_its_file(tmp_path: Path) -> None:
    tests, how = select_tests(cmap(tmp_path), "pkg/m.py", 1, None, NEW)
    assert tests == (
        "tests/test_new.py::test_new_fast",
        "tests/test_new.py::test_new_slow",
        "tests/test_a.py::test_fast",
        "tests/test_a.py::test_slow",
    )
    assert how == "tests that import this module"


def test_a_line_no_test_runs_is_judged_by_the_tests_of_its_function(tmp_path: Path) -> None:
    tests, how = select_tests(cmap(tmp_path), "pkg/m.py", 5, (4, 8), NEW)
    assert tests == ("tests/test_a.py::test_slow",)
    assert how == "no test runs this line; tests that run its function"


def test_a_function_no_test_runs_falls_back_to_the_files_tests(tmp_path: Path) -> None:
    tests, how = select_tests(cmap(tmp_path), "pkg/n.py", 9, (9, 12), frozenset())
    assert tests == ("tests/test_b.py::test_other_file",)
    assert how == "no test runs this line; tests that run this file"


def test_a_file_imported_only_inside_tests_says_it_was_not_measured(tmp_path: Path) -> None:
    record = {**RECORD, "unmeasured": ["pkg/lazy.py"]}
    tests, how = select_tests(cmap(tmp_path, record), "pkg/lazy.py", 2, (1, 3), frozenset())
    assert len(tests) == 5
    assert how == "imported only inside tests, so not measured; every passing test"


def test_a_file_no_test_runs_gets_every_passing_test(tmp_path: Path) -> None:
    tests, how = select_tests(cmap(tmp_path), "pkg/unseen.py", 4, (1, 9), frozenset())
    assert tests == (
        "tests/test_a.py::test_fast",
        "tests/test_new.py::test_new_fast",
        "tests/test_b.py::test_other_file",
        "tests/test_new.py::test_new_slow",
        "tests/test_a.py::test_slow",
    )
    assert how == "no test runs the changed code of this file in the pytest process; every passing test"


def test_a_file_no_test_runs_at_import_time_is_said_so(tmp_path: Path) -> None:
    _, how = select_tests(cmap(tmp_path), "pkg/unseen.py", 1, None, frozenset())
    assert how == "no test runs this file in the pytest process; every passing test"


def test_without_coverage_no_record_is_no_evidence(tmp_path: Path) -> None:
    """coverage.py missing in the project's environment: the file was never measured, so
    nothing says no test runs it; the reason names what to install."""
    record = {**RECORD, "coverage_error": "ModuleNotFoundError: No module named 'coverage'"}
    tests, how = select_tests(cmap(tmp_path, record), "pkg/unseen.py", 1, None, frozenset())
    assert len(tests) == 5
    assert how == ("not measured (ModuleNotFoundError: No module named 'coverage': install "
                   "coverage in the project's test environment); every passing test")


def test_order_breaks_ties_by_node_id(tmp_path: Path) -> None:
    record = {**RECORD, "tests": {"t.py::b": ["passed", 0.1], "t.py::a": ["passed", 0.1]}}
    assert order_tests({"t.py::b", "t.py::a"}, cmap(tmp_path, record), frozenset()) == ("t.py::a", "t.py::b")


def test_node_ids_match_test_functions_with_classes_and_parameters() -> None:
    fn = ChangedTest("tests/test_x.py", ("TestCart", "test_add"), 3, 9)
    assert matches("tests/test_x.py::TestCart::test_add[1-2]", (fn,)) is True
    assert matches("tests/test_x.py::TestCart::test_add", (fn,)) is True
    assert matches("tests/test_x.py::test_add", (fn,)) is False
    assert matches("tests/test_y.py::TestCart::test_add", (fn,)) is False


def test_the_diffs_tests_are_the_test_functions_with_added_lines(tmp_path: Path) -> None:
    repo = weakly_tested(tmp_path / "r")
    repo.write("tests/test_price.py", (repo.path / "tests/test_price.py").read_text()
               + "\n\ndef test_total_of_nothing():\n    assert total(0, 5) == 0\n")
    repo.commit("Another test")
    opened, change = change_of(repo, base="HEAD~2")
    assert diff_tests(change, repo.path, RULES) == (
        ChangedTest("tests/test_discount.py", ("test_discount_runs",), 4, 5),
        ChangedTest("tests/test_price.py", ("test_total_of_nothing",), 8, 9),
    )
