"""The catalog of check rules: each rule's id, default severity and the reason for it, and
the severity a repository chose for it in `[adversary] severity`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from comprehend.adversary.findings import SEVERITY_ORDER, Finding
from comprehend.config import Config
from comprehend.errors import ConfigError


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # default
    summary: str  # one line: what the rule reports
    why: str  # why this default severity


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("surviving-mutant", "medium",
         "A small change to a line the diff added survives every test that runs it.",
         "The tests run the line but would not notice it being wrong; a single survivor can "
         "be an equivalent mutant, so it asks for a look rather than blocking."),
    Rule("tests-add-nothing", "medium",
         "The diff's new or edited tests kill no mutant that older tests do not already kill.",
         "The new tests check nothing the suite did not check before, so they are no evidence "
         "for the change; they may still document behaviour, so it asks for a look rather "
         "than blocking."),
    Rule("test-cannot-fail", "high",
         "A test the diff adds or changes (a test function or a unittest.TestCase method) "
         "cannot fail: no assertion, only truthiness, a constant, a swallowed failure, "
         "pytest.raises(Exception) or assertRaises(Exception) unchecked, unreachable "
         "assertions, a sleep, or an assertion that restates a mock's setup.",
         "A test that cannot fail reports green whatever the code does: it is false evidence "
         "that a change works, the very thing a pre-merge gate must stop."),
    Rule("skipped-test", "medium",
         "The diff adds a skip or a non-strict xfail to a test.",
         "A skipped test checks nothing; with a stated reason it can be legitimate, so it is "
         "shown but does not block by default."),
    Rule("rewritten-expectation", "high",
         "A test's expected value changed in the same diff as the code it tests.",
         "The signature of a test edited to pass: the new expectation may encode the bug, and "
         "mutation testing cannot see it, since the rewritten test kills the mutants of the "
         "very code it now agrees with."),
    Rule("deleted-test", "high",
         "The diff deletes a test function or a test file.",
         "A deleted test is the simplest way to make a failing suite pass."),
    Rule("weakened-assertion", "medium",
         "An assertion became looser: == became in, is not None, a truthiness check or an "
         "ordering; a tolerance grew; pytest.raises lost its match or widened; an assertion "
         "was removed.",
         "Often a real loosening to hide a failure, sometimes a legitimate refactor: shown "
         "for review, not blocking by default."),
    Rule("new-dependency", "low",
         "The diff adds a dependency to a manifest (pyproject, requirements, package.json, "
         "go.mod, Cargo.toml, ...).",
         "New code from outside deserves a look (AI agents invent package names that "
         "attackers then register), but most additions are fine."),
    Rule("ci-config-change", "low",
         "The diff changes CI configuration or hooks.",
         "A changed pipeline can switch off the checks that would catch everything else; "
         "usually benign, so informational by default."),
    Rule("policy-change", "high",
         "The diff edits comprehend's own configuration or policy: .comprehend.toml, "
         "[tool.comprehend] in pyproject.toml, the adversary/ or quizzes/ folders, or the "
         "--config file; check used the base commit's instead.",
         "A change must not choose the rules it is judged by (a raised fail_on, a lowered "
         "severity, another test command, an edited smell rule): a person reviews it, and "
         "merges it past the gate knowingly."),
    Rule("secret", "high",
         "An added line contains something that looks like a credential.",
         "A committed secret is exposed to everyone with read access and stays in history."),
)}


def rule_finding(rule: str, *, confidence: float, file: str, line: int, title: str,
                 evidence: dict, end_line: int | None = None) -> Finding:
    """A finding of a catalogued rule at its default severity (`apply_severities` applies the
    repository's choice later); without a fingerprint yet."""
    return Finding(rule=rule, severity=RULES[rule].severity,  # type: ignore[arg-type]
                   confidence=confidence, file=file, start_line=line,
                   end_line=line if end_line is None else end_line, title=title,
                   evidence=evidence)


def severities(config: Config) -> dict[str, str]:
    """Rule id -> severity in force: the defaults with the repository's overrides, checked."""
    chosen = {rule_id: rule.severity for rule_id, rule in RULES.items()}
    where = config.source or "configuration"
    for rule_id, severity in config.adversary.severity.items():
        if rule_id not in RULES:
            raise ConfigError(
                f"{where}: [adversary] severity has unknown rule '{rule_id}' "
                f"(known: {', '.join(RULES)})"
            )
        if severity not in SEVERITY_ORDER:
            raise ConfigError(
                f"{where}: [adversary] severity.{rule_id} = '{severity}' must be one of "
                f"{', '.join(SEVERITY_ORDER)}"
            )
        chosen[rule_id] = severity
    return chosen


def apply_severities(findings: list[Finding], chosen: dict[str, str]) -> list[Finding]:
    """Findings with the severity in force for their rule. Rules not in the catalog keep
    their own, and so does a finding its rule lowered below the default for a stated reason
    (a deleted test whose code was deleted too is low whatever deleted-test is set to)."""
    return [f if f.rule in RULES and SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[RULES[f.rule].severity]
            else dataclasses.replace(f, severity=chosen.get(f.rule, f.severity)) for f in findings]
