"""What a mutation run concludes: each mutant's outcome, and the findings they make
(`surviving-mutant` per line with a survivor, `tests-add-nothing` for new tests that kill
nothing older tests do not), with evidence a person re-runs in one line (rerun.py)."""

from __future__ import annotations

import shlex
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from comprehend.adversary.findings import Finding
from comprehend.adversary.mutation.command import TestCommand
from comprehend.adversary.mutation.mutate import Mutant, OperatorSet
from comprehend.adversary.mutation.on_base import BaseRun
from comprehend.adversary.mutation.rerun import closest_tests, lines_run, rerun_line
from comprehend.adversary.mutation.select import ChangedTest, CoverageMap, matches
from comprehend.config import Config

RULE = "surviving-mutant"
NO_NEW_KILLS = "tests-add-nothing"
Status = Literal["killed", "survived", "timeout", "skipped"]


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: Status
    tests: tuple[str, ...] = ()  # what ran against it, in order
    how: str = ""  # how those tests were chosen
    killer: str | None = None  # the first test that failed
    # For a mutant the diff's own tests killed: whether older tests kill it too.
    killed_by_older: bool | None = None


def judge_line(mutants: list[Mutant], judge: Callable[[Mutant], Outcome],
               cancel: threading.Event,
               judged: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """One line's mutants in order until one survives: a line makes one finding, so after
    its first survivor (or a cancel) the rest are skipped. `judged` hears of each outcome."""
    outcomes: list[Outcome] = []
    survived = False
    for m in mutants:
        if survived or cancel.is_set():
            outcomes.append(Outcome(m, "skipped", how="the line already has a survivor"))
        else:
            outcomes.append(judge(m))
            survived = outcomes[-1].status == "survived"
        if judged is not None:
            judged(outcomes[-1])
    return outcomes


@dataclass(frozen=True)
class FindingContext:
    config: Config
    sources: dict[str, str]  # file -> its text at head
    operators: OperatorSet
    policy: str  # hash of the operator and arid policy files
    command: TestCommand
    extra_tests: tuple[str, ...]
    cmap: CoverageMap | None
    new_tests: frozenset[str]  # the diff's own tests
    diff_functions: tuple[ChangedTest, ...]
    new_tests_add: bool  # some mutant was killed by the diff's tests and by no older one
    # Runs the given new tests against the base's code (mutation/on_base.py); None: not run.
    on_base: Callable[[list[str]], BaseRun] | None = None


def mutant_findings(self: FindingContext, outcomes: list[Outcome]) -> list[Finding]:
    findings: list[Finding] = []
    first_per_line: dict[tuple[str, int], Outcome] = {}
    for o in sorted(outcomes, key=lambda o: (o.mutant.file, o.mutant.line, o.mutant.start)):
        if o.status == "survived":
            first_per_line.setdefault((o.mutant.file, o.mutant.line), o)
    focus = lines_run(self.cmap)
    for o in first_per_line.values():
        findings.append(_survivor(self, o, focus))
    nothing = _tests_add_nothing(self, outcomes)
    if nothing is not None:
        findings.append(nothing)
    return findings

def _survivor(self: FindingContext, o: Outcome, focus: Counter[str]) -> Finding:
    rerun, named = rerun_line(self.command, closest_tests(o.mutant, o.tests, focus),
                              self.extra_tests)
    return survivor_finding(self.config, self.operators, self.policy, self.sources[o.mutant.file],
                            o, rerun, named)


def survivor_finding(config: Config, operators: OperatorSet, policy_hash: str, source: str,
                     o: Outcome, rerun: str, named: tuple[str, ...] = ()) -> Finding:
    """The `surviving-mutant` finding of one survivor; `rerun` applies the mutant, re-runs
    `named` (the closest tests) or the suite, and takes the mutant out again."""
    m = o.mutant
    line_before = source.splitlines()[m.line - 1].strip()
    line_after = m.apply(source).splitlines()[m.line - 1].strip()
    return Finding(
        rule=RULE,
        severity=config.adversary.severity.get(RULE, "medium"),  # type: ignore[arg-type]
        confidence=operators.get(m.operator).confidence,
        file=m.file,
        start_line=m.line,
        end_line=m.line,
        title=f"No test fails when {m.description} ({m.operator})",
        evidence={
            "mutant": m.unified_diff(source),
            "rerun": rerun,
            "operator": m.operator,
            "mutation": m.description,
            **({"tests": list(named)} if named else {}),
            "tests_run": len(o.tests),
            "tests_chosen": o.how,
            "mutant_id": m.id,
            "policy_hash": policy_hash,
        },
    ).with_fingerprint(f"{m.operator}\0{line_before}\0{line_after}")

def _tests_add_nothing(self: FindingContext, outcomes: list[Outcome]) -> Finding | None:
    """The diff added or changed tests, yet every mutant they kill an older test kills too."""
    if self.new_tests_add:
        return None
    ran = [o for o in outcomes if o.status in ("killed", "survived", "timeout")]
    if not ran:
        return None
    # only the new tests that also pass on the base: one that fails there tests the change
    base = self.on_base(sorted(self.new_tests)) if self.on_base is not None else None
    passed = set(base.passed) if base is not None else set(self.new_tests)
    if not passed:
        return None
    by_new = [o for o in ran if o.status == "killed" and o.killer in passed]
    functions = [f for f in self.diff_functions if any(matches(n, (f,)) for n in passed)]
    file = functions[0].file
    in_file = [f for f in functions if f.file == file]
    names = sorted(passed)
    return Finding(
        rule=NO_NEW_KILLS,
        severity=self.config.adversary.severity.get(NO_NEW_KILLS, "medium"),  # type: ignore[arg-type]
        confidence=0.8,
        file=file,
        start_line=min(f.first_line for f in in_file),
        end_line=max(f.last_line for f in in_file),
        title=(f"The diff's new or changed test {names[0].split('::', 1)[1]} kills no mutant "
               "that older tests do not also kill" if len(names) == 1 else
               f"The diff's {len(names)} new or changed tests kill no mutant that older tests "
               "do not also kill"),
        evidence={
            "new_tests": names,
            "mutants_run": len(ran),
            "killed_by_new_tests": len(by_new),
            "also_killed_by_older_tests": sum(1 for o in by_new if o.killed_by_older),
            **({"pass_on_base": names, "fail_on_base": list(base.failed)} if base is not None else {}),
            "test_command": shlex.join([*self.command.argv, *names]) if self.command.pytest else self.command.shown(),
            "policy_hash": self.policy,
        },
    ).with_fingerprint("\0".join(names))
