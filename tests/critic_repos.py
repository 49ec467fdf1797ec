"""A small shop repository with an AI change for the LLM critic's tests and benchmark: the
change adds discount() with an off-by-one against its docstring (a true counterexample
exists) and makes total() round (a regression: right on base, wrong on head)."""

from __future__ import annotations

import json
from pathlib import Path

from gitrepo import GitRepo

PRICE_BASE = "def total(price, qty):\n    return price * qty\n"
PRICE_HEAD = '''def total(price, qty):
    return round(price * qty)


def discount(price, qty):
    """10% off orders of more than 10 items."""
    if qty >= 10:
        return price * qty * 0.9
    return price * qty


def checkout(price, qty):
    return discount(price, qty) + 1
'''
TESTS = '''from shop.price import checkout, total


def test_total():
    assert total(2, 3) == 6


def test_checkout():
    assert checkout(1, 1) == 2
'''


def shop_change(path: Path, extra: dict[str, str] | None = None) -> GitRepo:
    """Base commit by a person; head commit by Claude Code (so it is in the AI scope)."""
    repo = GitRepo.create(path)
    repo.write("shop/__init__.py", "")
    repo.write("shop/price.py", PRICE_BASE)
    repo.write("tests/test_price.py", TESTS.replace("checkout, ", "").split("\n\n\ndef test_checkout")[0] + "\n")
    repo.commit("Add total")
    repo.write("shop/price.py", PRICE_HEAD)
    repo.write("tests/test_price.py", TESTS)
    for rel, text in (extra or {}).items():
        repo.write(rel, text)
    repo.commit("Add discount and checkout", author="Claude", email="noreply@anthropic.com")
    return repo


def defect(title: str, test: str, kind: str = "bug", line: int = 7) -> dict:
    return {"title": title, "file": "shop/price.py", "line": line, "kind": kind,
            "explanation": title, "test": test}


TRUE_BUG = defect("10 items are not more than 10", "from shop.price import discount\n\n\n"
                  "def test_ten_items_pay_full_price():\n    assert discount(2, 10) == 20\n")
FALSE_BUG = defect("small orders are overcharged", "from shop.price import discount\n\n\n"
                   "def test_small_order():\n    assert discount(2, 5) == 10\n", line=9)
REGRESSION = defect("total rounds away cents", "from shop.price import total\n\n\n"
                    "def test_cents():\n    assert total(0.5, 3) == 1.5\n", kind="regression", line=2)
BROKEN = defect("names something that does not exist", "from shop.price import discount\n\n\n"
                "def test_broken():\n    assert discount(2, 10) == undefined_name\n")


def answer(*defects: dict) -> str:
    return json.dumps({"defects": list(defects)})
