"""What is this for, why does it do that? A free-text question the LLM writes about a
function or class, with a rubric of 2-4 points, each citing a line of the target's source.
Each citation is verified in code when the question is made: a point whose line is not in
the target or whose cited text is not on that line is dropped, and with fewer than two
points left the question is refused. The person answers in their own words; the model
grades the answer against the rubric (points met, counted in code): all -> Good, some ->
Hard, none -> Again. Without a model the kind refuses ("no LLM configured")."""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from typing import Any

from comprehend.adversary.injection import printable
from comprehend.errors import UserError
from comprehend.llm import digest
from comprehend.quiz.context import QuizContext
from comprehend.quiz.language_model import NO_MODEL
from comprehend.quiz.model import Question, Refused, Source, Target

KIND = "purpose"
CATEGORY = "conceptual"
LANGUAGES = None  # the model reads any language; citations are checked on the text
SLOW = True  # a model call: asked after the kinds that read the graph
MIN_POINTS, MAX_POINTS = 2, 4
MIN_LINES, MAX_LINES = 3, 120  # shorter says too little; longer is cut to its first lines

ASK_SCHEMA = """{"question": string, "rubric": [{"point": string, "line": integer,
  "cites": string (an identifier or short text copied exactly from that line)}]}"""
GRADE_SCHEMA = """{"points": [{"n": integer (the rubric point's number), "met": boolean,
  "why": string (one sentence)}]}"""


@dataclass(frozen=True)
class Point:
    text: str
    line: int
    cites: str


@dataclass(frozen=True)
class Grade:
    met: tuple[int, ...]  # numbers (1-based) of the rubric points the answer makes
    total: int
    why: tuple[str, ...]  # one sentence per point, in rubric order
    model: str

    @property
    def rating(self) -> str:
        """FSRS: every point -> Good, some -> Hard, none -> Again."""
        return "Good" if len(self.met) == self.total else "Hard" if self.met else "Again"


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    model = ctx.llm
    if model is None:
        return Refused(KIND, target.symbol, NO_MODEL)
    if target.kind not in ("function", "class"):
        return Refused(KIND, target.symbol, "not a function or class")
    if model.outbound.denied(target.file):
        return Refused(KIND, target.symbol, "deny-listed file: never sent to a model")
    lines = ctx.source(target.file).splitlines()
    end = min(target.end_line, len(lines), target.start_line + MAX_LINES - 1)
    span = lines[target.start_line - 1:end]
    if len(span) < MIN_LINES:
        return Refused(KIND, target.symbol, "too short to ask what it is for")
    numbered = "\n".join(f"{n:>5}| {text}" for n, text in enumerate(span, start=target.start_line))
    sent, redactions = model.outbound.redact(numbered)
    nonce = _nonce(sent)
    messages = [
        {"role": "system", "content": _fill(model.prompt("purpose-ask.md"), nonce=nonce,
                                            schema=ASK_SCHEMA)},
        {"role": "user", "content": f"Write the question about `{target.qualname}` "
                                    f"({target.kind}) in {target.file}.\n\n"
                                    + _block(nonce, f"code path={target.file}", sent)},
    ]
    try:
        reply = model.complete(ctx.store, messages, purpose="quiz-purpose",
                               input_hash=digest(target.file, target.qualname, sent),
                               redactions=redactions)
    except UserError as exc:  # the budget, or the model failing
        return Refused(KIND, target.symbol, f"LLM: {exc.message.split(';')[0]}")
    try:
        question, points = _parse_question(reply.text)
    except ValueError as exc:
        return Refused(KIND, target.symbol, f"the model's question did not fit its schema ({exc})")
    kept = [p for p in points if _cited(p, lines, target.start_line, end)][:MAX_POINTS]
    if len(kept) < MIN_POINTS:
        return Refused(KIND, target.symbol, f"rubric: {len(kept)} of {len(points)} point(s) "
                                            "cite a line of the source (2 needed)")
    model.keep(reply)
    rubric = [{"point": p.text, "line": p.line, "cites": p.cites} for p in kept]
    return Question(
        kind=KIND, category=CATEGORY,
        prompt=f"{printable(question)}\nAnswer in your own words.",
        choices=(), answer=rubric_text(rubric),
        explanation=f"The rubric was written by {model.model}; each point cites a line of "
                    f"{target.file}, checked when the question was made.",
        source=Source(target.file, target.symbol, target.start_line, end, target.commit),
        evidence={"type": "rubric", "model": model.model, "prompt_hash": model.prompt_hash,
                  "rubric": rubric, "dropped": len(points) - len(kept), "file": target.file},
        policy_hash=ctx.policy_hash, code="\n".join(span), language=target.language,
    )


def rubric_text(rubric: list[dict[str, Any]]) -> str:
    return "\n".join(f"{n}. {r['point']} (line {r['line']}: {r['cites']})"
                     for n, r in enumerate(rubric, start=1))


def grade(model: Any, store: Any, question: Question, answer: str) -> Grade:
    """The model's grade of `answer` against the question's rubric; UserError when there is
    no model, the budget is spent, or the grade does not fit its schema after one repair."""
    if model is None:
        raise UserError(f"{NO_MODEL}: a {KIND} question is graded by a model; pass --llm MODEL "
                        "or set [llm] model")
    rubric = question.evidence["rubric"]
    code, redactions = model.outbound.redact(question.code)
    said, more = model.outbound.redact(answer)
    points = "\n".join(f"{n}. {r['point']}" for n, r in enumerate(rubric, start=1))
    nonce = _nonce(code + said + points)
    messages = [
        {"role": "system", "content": _fill(model.prompt("purpose-grade.md"), nonce=nonce,
                                            schema=GRADE_SCHEMA)},
        {"role": "user", "content": "\n\n".join([
            _block(nonce, "question", question.prompt), _block(nonce, "code", code),
            _block(nonce, "rubric", points), _block(nonce, "answer", said)])},
    ]
    input_hash = digest(question.id, said)
    reply = model.complete(store, messages, purpose="quiz-grade", input_hash=input_hash,
                           redactions=redactions + more)
    try:
        met, why = _parse_grade(reply.text, len(rubric))
    except ValueError as first:
        repair = messages + [
            {"role": "assistant", "content": reply.text},
            {"role": "user", "content": f"That answer does not fit the schema ({first}). "
                                        f"Answer again with only this JSON:\n{GRADE_SCHEMA}"}]
        reply = model.complete(store, repair, purpose="quiz-grade-repair",
                               input_hash=digest(input_hash, reply.text), redactions=0)
        try:
            met, why = _parse_grade(reply.text, len(rubric))
        except ValueError as second:
            raise UserError(f"--llm {model.model}: its grade did not fit its schema after one "
                            f"repair request ({printable(str(second))}); the answer was not "
                            "recorded") from second
    model.keep(reply)
    return Grade(met, len(rubric), why, model.model)


# --- checking what the model said ---------------------------------------------------------


def _cited(point: Point, lines: list[str], start: int, end: int) -> bool:
    """The cited line is inside the target and really holds the cited text."""
    if not start <= point.line <= end or len(point.cites.strip()) < 2:
        return False
    return point.cites.strip() in lines[point.line - 1]


def _parse_question(text: str) -> tuple[str, list[Point]]:
    data = _json_object(text)
    question = data.get("question")
    rubric = data.get("rubric")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("no question")
    if not isinstance(rubric, list):
        raise ValueError("no rubric list")
    points = []
    for item in rubric:
        if (isinstance(item, dict) and isinstance(item.get("point"), str)
                and isinstance(item.get("line"), int) and isinstance(item.get("cites"), str)):
            points.append(Point(printable(item["point"].strip()), item["line"], item["cites"]))
    return question.strip()[:500], points


def _parse_grade(text: str, total: int) -> tuple[tuple[int, ...], tuple[str, ...]]:
    data = _json_object(text)
    items = data.get("points")
    if not isinstance(items, list):
        raise ValueError("no points list")
    met: set[int] = set()
    why = [""] * total
    seen: set[int] = set()
    for item in items:
        if not (isinstance(item, dict) and isinstance(item.get("n"), int)
                and isinstance(item.get("met"), bool)):
            raise ValueError("each point needs n (integer) and met (boolean)")
        n = item["n"]
        if not 1 <= n <= total:
            raise ValueError(f"point {n} is not in the rubric (1-{total})")
        seen.add(n)
        if item["met"]:
            met.add(n)
        why[n - 1] = printable(str(item.get("why", ""))[:300])
    if seen != set(range(1, total + 1)):
        raise ValueError(f"every point 1-{total} needs a verdict")
    return tuple(sorted(met)), tuple(why)


def _json_object(text: str) -> dict[str, Any]:
    body = text.strip()
    if body.startswith("```"):
        body = body.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def _nonce(data: str) -> str:
    nonce = secrets.token_hex(8)
    while nonce in data:
        nonce = secrets.token_hex(8)
    return nonce


def _block(nonce: str, label: str, text: str) -> str:
    return f"<<<DATA {nonce} {label}>>>\n{text}\n<<<END {nonce}>>>"


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template
