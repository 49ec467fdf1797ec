"""The LLM critic's overhead, against a scripted OpenAI-compatible server on 127.0.0.1.

Per check: the critic stage's wall time beside its floor in the same run, the proposed
tests run by plain pytest in a ready copy (head, and base for the regression). Overhead =
stage - floor: building the context (code graph, redaction, ranking), the local model
round trip, the sandbox copies. Target: under 2 s plus the tests. Also tokens sent per
100 changed lines (litellm's tokenizer for gpt-4o-mini when it works offline, else 4
characters a token), and the cache hit rate when the same change is checked again.
litellm's import (a one-off per process) is measured apart.

    python benchmarks/llm.py [--functions 12] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from critic_repos import FALSE_BUG, REGRESSION, TRUE_BUG, answer, shop_change  # noqa: E402
from gitrepo import BASE_ENV, git  # noqa: E402
from llm_server import Answer, ScriptedServer  # noqa: E402

from comprehend.adversary.changes import read_change, resolve_spec  # noqa: E402
from comprehend.adversary.critic import run_critic  # noqa: E402
from comprehend.adversary.sandbox import default_python  # noqa: E402
from comprehend.config import Config, LlmConfig  # noqa: E402
from comprehend.git import open_repository  # noqa: E402
from comprehend.llm import Budget  # noqa: E402

TARGET_OVERHEAD = 2.0
MODEL = "openai/scripted"


def grow(repo_path: Path, functions: int) -> None:
    """Make the AI commit bigger: `functions` more documented functions with their tests."""
    body = ['''

def tier_{i}(amount, rate={r}):
    """Price tier {i}: amounts over {limit} pay {r} of the amount, others pay it all."""
    if amount > {limit}:
        scaled = amount * rate
        return round(scaled, 2)
    return amount
''' .format(i=i, r=round(0.5 + i / 100, 2), limit=100 + i * 10) for i in range(functions)]
    price = repo_path / "shop" / "price.py"
    price.write_text(price.read_text() + "".join(body))
    tests = ["from shop.price import " + ", ".join(f"tier_{i}" for i in range(functions)) + "\n"]
    tests += [f"\n\ndef test_tier_{i}():\n    assert tier_{i}(1) == 1\n" for i in range(functions)]
    (repo_path / "tests" / "test_tiers.py").write_text("".join(tests))
    env = {"GIT_AUTHOR_NAME": "Claude", "GIT_AUTHOR_EMAIL": "noreply@anthropic.com",
           "GIT_COMMITTER_NAME": "Claude", "GIT_COMMITTER_EMAIL": "noreply@anthropic.com"}
    git(repo_path, "add", "-A", env=env)
    git(repo_path, "commit", "-q", "--amend", "--no-edit", env=env)


def tests_floor(repo_path: Path, runs: int) -> float:
    """Plain pytest on the three proposed tests in ready copies of head and base."""
    work = Path(tempfile.mkdtemp(prefix="comprehend-bench-llm-"))
    seconds = []
    try:
        for rev, tests in (("HEAD", [TRUE_BUG, FALSE_BUG, REGRESSION]), ("HEAD~1", [REGRESSION])):
            copy = work / rev.replace("~", "_")
            subprocess.run(["git", "-C", str(repo_path), "worktree", "add", "-q", "--detach",
                            str(copy), rev], check=True, env={**os.environ, **BASE_ENV})
            for i, claim in enumerate(tests):
                (copy / f"test_claim_{i}.py").write_text(claim["test"])
        for _ in range(runs):
            started = time.perf_counter()
            for rev, count in (("HEAD", 3), ("HEAD_1", 1)):
                subprocess.run([default_python(), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                *[f"test_claim_{i}.py" for i in range(count)]],
                               cwd=work / rev, capture_output=True,
                               env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
            seconds.append(time.perf_counter() - started)
    finally:
        subprocess.run(["git", "-C", str(repo_path), "worktree", "prune"], check=False)
        shutil.rmtree(work, ignore_errors=True)
    return statistics.median(seconds)


def count_tokens(messages: list[dict]) -> tuple[int, str]:
    try:
        import litellm

        return int(litellm.token_counter(model="gpt-4o-mini", messages=messages)), "litellm"
    except Exception:
        return sum(len(m["content"]) for m in messages) // 4, "4 chars/token"


def measure(functions: int, runs: int, server: ScriptedServer) -> dict:
    base = Path(tempfile.mkdtemp(prefix="comprehend-bench-repo-"))
    try:
        stage, inside, context_only, tokens, changed, hits = [], [], [], [], 0, []
        floor = None
        for run in range(runs):
            path = base / f"shop{run}"
            shop_change(path)
            if functions:
                grow(path, functions)
            repo = open_repository(path)
            change = read_change(repo, resolve_spec(repo, "HEAD~1", "HEAD"))
            config = Config(llm=LlmConfig(api_base=server.url, timeout=30.0))
            before = len(server.received)
            started = time.perf_counter()
            first = run_critic(repo, config, None, change, MODEL, Budget())
            stage.append(time.perf_counter() - started)
            assert first.stopped is None, first.stopped
            # the proposed tests' own pytest processes inside the stage: one batch on head,
            # one on base for the regression
            head_s = max(f.evidence["head"]["seconds"] for f in first.findings)
            base_s = max(f.evidence.get("base", {}).get("seconds", 0.0) for f in first.findings)
            inside.append(head_s + base_s)
            assert first.summary["confirmed"] == 2, first.summary
            sent = [json.loads(b)["messages"] for b in server.received[before:]]
            counted, how = count_tokens(sent[0])
            fixed, _ = count_tokens([{"role": m["role"], "content": _without_blocks(m["content"])}
                                     for m in sent[0]])
            tokens.append((counted, counted - fixed))
            changed = first.summary["changed_lines"]
            context_only.append(_context_seconds(repo, change, config))
            again = run_critic(repo, config, None, change, MODEL, Budget())
            hits.append(again.summary["cached"] / max(1, again.summary["calls"]))
            assert len(server.received) == before + 1  # the re-run made no request
            if floor is None:
                floor = tests_floor(path, runs)
        overheads = [s - t for s, t in zip(stage, inside, strict=True)]
        total, context = (statistics.median(t[k] for t in tokens) for k in (0, 1))
        return {"functions": functions, "changed_lines": changed,
                "stage_s": statistics.median(stage), "tests_in_stage_s": statistics.median(inside),
                "overhead_s": statistics.median(overheads),
                "context_s": statistics.median(context_only), "tests_floor_s": floor,
                "tokens": total, "context_per_100_lines": context / changed * 100,
                "tokenizer": how, "cache_hit_rate": statistics.mean(hits)}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _without_blocks(text: str) -> str:
    """The prompt without its data blocks: the fixed cost of instructions."""
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith("<<<DATA "):
            inside = True
        elif line.startswith("<<<END "):
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _context_seconds(repo, change, config) -> float:
    from comprehend.adversary.changes import Sources
    from comprehend.adversary.critic_context import build_context
    from comprehend.adversary.outbound import load_outbound
    from comprehend.graph.build import build_graph

    started = time.perf_counter()
    graph = build_graph(repo, config, None, rev=change.head)
    build_context(repo, change, Sources(repo, change), graph, load_outbound(repo.root)[0],
                  config.llm.context_tokens)
    return time.perf_counter() - started


def litellm_import_seconds() -> float:
    code = ("import os, time; os.environ['LITELLM_LOCAL_MODEL_COST_MAP']='True'; "
            "t=time.perf_counter(); import litellm; print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=12,
                        help="extra functions in the large change (default 12)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for key, value in BASE_ENV.items():
        os.environ.setdefault(key, value)
    server = ScriptedServer(default=Answer(answer(TRUE_BUG, FALSE_BUG, REGRESSION)))
    try:
        rows = [measure(0, args.runs, server), measure(args.functions, args.runs, server)]
    finally:
        server.close()
    print(f"litellm import (once per process): {litellm_import_seconds():.2f} s")
    print(f"{'change':>14} {'stage':>8} {'its tests':>9} {'overhead':>9} {'context':>8} "
          f"{'plain pytest':>12} {'tokens sent':>11} {'context tok/100 lines':>21} {'cache hits':>10}")
    for r in rows:
        print(f"{r['changed_lines']:>8} lines {r['stage_s']:>6.2f} s {r['tests_in_stage_s']:>7.2f} s "
              f"{r['overhead_s']:>7.2f} s {r['context_s']:>6.2f} s {r['tests_floor_s']:>10.2f} s "
              f"{r['tokens']:>11.0f} {r['context_per_100_lines']:>21.0f} {r['cache_hit_rate']:>10.0%}")
    print("stage: the critic stage's wall time (median); its tests: its pytest processes; "
          "overhead = stage - its tests; plain pytest: the same test files run by pytest in "
          "ready checkouts (the floor)")
    print(f"tokens counted with: {rows[0]['tokenizer']}; target: overhead < {TARGET_OVERHEAD:.0f} s "
          f"-> {'met' if all(r['overhead_s'] < TARGET_OVERHEAD for r in rows) else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
