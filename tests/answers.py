"""One answered question in a real store, as a quiz session records it: the question row
and the answer with its card, in one call (tests of the team figures build histories so)."""

from __future__ import annotations

from comprehend.store.quiz import record_answer, save_questions


def answer(store, n: int, person: str, symbol: str, when: str, correct: bool) -> None:
    save_questions(store, [{"id": f"q{n}", "kind": "callers", "category": "relation",
                            "symbol": symbol, "commit": None, "prompt": "p", "choices": ["x", "y"],
                            "answer": "x", "explanation": "", "policy_hash": "", "verified": 1,
                            "code": "", "source": {}, "evidence": {}, "language": "python",
                            "created_at": when}])
    record_answer(store, {"id": f"a{n}", "question": f"q{n}", "person": person, "symbol": symbol,
                          "answered_at": when, "correct": int(correct), "seconds": 9.0,
                          "rating": 3 if correct else 1, "choice": "x", "session": "s"}, None)
