"""The baseline stage: a clean run of the tests in the sandbox that maps changed lines to the
tests that run them and times each test. It fails closed: when the tests cannot run well
enough to judge a mutant (they do not start, do not collect, none passes, or a run hits a
safety limit), it raises TestsCannotRun with one line saying why and how to fix it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from comprehend.adversary.mutation.command import TestCommand, why_tests_cannot_run
from comprehend.adversary.mutation.mutate import Mutant
from comprehend.adversary.mutation.select import (
    CoverageMap,
    merge_maps,
    read_probe_output,
    unmeasured_because,
)
from comprehend.adversary.sandbox import PROBE_MODULE, RunResult, Sandbox, TestsCannotRun


@dataclass(frozen=True)
class BaselineResult:
    cmap: CoverageMap | None  # None: not pytest, every mutant runs the whole command
    seconds: float  # the slowest baseline process
    overhead: float  # process start-up: what a process took beyond its tests


def probe_args(sandbox: Sandbox, worker: int) -> list[str]:
    copy = sandbox.copies[worker]
    return ["-p", PROBE_MODULE, f"--rootdir={copy}", f"--basetemp={sandbox.data / f'basetemp-{worker}'}"]


class Baseline:
    def __init__(self, sandbox: Sandbox, command: TestCommand, extra_tests: list[str],
                 timeout: float, notes: list[str],
                 pool: Callable[[Callable[[Any], Any], list[Any]], list[Any]]) -> None:
        self.sandbox, self.command, self.extra_tests = sandbox, command, extra_tests
        self.timeout, self.notes, self.pool = timeout, notes, pool

    def run(self, mutants: list[Mutant]) -> BaselineResult:
        """With pytest, one process per worker copy, each taking the next test class nobody
        has taken yet; otherwise the whole command once."""
        if not self.command.pytest:
            copy = self.sandbox.copies[0]
            argv = [*self.command.argv, *self.extra_tests]
            result = self.sandbox.run(argv, copy, self.sandbox.env(copy, write_bytecode=True), self.timeout)
            self._limit(result)
            if result.exit_code != 0:
                raise TestsCannotRun(why_tests_cannot_run(self.command, result.exit_code, result.output))
            self.notes.append("mutation: the test command is not pytest, so every mutant ran the "
                              "whole command (no per-line test selection)")
            return BaselineResult(None, result.seconds, 0.2)
        shards = len(self.sandbox.copies)
        self.claims = self.sandbox.data / "claims"  # test classes taken by a baseline process
        self.claims.mkdir()
        runs = self.pool(lambda k: self._shard(mutants, k, shards), list(range(shards)))
        for result, _ in runs:
            self._limit(result)
        broken = next((r for r, m in runs if m is None or r.exit_code not in (0, 1, 5)), None)
        if broken is not None:
            raise TestsCannotRun(why_tests_cannot_run(self.command, broken.exit_code, broken.output))
        cmap = merge_maps([m for _, m in runs if m is not None])
        if not cmap.tests:
            raise TestsCannotRun(f"`{self.command.shown()}` collected no tests in the sandbox, so no "
                                 "mutant can be judged; add tests, set [adversary] test_command, or "
                                 "run with --no-exec")
        if not cmap.passing:
            output = "\n".join(r.output for r, _ in runs)
            raise TestsCannotRun("no test passes before any mutation: "
                                 + why_tests_cannot_run(self.command, 1, output))
        if cmap.failing:
            listed = ", ".join(cmap.failing[:5]) + (" ..." if len(cmap.failing) > 5 else "")
            self.notes.append(f"mutation: {len(cmap.failing)} tests fail before any mutation and "
                              f"were left out: {listed}")
        if cmap.coverage_error:
            self.notes.append(f"mutation: no per-line coverage ({unmeasured_because(cmap)}): each "
                              "mutant ran every passing test of its file")
        overhead = max(0.2, *(r.seconds - m.seconds(list(m.tests)) for r, m in runs if m is not None))
        return BaselineResult(cmap, max(r.seconds for r, _ in runs), overhead)

    def _limit(self, result: RunResult) -> None:
        if result.limit is None:
            return
        fix = ("raise [adversary] baseline_timeout, or find the test that hangs"
               if result.timed_out else
               "raise the [adversary] limit (cpu_seconds, memory_mb, max_processes, "
               "max_file_mb) if the tests need it, or find the test that hit it")
        raise TestsCannotRun(f"the baseline run of `{self.command.shown()}` hit {result.limit}; "
                             f"{fix}")

    def _shard(self, mutants: list[Mutant], k: int, shards: int) -> tuple[RunResult, CoverageMap | None]:
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
            "COMPREHEND_PROBE_CLAIMS": str(self.claims) if shards > 1 else "",
        }, write_bytecode=True)
        argv = [*self.command.argv, *probe_args(self.sandbox, k), *self.extra_tests]
        result = self.sandbox.run(argv, copy, env, self.timeout)
        return result, read_probe_output(out)
