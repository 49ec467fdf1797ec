"""Mutation testing of a change: the `surviving-mutant` rule.

In order: mutants of the Python lines the diff added or changed (mutate.py) -> an isolated
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
import re
import shlex
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from comprehend.adversary.diff import Change
from comprehend.adversary.findings import Finding
from comprehend.adversary.mutation.arid import AridRules, load_arid_rules
from comprehend.adversary.mutation.mutate import (
    FileMutants,
    Mutant,
    OperatorSet,
    load_operators,
    mutate_file,
)
from comprehend.adversary.mutation.select import (
    ChangedTest,
    CoverageMap,
    diff_tests,
    matches,
    merge_maps,
    order_tests,
    read_probe_output,
    select_tests,
)
from comprehend.adversary.sandbox import (
    PROBE_MODULE,
    ProbeServer,
    Sandbox,
    default_python,
    pin_mtime,
    replace_file,
)
from comprehend.config import Config
from comprehend.errors import UserError
from comprehend.git import Repository
from comprehend.policy import policy_hash

RULE = "surviving-mutant"
NO_NEW_KILLS = "tests-add-nothing"
Status = Literal["killed", "survived", "timeout", "skipped"]


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


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: Status
    tests: tuple[str, ...] = ()  # what ran against it, in order
    how: str = ""  # how those tests were chosen
    killer: str | None = None  # the first test that failed
    # For a mutant the diff's own tests killed: whether older tests kill it too.
    killed_by_older: bool | None = None


Progress = Callable[[str], None]


def run_mutation(repo: Repository, config: Config, change: Change, tests: list[str] | None,
                 shard: tuple[int, int] | None, progress: Progress | None = None) -> MutationReport:
    """Mutation-test the Python lines `change` added, in an isolated copy of the repository.
    `tests` narrows the test run (pytest paths or node ids); `shard=(k, n)` runs the k-th of
    n deterministic slices of the changed lines; `progress` receives one-line messages."""
    run = _Run(repo, config, change, tests, shard, progress or (lambda message: None))
    return run.execute()


def resolve_test_command(config: Config) -> list[str]:
    """[adversary] test_command, or `python -m pytest` of the active virtual environment."""
    if config.adversary.test_command:
        argv = shlex.split(config.adversary.test_command)
        if not argv:
            raise UserError("[adversary] test_command is empty; set it to the command that runs "
                            "the tests, e.g. \"python -m pytest\"")
        return argv
    return [default_python(), "-m", "pytest"]


def is_pytest(argv: list[str]) -> bool:
    names = [Path(a).name for a in argv]
    return any(n in ("pytest", "py.test") for n in names) or any(
        a == "-m" and b == "pytest" for a, b in zip(argv, argv[1:], strict=False))


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
        self.notes: list[str] = []
        self.clock = time.monotonic()
        self.command = resolve_test_command(config)
        self.pytest = is_pytest(self.command)
        self.cancel = threading.Event()

    # The whole run -----------------------------------------------------------------------

    def execute(self) -> MutationReport:
        policy_root = self.config.policy_dir(self.repo.root)  # the base's, in `check`
        operators, operator_files = load_operators(policy_root)
        rules, arid_file = load_arid_rules(policy_root)
        self.operators, self.rules = operators, rules
        self.policy = policy_hash([*operator_files, arid_file])
        targets = self._targets(rules)
        if not targets:
            return self._report([], [])
        self.say("mutation: copying the repository into a sandbox")
        with Sandbox(self.repo, self.change.head) as sandbox:
            self.sandbox = sandbox
            first = sandbox.build()
            plans = self._plans(first, targets, operators, rules)
            groups = self._line_groups(plans)
            if not groups:
                return self._report([], [])
            mutants = [m for ms in groups.values() for m in ms]
            try:
                return self._test(first, plans, groups, mutants)
            except KeyboardInterrupt:
                self.cancel.set()
                raise

    def _targets(self, rules: AridRules) -> dict[str, frozenset[int]]:
        targets: dict[str, frozenset[int]] = {}
        other = 0
        for f in self.change.files:
            if f.status == "deleted" or not f.added_lines:
                continue
            if f.binary or not f.path.endswith(".py"):
                other += 1
            elif not rules.is_test_file(f.path) and not rules.is_skipped_file(f.path):
                targets[f.path] = f.added_lines
        if other:
            self.notes.append(f"mutation covers Python only: {other} non-Python files not mutated")
        if not targets:
            self.notes.append("mutation testing: no changed Python source lines to mutate")
        return targets

    def _plans(self, copy: Path, targets: dict[str, frozenset[int]], operators: OperatorSet,
               rules: AridRules) -> dict[str, FileMutants]:
        plans: dict[str, FileMutants] = {}
        arid = 0
        for path, lines in sorted(targets.items()):
            try:
                source = (copy / path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self.notes.append(f"mutation: {path} is not UTF-8 text at head; not mutated")
                continue
            plan = mutate_file(path, source, lines, operators, rules)
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

    def _test(self, first: Path, plans: dict[str, FileMutants],
              groups: dict[tuple[str, int], list[Mutant]], mutants: list[Mutant]) -> MutationReport:
        self.sources = {path: plan.source for path, plan in plans.items()}
        for path in {m.file for m in mutants}:
            pin_mtime(first / path)  # before the baseline caches its bytecode
        workers = self._worker_count(len(groups))
        self.sandbox.add_copies(workers)
        self.workers = [_Worker(i, copy) for i, copy in enumerate(self.sandbox.copies)]
        self.slots: queue.Queue[_Worker] = queue.Queue()
        for w in self.workers:
            self.slots.put(w)
        self.overhead = 0.2
        baseline = self._baseline(mutants)
        if baseline is None:
            return self._report([], [Outcome(m, "skipped") for m in mutants])
        cmap, self.base_seconds = baseline
        self.cmap = cmap
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
        outcomes: list[Outcome] = [Outcome(m, "skipped", how="sanity") for m in mutants if m.file in blind]
        todo = {key: ms for key, ms in groups.items() if key[0] not in blind}
        if todo:
            outcomes += self._mutants(todo)
            outcomes = self._rerun_timeouts(outcomes)
        for w in self.workers:
            if w.server is not None:
                w.server.stop()
        return self._report(self._findings(outcomes), outcomes)

    # Baseline and sanity -----------------------------------------------------------------

    def _probe_args(self, copy: Path, worker: int) -> list[str]:
        return ["-p", PROBE_MODULE, f"--rootdir={copy}",
                f"--basetemp={self.sandbox.data / f'basetemp-{worker}'}"]

    def _baseline(self, mutants: list[Mutant]) -> tuple[CoverageMap | None, float] | None:
        """The coverage map and the wall time of a clean run, or None (with a note) when the
        tests do not pass cleanly enough to judge mutants. With pytest, one process per
        worker copy, each taking the next test class nobody has taken yet."""
        self.say("mutation: baseline test run")
        if not self.pytest:
            copy = self.sandbox.copies[0]
            argv = [*self.command, *self.extra_tests]
            result = self.sandbox.run(argv, copy, self.sandbox.env(copy, write_bytecode=True), timeout=None)
            if result.exit_code != 0:
                self.notes.append(f"mutation: the baseline run of `{shlex.join(self.command)}` failed "
                                  f"(exit {result.exit_code}): {_last_line(result.output)}; no mutant was run")
                return None
            self.notes.append("mutation: the test command is not pytest, so every mutant ran the "
                              "whole command (no per-line test selection)")
            return None, result.seconds
        shards = len(self.sandbox.copies)
        self._claims = self.sandbox.data / "claims"  # test classes taken by a baseline process
        self._claims.mkdir()
        runs = self._pool(lambda k: self._baseline_shard(mutants, k, shards), list(range(shards)))
        shown = shlex.join(self.command)
        maps = [cmap for _, cmap in runs]
        results = [result for result, _ in runs]
        broken = next((r for r, m in runs if m is None or r.exit_code not in (0, 1, 5)), None)
        if broken is not None:
            self.notes.append(f"mutation: the baseline run of `{shown}` failed (exit "
                              f"{broken.exit_code}): {_last_line(broken.output)}; no mutant was run")
            return None
        cmap = merge_maps([m for m in maps if m is not None])
        if not cmap.tests:
            self.notes.append(f"mutation: `{shown}` collected no tests in the sandbox; no mutant was run")
            return None
        if cmap.failing:
            listed = ", ".join(cmap.failing[:5]) + (" ..." if len(cmap.failing) > 5 else "")
            self.notes.append(f"mutation: {len(cmap.failing)} tests fail before any mutation and "
                              f"were left out: {listed}")
        if not cmap.passing:
            self.notes.append("mutation: no test passes in the baseline run; no mutant was run")
            return None
        if cmap.coverage_error:
            self.notes.append(f"mutation: no per-line coverage ({cmap.coverage_error}): each "
                              "mutant ran every passing test of its file")
        # Process start-up: what a shard took beyond its tests.
        self.overhead = max(0.2, *(r.seconds - m.seconds(list(m.tests)) for r, m in runs if m is not None))
        return cmap, max(r.seconds for r in results)

    def _baseline_shard(self, mutants: list[Mutant], k: int, shards: int):
        copy = self.sandbox.copies[k]
        out = self.sandbox.data / f"baseline-{k}.json"
        # A file with import-time mutants is measured whole by coverage.py; otherwise the
        # probe instruments the changed lines of its changed functions.
        whole = sorted({m.file for m in mutants if not m.scopes})
        functions: dict[str, dict[str, list]] = {}
        for m in mutants:
            if m.scopes and m.file not in whole:
                spec = functions.setdefault(os.path.realpath(copy / m.file), {"scopes": [], "lines": []})
                spec["scopes"] += [list(s) for s in m.scopes if list(s) not in spec["scopes"]]
                if m.line not in spec["lines"]:
                    spec["lines"].append(m.line)
        env = self.sandbox.env(copy, {
            "COMPREHEND_PROBE_MODE": "baseline", "COMPREHEND_PROBE_OUT": str(out),
            "COMPREHEND_PROBE_INCLUDE": os.pathsep.join(os.path.realpath(copy / f) for f in whole),
            "COMPREHEND_PROBE_FUNCTIONS": json.dumps(functions),
            "COMPREHEND_PROBE_CLAIMS": str(self._claims) if shards > 1 else "",
        }, write_bytecode=True)
        argv = [*self.command, *self._probe_args(copy, k), *self.extra_tests]
        result = self.sandbox.run(argv, copy, env, timeout=None)
        return result, read_probe_output(out)

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
            argv = [*self.command, *self._probe_args(w.copy, w.index), *files]
            env = self.sandbox.env(w.copy)
            w.server = ProbeServer(self.sandbox, argv, w.copy, env, self.sandbox.data / f"server-{w.index}.log")

    def _mutants(self, groups: dict[tuple[str, int], list[Mutant]]) -> list[Outcome]:
        total = sum(len(ms) for ms in groups.values())
        done = [0]
        lock = threading.Lock()

        def line(mutants: list[Mutant]) -> list[Outcome]:
            worker = self.slots.get()
            try:
                outcomes: list[Outcome] = []
                survived = False
                for m in mutants:
                    if survived or self.cancel.is_set():
                        outcomes.append(Outcome(m, "skipped", how="the line already has a survivor"))
                    else:
                        outcome = self._judge(worker, m)
                        survived = outcome.status == "survived"
                        outcomes.append(outcome)
                    with lock:
                        done[0] += 1
                        self.say(f"mutation: mutant {done[0]}/{total}")
                return outcomes
            finally:
                self.slots.put(worker)

        results = self._pool(line, list(groups.values()))
        return [o for outcomes in results for o in outcomes]

    def _judge(self, worker: _Worker, m: Mutant, alone: bool = False) -> Outcome:
        tests, how = self.plan[m.id]
        status, killer = self._run_mutant(worker, m, tests, alone)
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
        argv = [*self.command, *self._probe_args(copy, worker.index), "-x", *files]
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

    # Findings ----------------------------------------------------------------------------

    def _findings(self, outcomes: list[Outcome]) -> list[Finding]:
        findings: list[Finding] = []
        first_per_line: dict[tuple[str, int], Outcome] = {}
        for o in sorted(outcomes, key=lambda o: (o.mutant.file, o.mutant.line, o.mutant.start)):
            if o.status == "survived":
                first_per_line.setdefault((o.mutant.file, o.mutant.line), o)
        for o in first_per_line.values():
            findings.append(self._survivor(o))
        nothing = self._tests_add_nothing(outcomes)
        if nothing is not None:
            findings.append(nothing)
        return findings

    def _survivor(self, o: Outcome) -> Finding:
        m = o.mutant
        source = self.sources[m.file]
        policy = self.operators.get(m.operator)
        line_before = source.splitlines()[m.line - 1].strip()
        line_after = m.apply(source).splitlines()[m.line - 1].strip()
        return Finding(
            rule=RULE,
            severity=self.config.adversary.severity.get(RULE, "medium"),  # type: ignore[arg-type]
            confidence=policy.confidence,
            file=m.file,
            start_line=m.line,
            end_line=m.line,
            title=f"No test fails when {m.description} ({m.operator})",
            evidence={
                "mutant": m.unified_diff(source),
                "test_command": self._display_command(o.tests),
                "operator": m.operator,
                "mutation": m.description,
                "tests_run": len(o.tests),
                "tests_chosen": o.how,
                "mutant_id": m.id,
                "policy_hash": self.policy,
            },
        ).with_fingerprint(f"{m.operator}\0{line_before}\0{line_after}")

    def _display_command(self, tests: tuple[str, ...]) -> str:
        if not self.pytest or not tests or (self.cmap is not None and set(tests) == self.cmap.passing
                                            and not self.cmap.failing and len(tests) > 20):
            return shlex.join([*self.command, *self.extra_tests])
        return shlex.join([*self.command, "-x", *tests])

    def _tests_add_nothing(self, outcomes: list[Outcome]) -> Finding | None:
        """The diff added or changed tests, yet every mutant they kill an older test kills too."""
        if self.new_tests_add.is_set():
            return None
        ran = [o for o in outcomes if o.status in ("killed", "survived", "timeout")]
        if not ran:
            return None
        by_new = [o for o in ran if o.status == "killed" and o.killer in self.new_tests]
        functions = [f for f in self.diff_functions if any(matches(n, (f,)) for n in self.new_tests)]
        file = functions[0].file
        in_file = [f for f in functions if f.file == file]
        names = sorted(self.new_tests)
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
                "test_command": shlex.join([*self.command, *names]) if self.pytest else shlex.join(self.command),
                "policy_hash": self.policy,
            },
        ).with_fingerprint("\0".join(names))

    def _report(self, findings: list[Finding], outcomes: list[Outcome]) -> MutationReport:
        count = {s: sum(1 for o in outcomes if o.status == s) for s in ("killed", "survived", "timeout", "skipped")}
        stats = MutationStats(
            mutants=len(outcomes), killed=count["killed"], survived=count["survived"],
            timed_out=count["timeout"], skipped=count["skipped"],
            seconds=round(time.monotonic() - self.clock, 2),
        )
        return MutationReport(findings=findings, stats=stats, notes=self.notes)


def _last_line(output: str) -> str:
    """What a failed run said: its first error (pytest's `E   ...` lines) and its last line."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    if not lines:
        return "no output"
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    named = [e for e in errors if re.match(r"[\w.]*(Error|Exception)\b", e)]
    first_error = (named or errors or [None])[0]
    last = lines[-1].strip("= ")
    return (f"{first_error[:200]} ({last[:100]})" if first_error else last[:200])
