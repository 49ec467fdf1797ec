"""Mutation of changed Go and JS/TS lines, through each language's own test command.

In order, as for Python (engine.py): mutants of the lines the change added (treemutate.py)
-> an isolated copy of the repository (sandbox.py, the same isolation, limits and kill) ->
per suite (a Go package, a JS/TS package: gosuite.py, jssuite.py) a baseline that must pass
and maps each test to the lines it runs -> a forced-fail run for files whose tests may not
load them -> the mutants, line by line on parallel workers, each against the tests that run
its line, stopping at the first survivor on a line -> `surviving-mutant` findings whose
command re-runs exactly those tests.

A language whose toolchain is missing is not mutated and not counted as judged: the check
says so in one note, and its verdict is `incomplete` (judged.py), never PASS. Tests that
cannot run (a failing baseline, a missing runner) raise TestsCannotRun: verdict `error`."""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.adversary.gotests import is_go_test
from comprehend.adversary.jstests import is_js_test
from comprehend.adversary.judged import LANGUAGE_OF, is_own_code
from comprehend.adversary.mutation.arid import AridRules
from comprehend.adversary.mutation.gosuite import COMPILER, GoSuite, go_module_root
from comprehend.adversary.mutation.jssuite import FORCED_FAILURE, JsSuite, js_package_root
from comprehend.adversary.mutation.mutate import Mutant, OperatorSet
from comprehend.adversary.mutation.outcomes import Outcome, judge_line, survivor_finding
from comprehend.adversary.mutation.rerun import with_mutant
from comprehend.adversary.mutation.suites import BaselineFacts, Suite, choose_tests
from comprehend.adversary.mutation.treemutate import mutate_tree_file
from comprehend.adversary.sandbox import Sandbox, TestsCannotRun, replace_file
from comprehend.adversary.treeblocks import GRAMMAR_OF
from comprehend.config import Config
from comprehend.git import Repository

NATIVE_LANGUAGES = frozenset({"go", "javascript", "typescript"})  # as judged.py names them
_TOOL = {"go": ("go", "Go (e.g. `apt-get install golang-go`, or https://go.dev/dl)"),
         "js": ("node", "Node.js (e.g. `apt-get install nodejs`, or https://nodejs.org)")}


@dataclass
class NativeResult:
    outcomes: list[Outcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)  # whose changed lines mutation judged


def native_targets(change: Change, rules: AridRules) -> dict[str, frozenset[int]]:
    """Changed Go/JS/TS source files (not tests, not vendored or generated) -> added lines."""
    out = {}
    for f in change.files:
        suffix = PurePosixPath(f.path).suffix.lower()
        if f.binary or f.status == "deleted" or not f.added_lines or suffix not in GRAMMAR_OF:
            continue
        if is_go_test(f.path) or is_js_test(f.path) or not is_own_code(f.path) \
                or rules.is_skipped_file(f.path):
            continue
        out[f.path] = f.added_lines
    return out


class NativeRun:
    def __init__(self, repo: Repository, config: Config, change: Change, operators: OperatorSet,
                 rules: AridRules, policy: str, shard: tuple[int, int] | None,
                 say: Callable[[Any], None]) -> None:
        self.repo, self.config, self.change, self.say = repo, config, change, say
        self.operators, self.rules, self.policy, self.shard = operators, rules, policy, shard
        self.result = NativeResult()
        self.cancel = threading.Event()

    def execute(self, targets: dict[str, frozenset[int]]) -> NativeResult:
        targets = self._with_toolchain(targets)
        if not targets:
            return self.result
        self.say("mutation: copying the repository into a sandbox (Go, JS/TS)")
        with Sandbox(self.repo, self.change.head, self.config.adversary) as box:
            self.box = box
            first = box.build()
            self.result.environment["isolation"] = box.isolation.describe()
            suites = self._suites(first, targets)
            plans = self._mutants(first, suites)
            if not plans:
                return self.result
            for suite in suites:
                suite.prepare(first)
            lines = self._line_groups(plans)
            box.add_copies(max(1, min(self.config.adversary.workers or os.cpu_count() or 1, len(lines))))
            self.slots: queue.Queue[Path] = queue.Queue()
            for copy in box.copies:
                self.slots.put(copy)
            try:
                self._judge_all(suites, plans, lines)
            except TestsCannotRun as exc:
                exc.environment = dict(self.result.environment)
                raise
        return self.result

    # --- what to mutate ----------------------------------------------------------------------

    def _with_toolchain(self, targets: dict[str, frozenset[int]]) -> dict[str, frozenset[int]]:
        kept = {}
        for kind, (tool, install) in _TOOL.items():
            mine = {p: lines for p, lines in targets.items() if (p.endswith(".go")) == (kind == "go")}
            if not mine:
                continue
            if shutil.which(tool) is None:
                self.result.notes.append(
                    f"mutation: `{tool}` is not on PATH, so the {len(mine)} changed "
                    f"{'Go' if kind == 'go' else 'JS/TS'} file(s) were not mutated; install "
                    f"{install} to judge them")
                continue
            kept.update(mine)
        return kept

    def _suites(self, copy: Path, targets: dict[str, frozenset[int]]) -> list[Suite]:
        self.lines_of = targets
        groups: dict[tuple, list[str]] = {}
        for path in sorted(targets):
            folder = str(PurePosixPath(path).parent).removeprefix(".")
            if path.endswith(".go"):
                module = go_module_root(copy, folder)
                key: tuple | None = ("go", module, folder) if module is not None else None
                why = "no go.mod above it"
            else:
                found = js_package_root(copy, folder)
                key = ("js", *found) if found is not None else None
                why = "no package.json with a scripts.test above it"
            if key is None:
                self.result.notes.append(f"mutation: {path} not mutated: {why}")
                continue
            groups.setdefault(key, []).append(path)
        suites: list[Suite] = []
        for key, files in groups.items():
            if key[0] == "go":
                suites.append(GoSuite(key[1], key[2], files))
            else:
                suites.append(JsSuite(self.repo.root, key[1], key[2], files))
        return suites

    def _mutants(self, copy: Path, suites: list[Suite]) -> dict[str, tuple[Suite, str, list[Mutant]]]:
        plans: dict[str, tuple[Suite, str, list[Mutant]]] = {}
        arid = 0
        for suite in suites:
            for path in suite.files:
                try:
                    source = (copy / path).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    self.result.notes.append(f"mutation: {path} is not UTF-8 text at head; not mutated")
                    continue
                grammar = GRAMMAR_OF[PurePosixPath(path).suffix.lower()]
                plan = mutate_tree_file(path, grammar, source, self.lines_of[path], self.operators, self.rules)
                if plan.error:
                    self.result.notes.append(f"mutation: {plan.error}; not mutated")
                    continue
                arid += len(plan.arid_changed_lines)
                plans[path] = (suite, source, list(plan.mutants))
                self.result.files.add(path)
        if arid:
            self.result.notes.append(f"mutation: {arid} changed Go/JS/TS lines left alone as arid "
                                     "(logging, printing, String()/toString(): adversary/arid.toml)")
        return plans

    def _line_groups(self, plans: dict[str, tuple[Suite, str, list[Mutant]]]) -> dict[tuple[str, int], list[Mutant]]:
        groups: dict[tuple[str, int], list[Mutant]] = {}
        for _, _, mutants in plans.values():
            for m in mutants:
                groups.setdefault((m.file, m.line), []).append(m)
        keys = sorted(groups)
        if self.shard is not None:
            k, n = self.shard
            mine = keys[k - 1 :: n]
            self.result.notes.append(f"mutation shard {k}/{n}: {len(mine)} of {len(keys)} changed "
                                     "Go/JS/TS lines with mutants")
            keys = mine
        return {key: groups[key] for key in keys}

    # --- running -------------------------------------------------------------------------------

    def _judge_all(self, suites: list[Suite], plans: dict[str, tuple[Suite, str, list[Mutant]]],
                   lines: dict[tuple[str, int], list[Mutant]]) -> None:
        self.plans = plans
        self.facts: dict[int, BaselineFacts] = {}
        adversary = self.config.adversary
        used = [s for s in suites if any(path in plans for path in s.files)]
        for suite in used:
            self.say(f"mutation: baseline run of {suite.describe()}")
            facts = suite.baseline(self.box, adversary.baseline_timeout)
            self.facts[id(suite)] = facts
            self.result.notes += facts.notes
            self.result.environment[f"tests:{suite.language}:{suite.folder}"] = \
                f"tests ran with {suite.describe()}, baseline {facts.seconds:.1f} s"
        blind = self._sanity(plans)
        outcomes = [Outcome(m, "skipped", how="its tests never load the file (sanity run)")
                    for key, ms in lines.items() if key[0] in blind for m in ms]
        todo = [ms for key, ms in lines.items() if key[0] not in blind]
        total = sum(len(ms) for ms in todo)
        self.say(f"mutation: {total} Go/JS/TS mutants on {len(todo)} lines")
        for group in self._pool(self._line, todo):
            outcomes += group
        outcomes = self._rerun_timeouts(outcomes)
        self.result.outcomes = outcomes
        by_language: dict[str, int] = {}
        for path in sorted(self.result.files):
            language = LANGUAGE_OF[PurePosixPath(path).suffix.lower()]
            by_language[language] = by_language.get(language, 0) + 1
        self.result.notes.append("mutation judged " + ", ".join(
            f"{n} {language} file(s)" for language, n in sorted(by_language.items()))
            + " by running their own tests (go test, the package's test script)")
        for suite in used:
            if isinstance(suite, GoSuite) and suite.compiled:
                self.result.notes.append(f"mutation: {suite.compiled} Go mutant(s) of {suite.target} "
                                         "did not build (an edit the types refuse) and were not counted")
        first: dict[tuple[str, int], Outcome] = {}
        for o in sorted(outcomes, key=lambda o: (o.mutant.file, o.mutant.line, o.mutant.start)):
            if o.status == "survived":
                first.setdefault((o.mutant.file, o.mutant.line), o)
        for o in first.values():
            suite, source, _ = plans[o.mutant.file]
            self.result.findings.append(survivor_finding(self.config, self.operators, self.policy,
                                                         source, o, with_mutant(suite.shown(o.tests))))

    def _rerun_timeouts(self, outcomes: list[Outcome]) -> list[Outcome]:
        """A mutant that timed out while other workers ran is run again alone before it is
        judged; one that still times out counts as caught (it made the code hang)."""
        slow = [i for i, o in enumerate(outcomes) if o.status == "timeout"]
        if slow:
            self.say(f"mutation: re-running {len(slow)} timed-out Go/JS/TS mutants alone")
        for i in slow:
            outcomes[i] = self._judge(self.box.copies[0], outcomes[i].mutant, alone=True)
        return outcomes

    def _sanity(self, plans: dict[str, tuple[Suite, str, list[Mutant]]]) -> set[str]:
        """Files the tests never load: their mutants could only survive, so none is run."""
        blind = set()
        for path, (suite, source, mutants) in plans.items():
            if not mutants:
                continue
            loads = suite.loads(path)
            if loads is None:
                copy = self.box.copies[0]
                replace_file(copy / path, FORCED_FAILURE)
                try:
                    status, _ = suite.run(self.box, copy, (), self._timeout(suite, alone=True))
                finally:
                    replace_file(copy / path, source)
                loads = status != "survived"
            if not loads:
                blind.add(path)
                self.result.notes.append(f"mutation: {path}: {suite.not_loaded()}, so no test "
                                         f"runs it; its {len(mutants)} mutants were not run")
        return blind

    def _line(self, mutants: list[Mutant]) -> list[Outcome]:
        copy = self.slots.get()
        try:
            return judge_line(mutants, lambda m: self._judge(copy, m), self.cancel)
        finally:
            self.slots.put(copy)

    def _judge(self, copy: Path, m: Mutant, alone: bool = False) -> Outcome:
        suite, source, _ = self.plans[m.file]
        facts = self.facts[id(suite)]
        tests, how = choose_tests(facts, m)
        target = copy / m.file
        replace_file(target, m.apply(source))
        try:
            status, killer = suite.run(self.box, copy, tests, self._timeout(suite, alone))
        finally:
            replace_file(target, source)
        if killer == COMPILER:  # our edit's fault, not a test's catch: no verdict
            return Outcome(m, "skipped", tests, "the mutant does not build (Go compiler)")
        return Outcome(m, status, tests, how, killer)

    def _timeout(self, suite: Suite, alone: bool = False) -> float:
        adversary = self.config.adversary
        workers = 1 if alone else len(self.box.copies)
        scale = max(1.0, workers / (os.cpu_count() or 1))
        seconds = self.facts[id(suite)].seconds if id(suite) in self.facts else 60.0
        return seconds * adversary.timeout_factor * scale + adversary.timeout_slack

    def _pool(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        if len(self.box.copies) == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(max_workers=len(self.box.copies)) as pool:
            futures = [pool.submit(fn, item) for item in items]
            try:
                return [f.result() for f in futures]
            except BaseException:  # ctrl-c or a failure: stop the running tests now
                self.cancel.set()
                for f in futures:
                    f.cancel()
                self.box.kill_processes()
                raise

