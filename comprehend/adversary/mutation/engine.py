"""Mutation testing of a change: the `surviving-mutant` rule.

Go and JS/TS lines go through native.py (their own test commands) after the Python ones.
For Python, in order: mutants of the Python lines the diff added or changed (mutate.py) -> an isolated
copy of the repository (sandbox.py) -> a clean baseline run that also maps lines to tests
(select.py) -> a forced-fail sanity run per mutated file, so tests that never import the
code cannot pass for a verdict -> the mutants, line by line on parallel workers, each
against the tests that run its line, stopping at the first failure and at the first
survivor on a line -> timed-out mutants re-run alone -> findings with re-runnable evidence.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.adversary.judged import LANGUAGE_OF
from comprehend.adversary.mutation.arid import AridRules, load_arid_rules
from comprehend.adversary.mutation.baseline import Baseline, probe_args
from comprehend.adversary.mutation.command import TestCommand, resolve_test_command
from comprehend.adversary.mutation.mutate import (
    FileMutants,
    Mutant,
    OperatorSet,
    load_operators,
    mutate_file,
)
from comprehend.adversary.mutation.native import NATIVE_LANGUAGES, NativeRun, native_targets
from comprehend.adversary.mutation.on_base import BaseRun, run_on_base
from comprehend.adversary.mutation.outcomes import (
    FindingContext,
    Outcome,
    Status,
    judge_line,
    mutant_findings,
)
from comprehend.adversary.mutation.output import OutputCapture, judge
from comprehend.adversary.mutation.select import (
    ChangedTest,
    diff_tests,
    matches,
    order_tests,
    select_tests,
)
from comprehend.adversary.sandbox import (
    ProbeServer,
    Sandbox,
    TestsCannotRun,
    pin_mtime,
    replace_file,
)
from comprehend.config import Config
from comprehend.errors import ConfigError, UserError
from comprehend.git import Repository
from comprehend.policy import policy_hash


@dataclass(frozen=True)
class MutationStats:
    mutants: int = 0  # generated for this shard: killed + survived + timed_out + skipped
    killed: int = 0
    survived: int = 0
    timed_out: int = 0
    skipped: int = 0  # not run: the line already had a survivor, or no test could judge it
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, Any]) -> MutationStats:
        return MutationStats(**{k: data[k] for k in MutationStats.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class MutationReport:
    findings: list[Finding]
    stats: MutationStats
    notes: list[str] = field(default_factory=list)
    # How the tests ran: "interpreter" (which python and why), "isolation", "limits", and
    # per Go/JS suite "tests:<language>:<folder>".
    environment: dict[str, str] = field(default_factory=dict)
    judged_files: tuple[str, ...] = ()  # Go/JS/TS files whose changed lines mutation judged


@dataclass(frozen=True)
class MutantProgress:
    """Sent to the progress callback after each mutant (besides one-line stage messages)."""

    done: int
    total: int
    survived: int


Progress = Callable[[Any], None]  # receives a str (a stage) or a MutantProgress


def run_mutation(repo: Repository, config: Config, change: Change, tests: list[str] | None,
                 shard: tuple[int, int] | None, progress: Progress | None = None) -> MutationReport:
    """Mutation-test the Python lines `change` added, in an isolated copy of the repository.
    `tests` narrows the test run (pytest paths or node ids); `shard=(k, n)` runs the k-th of
    n deterministic slices of the changed lines; `progress` receives one-line messages."""
    run = _Run(repo, config, change, tests, shard, progress or (lambda message: None))
    return run.execute()


@dataclass
class _Worker:
    index: int
    copy: Path
    server: ProbeServer | None = None


class _Run:
    def __init__(self, repo: Repository, config: Config, change: Change, tests: list[str] | None,
                 shard: tuple[int, int] | None, say: Progress) -> None:
        self.repo, self.config, self.change, self.say = repo, config, change, say
        self.extra_tests = list(tests or [])
        self.shard = shard
        if shard is not None and not (1 <= shard[0] <= shard[1]):
            raise UserError(f"--shard {shard[0]}/{shard[1]}: expected K/N with 1 <= K <= N")
        for key, problem in config.adversary.problems():
            raise ConfigError(f"[adversary] {key} {problem} (is {getattr(config.adversary, key)!r})")
        self.notes: list[str] = []
        self.clock = time.monotonic()
        self.test_command: TestCommand = resolve_test_command(config, repo.root)
        self.command = list(self.test_command.argv)
        self.pytest = self.test_command.pytest
        self.cancel = threading.Event()
        self.environment: dict[str, str] = {}  # what ran the tests, for the report

    # The whole run -----------------------------------------------------------------------

    def execute(self) -> MutationReport:
        policy_root = self.config.policy_dir(self.repo.root)  # the base's, in `check`
        operators, operator_files = load_operators(policy_root)
        rules, arid_file = load_arid_rules(policy_root)
        self.operators, self.rules = operators, rules
        self.policy = policy_hash([*operator_files, arid_file])
        native = native_targets(self.change, rules)
        findings, outcomes = self._python(self._targets(rules, native))
        judged: tuple[str, ...] = ()
        if native:
            more = NativeRun(self.repo, self.config, self.change, operators, rules, self.policy,
                             self.shard, self.say).execute(native)
            findings, outcomes = findings + more.findings, outcomes + more.outcomes
            self.notes += more.notes
            self.environment.update(more.environment)
            judged = tuple(sorted(more.files))
        return self._report(findings, outcomes, judged)

    def _python(self, targets: dict[str, frozenset[int]]) -> tuple[list[Finding], list[Outcome]]:
        if not targets:
            return [], []
        self.say("mutation: copying the repository into a sandbox")
        prefix = self.test_command.prefix()
        with Sandbox(self.repo, self.change.head, self.config.adversary,
                     readonly=(prefix,) if prefix else ()) as sandbox:
            self.sandbox = sandbox
            first = sandbox.build()
            self.environment = {"interpreter": self.test_command.describe(),
                                "isolation": sandbox.isolation.describe(),
                                "limits": f"limits per test process: {sandbox.limits.describe()}"}
            if sandbox.generated:
                shown = ", ".join(sandbox.generated[:5]) + (" ..." if len(sandbox.generated) > 5 else "")
                self.notes.append(f"sandbox: {len(sandbox.generated)} git-ignored files copied from the "
                                  f"working tree: {shown}")
            plans = self._plans(first, targets, self.operators, self.rules)
            groups = self._line_groups(plans)
            if not groups:
                return [], []
            mutants = [m for ms in groups.values() for m in ms]
            try:
                return self._test(first, plans, groups, mutants)
            except KeyboardInterrupt:
                self.cancel.set()
                raise
            except TestsCannotRun as exc:  # the report still says what ran the tests, and how
                exc.environment = dict(self.environment)
                raise

    def _targets(self, rules: AridRules, native: dict[str, frozenset[int]]) -> dict[str, frozenset[int]]:
        targets: dict[str, frozenset[int]] = {}
        other = 0
        for f in self.change.files:
            if f.status == "deleted" or not f.added_lines or f.path in native or \
                    LANGUAGE_OF.get(PurePosixPath(f.path).suffix.lower()) in NATIVE_LANGUAGES:
                continue  # Go/JS/TS: native.py's (tests and generated files are never mutated)
            if f.binary or not f.path.endswith(".py"):
                other += 1
            elif not rules.is_test_file(f.path) and not rules.is_skipped_file(f.path):
                targets[f.path] = f.added_lines
        if other:
            self.notes.append(f"mutation covers Python, Go and JS/TS source: {other} other changed "
                              "files not mutated")
        if not targets and not native:
            self.notes.append("mutation testing: no changed Python source lines to mutate")
        return targets

    def _plans(self, copy: Path, targets: dict[str, frozenset[int]], operators: OperatorSet,
               rules: AridRules) -> dict[str, FileMutants]:
        plans: dict[str, FileMutants] = {}
        arid = 0
        self.capture = OutputCapture(copy, rules)
        output = self.capture.any()  # else lines that only print stay arid
        for path, lines in sorted(targets.items()):
            try:
                source = (copy / path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self.notes.append(f"mutation: {path} is not UTF-8 text at head; not mutated")
                continue
            plan = mutate_file(path, source, lines, operators, rules, output=output)
            if plan.error:
                self.notes.append(f"mutation: {plan.error}; not mutated")
            arid += len(plan.arid_changed_lines)
            plans[path] = plan
        if arid:
            self.notes.append(f"mutation: {arid} changed lines left alone as arid (logging, print, "
                              "time, flags, __repr__...: adversary/arid.toml)")
        return plans

    def _line_groups(self, plans: dict[str, FileMutants]) -> dict[tuple[str, int], list[Mutant]]:
        groups: dict[tuple[str, int], list[Mutant]] = {}
        for plan in plans.values():
            for m in plan.mutants:
                groups.setdefault((m.file, m.line), []).append(m)
        keys = sorted(groups)
        if self.shard is not None:
            k, n = self.shard
            mine = keys[k - 1 :: n]
            self.notes.append(f"mutation shard {k}/{n}: {len(mine)} of {len(keys)} changed lines "
                              "with mutants")
            keys = mine
        return {key: groups[key] for key in keys}

    def _test(self, first: Path, plans: dict[str, FileMutants], groups: dict[tuple[str, int], list[Mutant]],
              mutants: list[Mutant]) -> tuple[list[Finding], list[Outcome]]:
        self.sources = {path: plan.source for path, plan in plans.items()}
        for path in {m.file for m in mutants}:
            pin_mtime(first / path)  # before the baseline caches its bytecode
        workers = self._worker_count(len(groups))
        self.sandbox.add_copies(workers)
        self.workers = [_Worker(i, copy) for i, copy in enumerate(self.sandbox.copies)]
        self.slots: queue.Queue[_Worker] = queue.Queue()
        for w in self.workers:
            self.slots.put(w)
        self.say("mutation: baseline test run")
        baseline = Baseline(self.sandbox, self.test_command, self.extra_tests,
                            self.config.adversary.baseline_timeout, self.notes, self._pool).run(mutants)
        self.cmap, self.base_seconds, self.overhead = baseline.cmap, baseline.seconds, baseline.overhead
        mutants, note = judge(plans, mutants, self.cmap, self.capture)  # printing lines
        self.notes += [note] if note else []
        if not mutants:
            return self._report([], [])
        kept = {m.id for m in mutants}
        groups = {k: [m for m in ms if m.id in kept] for k, ms in groups.items() if kept & {m.id for m in ms}}
        self.new_tests = self._diff_tests(first)
        # Set once one mutant is killed by the diff's tests and by no older test: then the
        # new tests add something, and no other mutant needs the older tests re-run.
        self.new_tests_add = threading.Event()
        if self.shard is not None or not self.new_tests:
            self.new_tests_add.set()
        self.by_id = {m.id: m for m in mutants}
        self.plan = {m.id: self._tests_for(m) for m in mutants}
        self._start_servers(mutants)
        blind = self._sanity(sorted({m.file for m in mutants}))
        outcomes: list[Outcome] = [Outcome(m, "skipped", how="its tests never load the file (sanity run)")
                                   for m in mutants if m.file in blind]
        todo = {key: ms for key, ms in groups.items() if key[0] not in blind}
        if todo:
            outcomes += self._mutants(todo)
            outcomes = self._rerun_timeouts(outcomes)
        for w in self.workers:
            if w.server is not None:
                w.server.stop()
        context = FindingContext(self.config, self.sources, self.operators, self.policy,
                                 self.test_command, tuple(self.extra_tests), self.cmap, self.new_tests,
                                 self.diff_functions, self.new_tests_add.is_set(), self._on_base)
        return mutant_findings(context, outcomes), outcomes

    def _on_base(self, tests: list[str]) -> BaseRun:
        """The diff's new tests run once against the base's code: only those that pass there
        can be said to add nothing (one that fails there tests the change)."""
        base = run_on_base(self.sandbox, self.repo, self.change, self.command, tests,
                           self.rules.is_test_file, self._timeout(tuple(tests), fresh=True))
        self.notes += [base.note] if base.note else []
        return base

    # Baseline and sanity -----------------------------------------------------------------

    def _diff_tests(self, copy: Path) -> frozenset[str]:
        self.diff_functions: tuple[ChangedTest, ...] = diff_tests(self.change, copy, self.rules)
        if self.cmap is None:
            return frozenset()
        return frozenset(n for n in self.cmap.passing if matches(n, self.diff_functions))

    def _tests_for(self, m: Mutant) -> tuple[tuple[str, ...], str]:
        if self.cmap is None:
            return (), "the whole test command"
        return select_tests(self.cmap, m.file, m.line, m.function_lines, self.new_tests)

    def _sanity(self, files: list[str]) -> set[str]:
        """Files whose tests still pass when importing the file fails: the tests never load it
        from the sandbox, so its mutants could only survive."""
        self.say("mutation: forced-fail sanity run")

        def check(path: str) -> tuple[str, bool]:
            picked: set[str] = set()
            for m in self.by_id.values():
                if m.file == path:
                    picked.update(self.plan[m.id][0])
            ordered = order_tests(picked, self.cmap, self.new_tests) if self.cmap else ()
            status = self._sanity_in_server(path, ordered)
            if status is None:  # the server has none of the file's functions loaded
                forced = "raise RuntimeError('comprehend: forced failure of the sanity run')\n"
                status, _ = self._with_source(path, forced, ordered, self._timeout(ordered, fresh=True))
            return path, status == "survived"

        results = self._pool(check, files)
        blind = {path for path, passed in results if passed}
        for path in sorted(blind):
            count = sum(1 for m in self.by_id.values() if m.file == path)
            self.notes.append(
                f"mutation: {path}: the tests still pass when importing it fails (forced-fail "
                f"sanity run), so they never load it from the sandbox; its {count} mutants were "
                "not run")
        return blind

    # Mutants -----------------------------------------------------------------------------

    def _start_servers(self, mutants: list[Mutant]) -> None:
        if not (self.pytest and self.cmap is not None and hasattr(os, "fork")):
            return
        files = sorted({t.split("::", 1)[0] for m in mutants for t in self.plan[m.id][0]})
        for w in self.workers:
            argv = [*self.command, *probe_args(self.sandbox, w.index), *files]
            env = self.sandbox.env(w.copy)
            w.server = ProbeServer(self.sandbox, argv, w.copy, env, self.sandbox.data / f"server-{w.index}.log")

    def _mutants(self, groups: dict[tuple[str, int], list[Mutant]]) -> list[Outcome]:
        total = sum(len(ms) for ms in groups.values())
        done = [0, 0]  # mutants judged, survivors
        lock = threading.Lock()
        self.say(MutantProgress(0, total, 0))

        def judged(outcome: Outcome) -> None:
            with lock:
                done[0] += 1
                done[1] += outcome.status == "survived"
                self.say(MutantProgress(done[0], total, done[1]))

        def line(mutants: list[Mutant]) -> list[Outcome]:
            worker = self.slots.get()
            try:
                return judge_line(mutants, lambda m: self._judge(worker, m), self.cancel, judged)
            finally:
                self.slots.put(worker)

        results = self._pool(line, list(groups.values()))
        return [o for outcomes in results for o in outcomes]

    def _judge(self, worker: _Worker, m: Mutant, alone: bool = False) -> Outcome:
        tests, how = self.plan[m.id]
        status, killer = self._run_mutant(worker, m, tests, alone)
        if status == "skipped":
            return Outcome(m, status, tests, "its tests were not collected")
        older = None
        if status == "killed" and killer in self.new_tests and not self.new_tests_add.is_set():
            older_tests = tuple(t for t in tests if t not in self.new_tests)
            older = False
            if older_tests:
                again, _ = self._run_mutant(worker, m, older_tests, alone)
                older = again in ("killed", "timeout")
            if not older:
                self.new_tests_add.set()
        return Outcome(m, status, tests, how, killer, older)

    def _run_mutant(self, worker: _Worker, m: Mutant, tests: tuple[str, ...],
                    alone: bool) -> tuple[Status, str | None]:
        source = self.sources[m.file]
        path = worker.copy / m.file
        replace_file(path, m.apply(source))
        try:
            if m.scopes and tests and worker.server is not None and worker.server.alive:
                timeout = self._timeout(tests, fresh=False, alone=alone)
                startup = 0.0 if worker.server.started else self._timeout((), fresh=True)
                job = {"id": m.id, "file": str(path), "scopes": [list(s) for s in m.scopes],
                       "tests": list(tests), "timeout": timeout,
                       "out": str(self.sandbox.data / f"{m.id}-{worker.index}.killer")}
                reply = worker.server.run(job, timeout + startup + self.config.adversary.timeout_slack)
                if reply is not None and reply["status"] in ("killed", "survived", "timeout"):
                    return reply["status"], reply.get("failed")
            return self._fresh(worker, tests, self._timeout(tests, fresh=True, alone=alone))
        finally:
            replace_file(path, source)

    def _sanity_in_server(self, path: str, tests: tuple[str, ...]) -> Status | None:
        """The sanity run in a forked child where every function of `path` raises."""
        worker = self.slots.get()
        try:
            if not tests or worker.server is None or not worker.server.alive:
                return None
            timeout = self._timeout(tests, fresh=False)
            startup = 0.0 if worker.server.started else self._timeout((), fresh=True)
            job = {"id": f"sanity:{path}", "sanity": True, "file": str(worker.copy / path),
                   "scopes": [], "tests": list(tests), "timeout": timeout,
                   "out": str(self.sandbox.data / f"sanity-{worker.index}.killer")}
            reply = worker.server.run(job, timeout + startup + self.config.adversary.timeout_slack)
            if reply is not None and reply["status"] in ("killed", "survived", "timeout"):
                return reply["status"]
            return None
        finally:
            self.slots.put(worker)

    def _with_source(self, path: str, text: str, tests: tuple[str, ...],
                     timeout: float) -> tuple[Status, str | None]:
        worker = self.slots.get()
        target = worker.copy / path
        replace_file(target, text)
        try:
            return self._fresh(worker, tests, timeout)
        finally:
            replace_file(target, self.sources[path])
            self.slots.put(worker)

    def _fresh(self, worker: _Worker, tests: tuple[str, ...], timeout: float) -> tuple[Status, str | None]:
        """One test process from scratch against the copy as it is on disk."""
        if self.cancel.is_set():
            raise KeyboardInterrupt
        copy = worker.copy
        if not self.pytest or not tests:
            result = self.sandbox.run([*self.command, *self.extra_tests], copy, self.sandbox.env(copy), timeout)
            if result.timed_out:
                return "timeout", None
            return ("survived" if result.exit_code == 0 else "killed"), None
        order = self.sandbox.data / f"order-{worker.index}.json"
        order.write_text(json.dumps(list(tests)), encoding="utf-8")
        out = self.sandbox.data / f"select-{worker.index}.json"
        out.unlink(missing_ok=True)
        files = list(dict.fromkeys(t.split("::", 1)[0] for t in tests))
        argv = [*self.command, *probe_args(self.sandbox, worker.index), "-x", *files]
        env = self.sandbox.env(copy, {"COMPREHEND_PROBE_MODE": "select",
                                      "COMPREHEND_PROBE_ORDER": str(order),
                                      "COMPREHEND_PROBE_OUT": str(out)})
        result = self.sandbox.run(argv, copy, env, timeout)
        if result.timed_out:
            return "timeout", None
        try:
            record = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {"failed": None, "ran": 0}
        if result.exit_code in (0, 5) and not record.get("ran"):
            return "skipped", None  # its tests were not collected: no verdict either way
        if result.exit_code == 0:
            return "survived", None
        return "killed", record.get("failed")  # a failure, or a collection the mutant broke

    def _rerun_timeouts(self, outcomes: list[Outcome]) -> list[Outcome]:
        """A mutant that timed out while other workers ran is re-run alone before it is judged."""
        slow = [i for i, o in enumerate(outcomes) if o.status == "timeout"]
        if not slow:
            return outcomes
        self.say(f"mutation: re-running {len(slow)} timed-out mutants alone")
        worker = self.slots.get()
        try:
            for i in slow:
                outcomes[i] = self._judge(worker, outcomes[i].mutant, alone=True)
        finally:
            self.slots.put(worker)
        return outcomes

    # Timing and pools --------------------------------------------------------------------

    def _worker_count(self, lines: int) -> int:
        wanted = self.config.adversary.workers or os.cpu_count() or 1
        return max(1, min(wanted, lines))

    def _timeout(self, tests: tuple[str, ...], fresh: bool, alone: bool = False) -> float:
        """factor x the tests' baseline time (plus process start-up for a fresh process),
        scaled by how many workers share the cores, plus the slack."""
        adversary = self.config.adversary
        if self.cmap is None:
            expected = self.base_seconds
        else:
            expected = self.cmap.seconds(tests) + (self.overhead if fresh else 0.0)
        workers = 1 if alone else len(getattr(self, "workers", [])) or 1
        scale = max(1.0, workers / (os.cpu_count() or 1))
        return expected * adversary.timeout_factor * scale + adversary.timeout_slack

    def _pool(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        """fn over items on the workers' threads; each call takes a free worker copy."""
        if len(self.workers) == 1 or len(items) == 1:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(max_workers=len(self.workers)) as pool:
            futures = [pool.submit(fn, item) for item in items]
            try:
                return [f.result() for f in futures]
            except BaseException:  # ctrl-c: stop the running tests now, not at their timeouts
                self.cancel.set()
                for f in futures:
                    f.cancel()
                self.sandbox.kill_processes()
                raise

    def _report(self, findings: list[Finding], outcomes: list[Outcome],
                judged: tuple[str, ...] = ()) -> MutationReport:
        count = {s: sum(1 for o in outcomes if o.status == s) for s in ("killed", "survived", "timeout", "skipped")}
        stats = MutationStats(
            mutants=len(outcomes), killed=count["killed"], survived=count["survived"],
            timed_out=count["timeout"], skipped=count["skipped"],
            seconds=round(time.monotonic() - self.clock, 2),
        )
        if outcomes:
            self.notes.append(_summary(outcomes, count))
        return MutationReport(findings=findings, stats=stats, notes=self.notes,
                              environment=dict(self.environment), judged_files=judged)


def _summary(outcomes: list[Outcome], count: dict[str, int]) -> str:
    """How many mutants ran and how many were skipped, and why."""
    ran = len(outcomes) - count["skipped"]
    line = (f"mutation: {len(outcomes)} mutants, {ran} ran ({count['killed']} killed, "
            f"{count['survived']} survived, {count['timeout']} timed out)")
    if count["skipped"]:
        why: dict[str, int] = {}
        for o in outcomes:
            if o.status == "skipped":
                why[o.how or "not run"] = why.get(o.how or "not run", 0) + 1
        line += f", {count['skipped']} skipped (" + "; ".join(f"{n}: {w}" for w, n in sorted(why.items())) + ")"
    return line
