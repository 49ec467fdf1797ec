"""The critic's answer schema."""

from __future__ import annotations

import json

import pytest

from comprehend.adversary.critic_answer import MAX_CLAIMS, MalformedAnswer, parse_answer

TEST = "from shop import f\n\n\ndef test_f():\n    assert f() == 1\n"


def defect(**over) -> dict:
    return {"title": "f is wrong", "file": "shop.py", "line": 3, "kind": "bug",
            "explanation": "why", "test": TEST, **over}


def test_a_valid_answer_with_a_fence_and_extra_keys() -> None:
    text = "```json\n" + json.dumps({"verdict": "APPROVED", "defects": [defect()]}) + "\n```"
    (claims, extra) = parse_answer(text)
    assert extra == 0
    assert [(c.title, c.file, c.line, c.kind, c.test) for c in claims] == [
        ("f is wrong", "shop.py", 3, "bug", TEST)]


def test_at_most_max_claims_are_kept() -> None:
    claims, extra = parse_answer(json.dumps({"defects": [defect()] * (MAX_CLAIMS + 2)}))
    assert (len(claims), extra) == (MAX_CLAIMS, 2)


@pytest.mark.parametrize(("answer", "reason"), [
    ("APPROVED", "not JSON (Expecting value at line 1 column 1)"),
    ("[]", 'the top level must be an object with a "defects" array'),
    ({"defects": [defect(line=True)]}, "defects[0].line must be an integer"),
    ({"defects": [defect(kind="style")]}, 'defects[0].kind must be "bug" or "regression"'),
    ({"defects": [defect(test="def test_x(:\n")]}, "defects[0].test is not valid Python"),
    ({"defects": [defect(test="def helper():\n    pass\n")]}, "defects[0].test defines no top-level test_ function"),
    ({"defects": ["a string"]}, "defects[0] must be an object"),
])
def test_malformed_answers_say_why(answer, reason: str) -> None:
    with pytest.raises(MalformedAnswer) as why:
        parse_answer(answer if isinstance(answer, str) else json.dumps(answer))
    assert str(why.value).startswith(reason)
