"""Model calls: the only module that imports litellm, and only when a model is configured.

One call = a budget check before anything is sent, the request (timeout, retries on rate
limits and timeouts), litellm's token and cost accounting (or `[llm] cost_per_1k_tokens` for
a model it has no price for), an on-disk answer cache keyed by (model, prompt hash, input
hash), and an audit record. What goes into the messages (redacted, fenced) is the caller's
job: this module sends what it is given."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from comprehend.config import LlmConfig
from comprehend.errors import UserError

INSTALL_HINT = "pip install 'comprehend[llm]'"
# The most a reply may use; lowered to what the budget leaves.
MAX_OUTPUT_TOKENS = 2048
# Below this many output tokens left in the budget an answer cannot hold a test: stop.
MIN_OUTPUT_TOKENS = 256
CACHE_FORMAT = 1


class LlmError(UserError):
    """The model could not be reached or kept failing: the check cannot vouch for anything."""


class BudgetExceeded(UserError):
    """The next call could overrun --max-cost or --max-tokens: stopped before sending it."""


@dataclass(frozen=True)
class Budget:
    max_cost: float | None = None  # USD for the whole run
    max_tokens: int | None = None  # prompt + completion tokens for the whole run


@dataclass(frozen=True)
class Reply:
    text: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    cached: bool
    cache_key: str


@dataclass(frozen=True)
class Estimate:
    """An upper bound for one call: tokens in (estimated), tokens out (the cap), cost."""

    prompt_tokens: int
    max_completion_tokens: int
    max_cost_usd: float
    cached: bool  # answered from the cache: free
    priced_by: str = ""  # litellm's cost map | [llm] cost_per_1k_tokens


@dataclass(frozen=True)
class CallRecord:
    """One row of the audit trail (store/llm.py's LLM_CALL_KEYS)."""

    called_at: str
    purpose: str
    model: str
    prompt_hash: str
    input_hash: str
    prompt_tokens: int
    completion_tokens: int
    tokens: int
    cost_usd: float
    cached: bool
    redactions: int
    outcome: str  # ok | cached | error


def available() -> bool:
    try:
        return importlib.util.find_spec("litellm") is not None
    except (ImportError, ValueError):
        return False


def require_litellm(option: str) -> None:
    """One line, exit 2, when the `llm` extra is not installed."""
    if not available():
        raise UserError(f"{option}: the LLM critic needs litellm, which is not installed; "
                        f"install it with {INSTALL_HINT}")


def _litellm():
    # Never fetch the model price list from the network: use the copy inside the package.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    litellm.suppress_debug_info = True  # no provider-list banners in CI logs
    litellm.drop_params = True  # e.g. JSON mode on a model that lacks it: sent without it
    return litellm


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def estimate_tokens(text: str) -> int:
    """An upper estimate (3 characters a token; real tokenizers average about 4 on code), so
    a budget check never lets a call through that the real count would stop."""
    return len(text) // 3 + 1


@dataclass
class LlmClient:
    """Calls one model for one run, and keeps the run's spend and audit records."""

    settings: LlmConfig
    model: str
    budget: Budget = field(default_factory=Budget)
    cache_dir: Path | None = None
    tokens: int = 0
    cost_usd: float = 0.0
    calls: list[CallRecord] = field(default_factory=list)
    requests: int = 0  # calls that left the machine
    last_seconds: float = 0.0  # how long the last request took
    # litellm's own test double: answer with this text and its token accounting, send nothing
    mock_response: str | None = None

    def complete(self, messages: list[dict[str, str]], *, purpose: str, prompt_hash: str,
                 input_hash: str, redactions: int) -> Reply:
        """The model's answer to `messages`: from the cache when the same model answered the
        same prompts on the same input before, else from the model. Keep a good answer in
        the cache with `keep`; an answer the caller rejects is never cached."""
        key = digest(str(CACHE_FORMAT), self.model, prompt_hash, input_hash)
        cached = self._cache_read(key)
        if cached is not None:
            reply = Reply(cached["text"], 0, 0, 0.0, True, key)
            self._audit(purpose, prompt_hash, input_hash, reply, redactions, "cached")
            return reply
        sent = sum(estimate_tokens(m["content"]) + 4 for m in messages)
        output = self._output_allowance(sent)
        try:
            response = self._send(messages, output)
        except UserError:
            raise
        except Exception as exc:  # litellm's exception family after its retries
            self._audit(purpose, prompt_hash, input_hash,
                        Reply("", 0, 0, 0.0, False, key), redactions, "error")
            raise LlmError(f"--llm {self.model}: the model call failed after "
                           f"{self.settings.retries} retries ({type(exc).__name__}: "
                           f"{_first_line(str(exc))}); check the model name, api_base and "
                           "API key") from exc
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0) or sent
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        text = response.choices[0].message.content or ""
        if not completion_tokens:
            completion_tokens = estimate_tokens(text)
        cost = self._cost(response, prompt_tokens, completion_tokens)
        self.tokens += prompt_tokens + completion_tokens
        self.cost_usd += cost
        reply = Reply(text, prompt_tokens, completion_tokens, cost, False, key)
        self._audit(purpose, prompt_hash, input_hash, reply, redactions, "ok")
        return reply

    def estimate(self, messages: list[dict[str, str]], *, prompt_hash: str,
                 input_hash: str) -> Estimate:
        """What `complete` would cost at most, without sending anything (for a surface that
        shows the cost before asking)."""
        key = digest(str(CACHE_FORMAT), self.model, prompt_hash, input_hash)
        if self._cache_read(key) is not None:
            return Estimate(0, 0, 0.0, True)
        sent = sum(estimate_tokens(m["content"]) + 4 for m in messages)
        return Estimate(sent, MAX_OUTPUT_TOKENS, self._price(sent, MAX_OUTPUT_TOKENS), False,
                        self.priced_by())

    def priced_by(self) -> str:
        """Where this model's price comes from."""
        litellm = _litellm()
        try:
            litellm.cost_per_token(model=self.model, prompt_tokens=1, completion_tokens=1)
        except Exception:
            return f"[llm] cost_per_1k_tokens = {self.settings.cost_per_1k_tokens:g}"
        return "litellm's cost map"

    def keep(self, reply: Reply) -> None:
        """Cache an answer the caller accepted (a fresh one; cached ones are already kept)."""
        if self.cache_dir is None or reply.cached:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        path = self.cache_dir / f"{reply.cache_key}.json"
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({"model": self.model, "text": reply.text,
                                   "prompt_tokens": reply.prompt_tokens,
                                   "completion_tokens": reply.completion_tokens,
                                   "cost_usd": reply.cost_usd, "at": _now()}), encoding="utf-8")
        os.replace(tmp, path)

    def audit_rows(self) -> list[dict[str, Any]]:
        return [asdict(c) for c in self.calls]

    # --- internals ----------------------------------------------------------------------

    def _output_allowance(self, sent: int) -> int:
        """Output tokens this call may use without any chance of overrunning the budget."""
        allowance = MAX_OUTPUT_TOKENS
        if self.budget.max_tokens is not None:
            left = self.budget.max_tokens - self.tokens - sent
            if left < MIN_OUTPUT_TOKENS:
                raise BudgetExceeded(
                    f"--max-tokens {self.budget.max_tokens}: the next model call needs up to "
                    f"{sent + MIN_OUTPUT_TOKENS} tokens and {self.tokens} are spent; stopped "
                    "before going over (raise --max-tokens or lower [llm] context_tokens)")
            allowance = min(allowance, left)
        if self.budget.max_cost is not None:
            left_usd = self.budget.max_cost - self.cost_usd
            prompt_usd = self._price(sent, 0)
            per_output = self._price(0, 1000) / 1000
            affordable = (MAX_OUTPUT_TOKENS if per_output <= 0
                          else int((left_usd - prompt_usd) / per_output))
            if left_usd - prompt_usd < 0 or affordable < MIN_OUTPUT_TOKENS:
                raise BudgetExceeded(
                    f"--max-cost {self.budget.max_cost:g}: the next model call could cost up to "
                    f"${prompt_usd + self._price(0, MIN_OUTPUT_TOKENS):.4f} and "
                    f"${self.cost_usd:.4f} is spent; stopped before going over "
                    "(raise --max-cost)")
            allowance = min(allowance, affordable)
        return allowance

    def _send(self, messages: list[dict[str, str]], max_output: int):
        litellm = _litellm()
        kwargs: dict[str, Any] = {
            "model": self.model, "messages": messages, "max_tokens": max_output,
            "temperature": 0, "timeout": self.settings.timeout,
            # the OpenAI client's own retries (429, timeouts, 5xx, honouring Retry-After);
            # litellm's num_retries would need tenacity, which it does not install
            "max_retries": self.settings.retries,
            "response_format": {"type": "json_object"},
        }
        if self.mock_response is not None:
            kwargs["mock_response"] = self.mock_response
        if self.settings.api_base:
            kwargs["api_base"] = self.settings.api_base
            if self.model.startswith("openai/") and not os.environ.get("OPENAI_API_KEY"):
                kwargs["api_key"] = "unused"  # a local OpenAI-compatible server needs none
        self.requests += 1
        started = time.monotonic()
        response = litellm.completion(**kwargs)
        self.last_seconds = time.monotonic() - started
        return response

    def _cost(self, response: Any, prompt_tokens: int, completion_tokens: int) -> float:
        litellm = _litellm()
        try:
            return float(litellm.completion_cost(completion_response=response, model=self.model))
        except Exception:  # a model litellm has no price for: the configured price
            return (prompt_tokens + completion_tokens) / 1000 * self.settings.cost_per_1k_tokens

    def _price(self, prompt_tokens: int, completion_tokens: int) -> float:
        """What this many tokens would cost (litellm's price list, else the configured one)."""
        litellm = _litellm()
        try:
            prompt_usd, completion_usd = litellm.cost_per_token(
                model=self.model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
            return float(prompt_usd) + float(completion_usd)
        except Exception:
            return (prompt_tokens + completion_tokens) / 1000 * self.settings.cost_per_1k_tokens

    def _cache_read(self, key: str) -> dict[str, Any] | None:
        if self.cache_dir is None:
            return None
        try:
            data = json.loads((self.cache_dir / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("text"), str) else None

    def _audit(self, purpose: str, prompt_hash: str, input_hash: str, reply: Reply,
               redactions: int, outcome: str) -> None:
        self.calls.append(CallRecord(
            called_at=_now(), purpose=purpose, model=self.model, prompt_hash=prompt_hash,
            input_hash=input_hash, prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            tokens=reply.prompt_tokens + reply.completion_tokens,
            cost_usd=round(reply.cost_usd, 8), cached=reply.cached, redactions=redactions,
            outcome=outcome))


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:200]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
