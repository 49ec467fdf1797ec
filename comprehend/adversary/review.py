"""A check run: the change -> the rules -> findings in scope -> the verdict, recorded in the
store. The verdict is computed from findings in code; nothing else can approve a change."""

from __future__ import annotations

import dataclasses
import getpass
import hashlib
import json
import os
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from comprehend import __version__, git
from comprehend.adversary import scope as scopes
from comprehend.adversary.acks import change_acks
from comprehend.adversary.basepolicy import policy_at_base, policy_changes
from comprehend.adversary.changes import Sources, read_change, resolve_spec
from comprehend.adversary.critic import critic_stage
from comprehend.adversary.diff import Change
from comprehend.adversary.findings import SEVERITY_ORDER, Finding, verdict
from comprehend.adversary.gaps import group_survivors
from comprehend.adversary.gotests import find_go_test_smells
from comprehend.adversary.injection import find_injections, load_injection_policy
from comprehend.adversary.jstests import find_js_test_smells
from comprehend.adversary.judged import note as unjudged_note
from comprehend.adversary.judged import settle, unjudged
from comprehend.adversary.links import changed_code
from comprehend.adversary.pytests import load_smell_policy
from comprehend.adversary.rewrites import find_rewrites
from comprehend.adversary.risky import find_risky, load_risky_policy
from comprehend.adversary.rules import apply_severities, severities
from comprehend.adversary.smells import find_smells
from comprehend.config import Config
from comprehend.git import Repository
from comprehend.llm import Budget
from comprehend.policy import builtin_dir, policy_file, policy_hash


@dataclass(frozen=True)
class CheckOptions:
    base: str | None = None
    head: str | None = None
    all_authors: bool = False
    fail_on: str | None = None  # None: [adversary] fail_on
    execute: bool = True  # False: --no-exec, static rules only
    shard: tuple[int, int] | None = None
    # More rules a surface adds (the comprehension gate of --require-quiz, which lives in
    # quiz/, above the adversary): called with the change, returns findings and notes.
    extra: Callable[[Change], tuple[list[Finding], list[str]]] | None = None
    llm: str | None = None  # a litellm model string; None: [llm] model (None: no critic)
    max_cost: float | None = None  # USD the critic may spend
    max_tokens: int | None = None  # tokens the critic may use
    allow_incomplete: bool = False  # languages not judged do not turn a pass into incomplete


@dataclass(frozen=True)
class CheckResult:
    # pass | fail | error (the tests could not be run, or the critic stopped: fails closed) |
    # incomplete (a pass with files not judged; judged.py)
    verdict: str
    fail_on: str
    findings: tuple[Finding, ...]
    run: dict[str, Any]  # who, base, head, hashes, scope, notes, shard, mutation stats, ...

    @property
    def notes(self) -> list[str]:
        return list(self.run.get("notes", []))

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "findings": [f.to_json() for f in self.findings],
                "run": self.run}

    @staticmethod
    def from_json(data: dict[str, Any]) -> CheckResult:
        return CheckResult(verdict=data["verdict"], fail_on=data["run"]["fail_on"],
                           findings=tuple(Finding.from_json(f) for f in data["findings"]),
                           run=data["run"])


Progress = Callable[[str], None]


def run_check(repo: Repository, config: Config, store: Any, options: CheckOptions,
              progress: Progress | None = None) -> CheckResult:
    say = progress or (lambda message: None)
    started, clock = now_iso(), time.monotonic()
    spec = resolve_spec(repo, options.base, options.head)
    base_policy = policy_at_base(repo, config, spec.base)  # never the head's own policy
    config = base_policy.config
    fail_on = options.fail_on or config.adversary.fail_on
    chosen = severities(config)  # checks [adversary] severity before any work
    say("reading the change")
    change = read_change(repo, spec)
    scope = _scope(repo, config, store, change, options, say)
    notes = [scope.description, base_policy.note, *_change_notes(repo, change)]
    findings = _static_findings(repo, config, store, change, notes, say)
    tampering = policy_changes(change, Sources(repo, change), config, repo.root)
    if options.extra is not None:
        say("comprehension gate")
        more, more_notes = options.extra(change)
        findings += more
        notes += more_notes
    mutation_stats: dict[str, Any] | None = None
    environment: dict[str, str] = {}
    mutated: set[str] = set()  # Go/JS/TS files whose mutation ran
    error: str | None = None
    if options.execute:
        say("mutation testing")
        from comprehend.adversary.sandbox import TestsCannotRun

        try:
            mutation_stats = _mutation(repo, config, scope.narrow(change), options.shard, notes,
                                       findings, say, environment, mutated)
        except TestsCannotRun as exc:  # fail closed: no verdict from tests that did not run
            error = str(exc)
            environment.update(exc.environment)
            notes += [f"error: {error}", *exc.environment.values()]
    else:
        notes.append("--no-exec: static rules only, no test was run (no surviving-mutant findings)")
    critic = critic_stage(repo, config, store, scope.narrow(change), options.llm or config.llm.model,
                          Budget(options.max_cost, options.max_tokens), options.execute, say,
                          options.shard)
    if critic is not None:
        findings += critic.findings
        notes += critic.notes

    findings = group_survivors(findings, change, Sources(repo, change), notes)  # one per gap
    findings = _dedupe([f for f in apply_severities(findings, chosen) if scope.covers(f)]
                       + apply_severities(tampering, chosen))  # whoever the author claims to be
    findings.sort(key=lambda f: (-SEVERITY_ORDER[f.severity], f.file, f.start_line, f.rule))
    # acknowledgments from the tip of the base branch: one landed there after the change
    # branched off still counts
    acks = change_acks(repo, git.resolve_ref(repo, spec.base_ref, option="--base"), spec.head)
    findings = acks.apply(repo, config, findings)
    notes += acks.notes
    gaps = unjudged(scope.narrow(change), options.execute, frozenset(mutated))
    notes += [n for n in [unjudged_note(gaps)] if n]
    outcome = "error" if error or (critic is not None and critic.stopped) \
        else settle(verdict(findings, fail_on), gaps, options.allow_incomplete)
    policy_files = _policy_files(config.policy_dir(repo.root))
    notes += [f"policy from the repository: adversary/{f.name}" for f in policy_files
              if f.overridden and f.path.resolve() != (builtin_dir("adversary") / f.name).resolve()]
    run: dict[str, Any] = {
        "kind": "check",
        "tool": f"comprehend {__version__}",
        "started_at": started,
        "finished_at": now_iso(),
        "seconds": round(time.monotonic() - clock, 2),
        "who": who_ran(repo),
        "repository": str(repo.root),
        "base_ref": spec.base_ref,
        "base": spec.base,
        "head_ref": spec.head_ref,
        "head": spec.head,
        "fail_on": fail_on,
        "executed": options.execute,
        "all_authors": scope.everything,
        "shard": f"{options.shard[0]}/{options.shard[1]}" if options.shard else None,
        "files_changed": len(change.files),
        "scope": scope.description,
        "config_hash": config_hash(config),
        "policy_hash": policy_hash(policy_files),
        "policy_files": sorted(f.name + (" (repository)" if f.overridden else "")
                               for f in policy_files),
        "mutation": mutation_stats,
        "llm": critic.summary if critic is not None else None,
        "error": error,
        "environment": environment,  # which interpreter ran the tests and why; isolation held
        "unjudged": [g.to_json() for g in gaps],
        "allow_incomplete": options.allow_incomplete,
        "notes": notes,
        "counts": _counts(findings),
        "acknowledged": sum(1 for f in findings if f.acknowledged is not None),
    }
    if store is not None:
        run["id"] = _record(store, run, outcome, findings, critic.calls if critic else ())
    return CheckResult(verdict=outcome, fail_on=fail_on, findings=tuple(findings), run=run)


def _scope(repo: Repository, config: Config, store: Any, change: Change,
           options: CheckOptions, say: Progress) -> scopes.Scope:
    if change.head is None:
        return scopes.everything("working-tree change: not committed yet, so no author to "
                                 "attribute; every changed line was reviewed")
    if options.all_authors:
        return scopes.everything("every author's changes (--all-authors)")
    say("attributing the change")
    return scopes.ai_scope(repo, config, store, change)


def _change_notes(repo: Repository, change: Change) -> list[str]:
    notes = []
    if repo.shallow:
        notes.append("shallow clone: attribution sees only the fetched history "
                     "(fetch with fetch-depth: 0 for all of it)")
    binary = [f.path for f in change.files if f.binary]
    if binary:
        notes.append(f"{len(binary)} binary file(s) changed, not read: {', '.join(binary[:5])}")
    return notes


def _static_findings(repo: Repository, config: Config, store: Any, change: Change,
                     notes: list[str], say: Progress) -> list[Finding]:
    sources = Sources(repo, change)
    smell_policy, _ = load_smell_policy(config.policy_dir(repo.root))
    risky_policy, _ = load_risky_policy(config.policy_dir(repo.root))
    say("static rules")
    findings = find_smells(change, sources, smell_policy)
    findings += find_injections(change, load_injection_policy(config.policy_dir(repo.root))[0])
    findings += find_go_test_smells(change, sources) + find_js_test_smells(change, sources)
    findings += find_risky(change, sources, risky_policy)
    graph = _graph_for(repo, config, store, change, smell_policy.layout, notes, say)
    code = changed_code(change, sources, smell_policy.layout, graph)
    return findings + find_rewrites(change, sources, smell_policy, code)


def _record(store: Any, run: dict[str, Any], outcome: str, findings: list[Finding],
            llm_calls: tuple[dict[str, Any], ...] = ()) -> int:
    from comprehend.store.runs import RunRecord, record_run

    summary_keys = ("fail_on", "scope", "notes", "shard", "mutation", "executed",
                    "all_authors", "base_ref", "head_ref", "counts", "llm", "error",
                    "environment", "unjudged")
    llm = run["llm"] or {}
    return record_run(store, RunRecord(
        kind="check", started_at=run["started_at"], finished_at=run["finished_at"],
        who=run["who"], base=run["base"], head=run["head"], policy_hash=run["policy_hash"],
        config_hash=run["config_hash"], verdict=outcome,
        summary={k: run[k] for k in summary_keys}, model=llm.get("model"),
        prompt_hash=llm.get("prompt_hash"), tokens=llm.get("tokens"), cost_usd=llm.get("cost_usd"),
    ), [f.to_json() for f in findings], list(llm_calls))


def _graph_for(repo: Repository, config: Config, store: Any, change: Change, layout: Any,
               notes: list[str], say: Progress) -> Any | None:
    """The code graph at head, only when tests and code both changed (rewrites need it)."""
    tests = any(layout.is_test_file(f.path) for f in change.files if not f.binary)
    code = any(not layout.is_test_file(f.path) for f in change.files if not f.binary)
    if not (tests and code):
        return None
    try:
        from comprehend.graph.build import build_graph
    except ImportError:
        notes.append("code graph not available in this build: tests were linked to changed code "
                     "by the names they call")
        return None
    say("building the code graph")
    return build_graph(repo, config, store, rev=change.head)


def _mutation(repo: Repository, config: Config, change: Change, shard: tuple[int, int] | None,
              notes: list[str], findings: list[Finding], progress: Progress,
              environment: dict[str, str], mutated: set[str]) -> dict[str, Any] | None:
    try:
        from comprehend.adversary.mutation import run_mutation
    except ImportError:
        notes.append("mutation testing is not available in this build: no surviving-mutant "
                     "findings (static rules ran)")
        return None
    if not any(f.added_lines for f in change.files):
        notes.append("mutation testing: no added lines in scope to mutate")
        return None
    report = run_mutation(repo, config, change, None, shard, progress=progress)
    findings.extend(report.findings)
    mutated.update(report.judged_files)
    environment.update(report.environment)
    notes.extend(report.notes)
    notes.extend(report.environment.values())
    stats = report.stats
    return stats.to_json() if hasattr(stats, "to_json") else dict(stats)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.fingerprint or f"{f.rule}:{f.file}:{f.start_line}:{f.title}", f)
    return list(seen.values())


def _counts(findings: list[Finding]) -> dict[str, int]:
    counts = {s: 0 for s in SEVERITY_ORDER}
    for f in findings:
        counts[f.severity] += 1
    return counts


def _policy_files(repo_root: Path) -> list:
    names = sorted(p.name for p in builtin_dir("adversary").iterdir()
                   if p.is_file() and p.suffix in (".toml", ".md"))
    own = repo_root / "adversary"
    if own.is_dir():
        names = sorted(set(names) | {p.name for p in own.iterdir()
                                     if p.is_file() and p.suffix in (".toml", ".md")})
    return [policy_file("adversary", name, repo_root) for name in names
            if (own / name).is_file() or (builtin_dir("adversary") / name).is_file()]


def config_hash(config: Config) -> str:
    data = json.dumps(_plain(dataclasses.replace(config, source=None, read_from=None,
                                                 policy_root=None)), sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict | types.MappingProxyType):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def who_ran(repo: Repository) -> str:
    """Who a stored run is recorded as: the CI actor, else git's identity, else the login."""
    actor = os.environ.get("GITHUB_ACTOR")
    if actor:
        return f"{actor} (GitHub Actions)"
    identity = git.current_identity(repo)
    if identity:
        return identity
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

