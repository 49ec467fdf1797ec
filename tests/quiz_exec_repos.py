"""Fixture repositories for the quiz kinds that run code: real git repositories whose
functions have tests and callers with literal arguments, built with the git CLI."""

from __future__ import annotations

import random
from pathlib import Path

from gitrepo import GitRepo
from graphkit import commit_files

from comprehend.config import load_config
from comprehend.git import open_repository
from comprehend.graph.build import build_graph
from comprehend.quiz.context import QuizContext
from comprehend.quiz.model import Target
from comprehend.store import open_store

OPS = '''
def total(xs):
    s = 0
    for x in xs:
        s += x
    return s


def clamp(value, low, high):
    if value < low:
        return low
    if value > high:
        return high
    return value


def parse_price(text):
    if not text:
        raise ValueError("empty price")
    cleaned = text.strip("$")
    return int(cleaned)


def price_or_zero(text):
    try:
        return parse_price(text)
    except ValueError:
        return 0


def countdown(n):
    steps = []
    while n > 0:
        steps.append(n)
        n -= 2
    return steps


def shipping(weight):
    if weight > 20:
        return 15
    return 5


def halve(n):
    return n // 2


def evens(limit):
    for n in range(limit):
        if n % 2 == 0:
            yield n


def span(values):
    items = list(values)
    return items[-1] - items[0]
'''

IMPURE = '''
import random
import socket
import time
from pathlib import Path


def roll(sides):
    return random.randint(1, sides * 1000)


def fetch(host):
    return socket.create_connection((host, 80), timeout=1).recv(10)


def pause(seconds):
    time.sleep(seconds)
    return seconds


def remember(value):
    Path("memo.txt").write_text(str(value))
    return value


def describe(item):
    return item.name


def stamp(label):
    return f"{label}-{time.time_ns()}"


class Box:
    def __init__(self, size):
        self.size = size


def boxed(size):
    return Box(size)


def forever(start):
    while True:
        yield start
        start += 1
'''

TESTS = '''
import pytest

from calc.ops import clamp, countdown, evens, parse_price, price_or_zero, shipping, span, total


def test_total():
    assert total([1, 2, 3, 4]) == 10


def test_total_empty():
    assert total([]) == 0


def test_clamp_high():
    assert clamp(15, 0, 10) == 10


def test_clamp_inside():
    assert clamp(7, 0, 10) == 7


def test_price():
    assert price_or_zero("$12") == 12


def test_price_empty():
    assert price_or_zero("") == 0


def test_countdown():
    assert countdown(7) == [7, 5, 3, 1]


def test_parse_price_rejects_words():
    with pytest.raises(ValueError):
        parse_price("abc")


def test_shipping():
    assert shipping(30) == 15
    assert shipping(3) == 5
    heavy = 25
    assert shipping(heavy) == 15


def test_evens():
    assert list(evens(7)) == [0, 2, 4, 6]


def test_span():
    assert span(range(3, 9)) == 5
'''

IMPURE_TESTS = '''
from calc.impure import boxed, describe, fetch, forever, pause, remember, roll, stamp


class Item:
    name = "box"


def test_roll():
    assert 1 <= roll(6) <= 6000


def test_fetch():
    assert fetch("example.com")


def test_pause():
    assert pause(3) == 3


def test_remember():
    assert remember(5) == 5


def test_describe():
    assert describe(Item()) == "box"


def test_stamp():
    assert stamp("a").startswith("a-")


def test_boxed():
    assert boxed(3).size == 3


def test_forever():
    assert next(forever(3)) == 3
'''


def calc_repo(folder: Path) -> GitRepo:
    repo = GitRepo.create(folder)
    commit_files(repo, {"README.md": "# calc\n", "calc/__init__.py": "from calc.ops import total  # re-exported\n",
                        "calc/ops.py": OPS, "calc/impure.py": IMPURE,
                        "tests/test_ops.py": TESTS, "tests/test_impure.py": IMPURE_TESTS})
    return repo


def context(repo: GitRepo, db: Path, store=None) -> QuizContext:
    """A quiz context at the repository's head; `store` (open) is kept on it for kinds that
    read past runs."""
    opened = open_repository(repo.path)
    config = load_config(opened.root)
    if store is None:
        with open_store(db) as own:
            graph = build_graph(opened, config, own)
    else:
        graph = build_graph(opened, config, store)
    return QuizContext(repo=opened, config=config, graph=graph, head=repo.head(),
                       policy_hash="test-policy", store=store)


def target(ctx: QuizContext, symbol: str) -> Target:
    node = ctx.graph.nodes[symbol]
    return Target(symbol=symbol, file=node["path"], start_line=node["start_line"],
                  end_line=node["end_line"], qualname=node["qualname"], kind=node["kind"],
                  language=node["language"], commit=ctx.head)


def rng(seed: int = 7) -> random.Random:
    return random.Random(seed)
