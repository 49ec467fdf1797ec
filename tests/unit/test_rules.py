"""The rule catalogue: every rule a check can report is registered, so `[adversary] severity`
can set it and SARIF describes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from comprehend.adversary.findings import Finding
from comprehend.adversary.mutation import NO_NEW_KILLS
from comprehend.adversary.review import CheckResult
from comprehend.adversary.rules import RULES, apply_severities, severities
from comprehend.config import load_config
from comprehend.errors import ConfigError
from comprehend.report.formats import render


def no_new_kills(severity: str = "medium") -> Finding:
    return Finding(rule=NO_NEW_KILLS, severity=severity, confidence=0.7,  # type: ignore[arg-type]
                   file="tests/test_shop.py", start_line=4, end_line=4,
                   title="the new tests kill no mutant older tests miss",
                   evidence={}).with_fingerprint("tests/test_shop.py")


def test_tests_add_nothing_is_a_registered_medium_rule() -> None:
    rule = RULES["tests-add-nothing"]
    assert (rule.id, rule.severity) == ("tests-add-nothing", "medium")
    assert rule.summary == ("The diff's new or edited tests kill no mutant that older tests do "
                            "not already kill, and pass on the base's code too.")


def test_tests_add_nothing_severity_is_configurable(tmp_path: Path) -> None:
    (tmp_path / ".comprehend.toml").write_text(
        '[adversary]\nseverity = { tests-add-nothing = "high" }\n')
    chosen = severities(load_config(tmp_path))
    assert chosen["tests-add-nothing"] == "high"
    (finding,) = apply_severities([no_new_kills()], chosen)
    assert finding.severity == "high"


def test_a_bad_severity_for_tests_add_nothing_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / ".comprehend.toml"
    path.write_text('[adversary]\nseverity = { tests-add-nothing = "severe" }\n')
    with pytest.raises(ConfigError, match=r"severity\.tests-add-nothing = 'severe' must be one of"):
        severities(load_config(tmp_path))


def test_sarif_describes_tests_add_nothing() -> None:
    run = {"kind": "check", "base": "a" * 40, "head": "b" * 40, "fail_on": "high",
           "shard": None, "notes": [], "mutation": None, "policy_hash": "p" * 16,
           "config_hash": "c" * 16, "seconds": 1.0, "tool": "comprehend 0.1.0"}
    log = json.loads(render(CheckResult(verdict="pass", fail_on="high",
                                        findings=(no_new_kills(),), run=run), "sarif"))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    described = rules["tests-add-nothing"]
    assert described["name"] == "TestsAddNothing"
    assert described["defaultConfiguration"] == {"level": "warning"}
    assert described["help"]["text"].startswith(
        "The diff's new or edited tests kill no mutant that older tests do not already kill, "
        "and pass on the base's code too. Why: The new tests check nothing the suite did not check before")
    assert log["runs"][0]["results"][0]["ruleIndex"] == list(rules).index("tests-add-nothing")
