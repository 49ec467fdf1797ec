"""comprehend.llm with litellm's own test double (mock_response): token and cost accounting,
the configured price for unpriced models, the budget, the cache and the audit records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from comprehend.config import LlmConfig
from comprehend.llm import Budget, BudgetExceeded, LlmClient, estimate_tokens

MESSAGES = [{"role": "system", "content": "answer in JSON"}, {"role": "user", "content": "x" * 300}]


def ask(client: LlmClient, input_hash: str = "in-1"):
    return client.complete(MESSAGES, purpose="critic", prompt_hash="p-1", input_hash=input_hash,
                           redactions=2)


def test_a_priced_model_costs_what_litellm_says(tmp_path: Path) -> None:
    import litellm

    client = LlmClient(LlmConfig(), "openai/gpt-4o-mini", cache_dir=tmp_path,
                       mock_response='{"defects": []}')
    reply = ask(client)
    assert reply.text == '{"defects": []}'
    expected = sum(litellm.cost_per_token(model="openai/gpt-4o-mini",
                                          prompt_tokens=reply.prompt_tokens,
                                          completion_tokens=reply.completion_tokens))
    assert reply.cost_usd == pytest.approx(expected)
    assert reply.cost_usd > 0
    assert client.tokens == reply.prompt_tokens + reply.completion_tokens
    (call,) = client.audit_rows()
    assert (call["purpose"], call["model"], call["prompt_hash"], call["input_hash"],
            call["cached"], call["redactions"], call["outcome"]) == (
        "critic", "openai/gpt-4o-mini", "p-1", "in-1", False, 2, "ok")


def test_an_unpriced_model_uses_the_configured_price(tmp_path: Path) -> None:
    client = LlmClient(LlmConfig(cost_per_1k_tokens=2.0), "openai/our-own-model",
                       cache_dir=tmp_path, mock_response="{}")
    reply = ask(client)
    assert reply.cost_usd == pytest.approx((reply.prompt_tokens + reply.completion_tokens) / 1000 * 2.0)


def test_a_kept_answer_is_served_from_the_cache(tmp_path: Path) -> None:
    client = LlmClient(LlmConfig(), "openai/gpt-4o-mini", cache_dir=tmp_path, mock_response="{}")
    first = ask(client)
    client.keep(first)
    again = LlmClient(LlmConfig(), "openai/gpt-4o-mini", cache_dir=tmp_path, mock_response="{}")
    second = ask(again)
    assert (second.text, second.cached, second.cost_usd, again.requests) == ("{}", True, 0.0, 0)
    assert again.audit_rows()[0]["outcome"] == "cached"
    # another input, another model, another prompt: a new request
    assert ask(again, "in-2").cached is False
    other = LlmClient(LlmConfig(), "openai/gpt-4.1-mini", cache_dir=tmp_path, mock_response="{}")
    assert ask(other).cached is False


def test_an_answer_not_kept_is_asked_again(tmp_path: Path) -> None:
    client = LlmClient(LlmConfig(), "openai/gpt-4o-mini", cache_dir=tmp_path, mock_response="?")
    ask(client)
    ask(client)
    assert client.requests == 2


def test_budget_stops_before_the_call_and_caps_the_answer(tmp_path: Path) -> None:
    sent = sum(estimate_tokens(m["content"]) + 4 for m in MESSAGES)
    client = LlmClient(LlmConfig(), "openai/gpt-4o-mini", Budget(max_tokens=sent + 255),
                       mock_response="{}")
    with pytest.raises(BudgetExceeded) as stopped:
        ask(client)
    assert client.requests == 0
    assert str(stopped.value).startswith(f"--max-tokens {sent + 255}: the next model call needs up to {sent + 256}")
    roomy = LlmClient(LlmConfig(), "openai/gpt-4o-mini", Budget(max_tokens=sent + 300),
                      mock_response="{}")
    assert roomy._output_allowance(sent) == 300


def test_cost_budget_uses_the_configured_price(tmp_path: Path) -> None:
    client = LlmClient(LlmConfig(cost_per_1k_tokens=10.0), "openai/our-own-model",
                       Budget(max_cost=0.5), mock_response="{}")
    with pytest.raises(BudgetExceeded) as stopped:
        ask(client)
    assert str(stopped.value).startswith("--max-cost 0.5: the next model call could cost up to $")
    free = LlmClient(LlmConfig(), "openai/our-own-model", Budget(max_cost=0.0), mock_response="{}")
    assert ask(free).cost_usd == 0.0


def test_importing_comprehend_llm_does_not_import_litellm() -> None:
    code = ("import sys, comprehend.llm, comprehend.adversary.review, comprehend.commands.check\n"
            "print('litellm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_estimate_names_where_the_price_comes_from() -> None:
    listed = LlmClient(LlmConfig(), "openai/gpt-4.1-mini")
    estimate = listed.estimate([{"role": "user", "content": "x" * 3000}], prompt_hash="a",
                               input_hash="b")
    # litellm's local price list: $0.40 per million tokens in, $1.60 out
    assert (estimate.prompt_tokens, estimate.max_completion_tokens) == (1005, 2048)
    assert estimate.max_cost_usd == pytest.approx(1005 * 0.4e-6 + 2048 * 1.6e-6)
    assert estimate.priced_by == "litellm's cost map"
    unlisted = LlmClient(LlmConfig(cost_per_1k_tokens=0.5), "openai/local-thing")
    assert unlisted.priced_by() == "[llm] cost_per_1k_tokens = 0.5"
