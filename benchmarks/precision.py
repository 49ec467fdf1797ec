"""Benchmark: how often the static rules speak on real AI-authored commits, and how often
they would stop one at the default gate.

    python benchmarks/precision.py DIR [--limit N] [--findings FILE] [--sample N] [--every-commit]

DIR is a git repository with a work tree (a clone of a well-tested project). Every commit
the attribution engine calls AI-authored is checked the way `comprehend check --no-exec
--base SHA^1 --head SHA` would (its first parent as the base; root commits are skipped),
with a throwaway store in a temporary folder, so DIR is only read. `--every-commit` checks
every non-merge commit instead, whoever wrote it (as `--all-authors` would; with `--limit`,
the newest N), for a project with few AI-authored ones. The script prints the
findings per rule per 100 commits, the share of commits the default gate (fail_on = high)
would fail, and the time per commit. `--findings FILE` writes every finding as JSON lines
(commit, rule, file, line, title, evidence) for reading them one by one; `--sample N`
prints N of them, picked with a fixed seed, to judge true/debatable/false by hand.

Precision is not something a script can measure: a finding is true when a person who reads
the test and the code agrees. The figures here are the rate side; ARCHITECTURE.md records
the judged samples.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # PYTHONPATH first: a benchmark of another checkout

from comprehend import git  # noqa: E402
from comprehend.adversary.findings import at_or_above  # noqa: E402
from comprehend.adversary.review import CheckOptions, run_check  # noqa: E402
from comprehend.history.attribution import classify_commits  # noqa: E402
from comprehend.workspace import open_workspace  # noqa: E402


def ai_commits(ws, every: bool = False) -> list[tuple[str, str, str]]:
    """(sha, first parent, subject) of every AI-authored non-root commit (every commit with
    `every`), oldest first."""
    ai = [c for c in reversed(classify_commits(ws.repo, ws.config, "HEAD"))
          if every or c.cls == "ai"]
    if not ai:
        return []
    lines = git.git_text(["rev-list", "--parents", "--no-walk=unsorted", *(c.sha for c in ai)],
                         ws.repo.root).splitlines()
    first_parent = {shas[0]: shas[1] for shas in (line.split() for line in lines)
                    if len(shas) == 2 or (len(shas) > 2 and not every)}  # --every-commit: no merges
    return [(c.sha, first_parent[c.sha], c.subject) for c in ai if c.sha in first_parent]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="only the newest N AI commits")
    ap.add_argument("--findings", type=Path, help="write every finding here as JSON lines")
    ap.add_argument("--sample", type=int, default=0, help="print N findings to judge by hand")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--every-commit", action="store_true",
                    help="check every commit, not only AI-authored ones (a project with few)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="comprehend-precision-") as tmp:
        ws = open_workspace(args.dir, db=Path(tmp) / "store.db")
        commits = ai_commits(ws, args.every_commit)
        if args.limit:
            commits = commits[-args.limit:]
        if not commits:
            print(f"{args.dir}: no {'' if args.every_commit else 'AI-authored '}commit found",
                  file=sys.stderr)
            return 2
        fail_on = ws.config.adversary.fail_on
        per_rule: Counter[str] = Counter()
        blocking: Counter[str] = Counter()
        failed = 0
        unreadable: list[str] = []  # e.g. a partial clone whose blobs are not all present
        rows = []
        clock = time.monotonic()
        with ws.open_store() as store:
            for i, (sha, parent, subject) in enumerate(commits, 1):
                print(f"\r[{i}/{len(commits)}] {sha[:10]}", end="", file=sys.stderr, flush=True)
                try:
                    result = run_check(ws.repo, ws.config, store,
                                       CheckOptions(base=parent, head=sha, execute=False,
                                                    all_authors=args.every_commit))
                except Exception as exc:  # noqa: BLE001 - counted and shown, the run goes on
                    unreadable.append(f"{sha[:10]}: {type(exc).__name__}: {str(exc)[:120]}")
                    continue
                if result.verdict == "fail":
                    failed += 1
                for f in result.findings:
                    per_rule[f.rule] += 1
                    if at_or_above(f.severity, fail_on):
                        blocking[f.rule] += 1
                    rows.append({"commit": sha, "subject": subject, "rule": f.rule,
                                 "severity": f.severity, "file": f.file, "line": f.start_line,
                                 "title": f.title, "evidence": f.evidence})
        seconds = time.monotonic() - clock
        print(file=sys.stderr)

    n = len(commits) - len(unreadable)
    if unreadable:
        print(f"{len(unreadable)} commit(s) could not be checked and are left out, first: "
              f"{unreadable[0]}")
    kind = "" if args.every_commit else "AI-authored "
    print(f"{args.dir}: {n} {kind}commits checked (--no-exec, each against its first "
          f"parent), {seconds / n:.2f} s per commit")
    print(f"{'rule':<24}{'findings':>10}{'per 100 commits':>17}{'at/above ' + fail_on:>16}")
    for rule, count in sorted(per_rule.items(), key=lambda kv: -kv[1]):
        print(f"{rule:<24}{count:>10}{100 * count / n:>17.1f}{blocking[rule]:>16}")
    print(f"{'all rules':<24}{sum(per_rule.values()):>10}{100 * sum(per_rule.values()) / n:>17.1f}"
          f"{sum(blocking.values()):>16}")
    print(f"commits the default gate (fail_on = {fail_on}) would fail: {failed} of {n} "
          f"({100 * failed / n:.1f}%)")
    if args.findings:
        args.findings.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
        print(f"findings written to {args.findings}")
    if args.sample and rows:
        picked = random.Random(args.seed).sample(rows, min(args.sample, len(rows)))
        for r in picked:
            print(f"\n--- {r['rule']} {r['commit'][:10]} {r['file']}:{r['line']}  {r['title']}")
            ev = r["evidence"]
            for key in ("why", "old_assertion", "new_assertion", "link"):
                if key in ev:
                    print(f"    {key}: {ev[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
