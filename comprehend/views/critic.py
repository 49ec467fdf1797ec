"""What the review says before and about asking the LLM critic: how to configure a model
when none is, and what asking would send and cost at most (from the estimate; nothing
has been sent)."""

from __future__ import annotations

from comprehend.adversary.critic import CriticEstimate
from comprehend.llm import Budget

NO_MODEL = ("no LLM configured: set [llm] model (and api_base for a local server) in "
            ".comprehend.toml, or start the review with comprehend review --llm MODEL")


def cost_lines(sha: str, subject: str, estimate: CriticEstimate, budget: Budget) -> list[str]:
    e = estimate.estimate
    lines = [f"Ask the critic ({estimate.model}) about {sha[:8]} {subject}?", ""]
    if e.cached:
        lines.append("Its answer for this exact context is in the cache: asking sends nothing "
                     "and costs $0; the proposed tests run again in the sandbox.")
    else:
        lines.append(f"It sends {estimate.items} context block(s), about {e.prompt_tokens:,} "
                     f"tokens, and allows up to {e.max_completion_tokens:,} tokens of answer.")
        lines.append(f"Cost: at most ${e.max_cost_usd:.4f} (price: {e.priced_by}).")
    kept = []
    if estimate.redactions:
        kept.append(f"{estimate.redactions} secret(s) replaced by placeholders")
    if estimate.denied:
        kept.append(f"{len(estimate.denied)} deny-listed file(s) never sent")
    if estimate.dropped:
        kept.append(f"{estimate.dropped} context item(s) left out for [llm] context_tokens")
    if kept:
        lines.append("; ".join(kept) + ".")
    limits = []
    if budget.max_cost is not None:
        limits.append(f"--max-cost {budget.max_cost:g}")
    if budget.max_tokens is not None:
        limits.append(f"--max-tokens {budget.max_tokens}")
    if limits:
        lines.append(f"Budget: {', '.join(limits)} (the critic stops before going over).")
    lines.append("Each test it proposes runs in the sandbox; only a test that fails as "
                 "claimed counts.")
    return lines
