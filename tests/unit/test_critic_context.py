"""The critic's separate context: hunks and enclosing functions first, then tests, callers
and callees from the code graph; the lowest-ranked dropped first to fit the budget."""

from __future__ import annotations

from pathlib import Path

from critic_repos import shop_change
from gitrepo import GitRepo

from comprehend.adversary.changes import Sources, read_change, resolve_spec
from comprehend.adversary.critic import fence
from comprehend.adversary.critic_context import build_context
from comprehend.adversary.outbound import load_outbound
from comprehend.config import Config
from comprehend.git import open_repository
from comprehend.graph.build import build_graph


def context_for(path: Path, budget: int):
    repo = open_repository(path)
    change = read_change(repo, resolve_spec(repo, "HEAD~1", "HEAD"))
    graph = build_graph(repo, Config(), None, rev=change.head)
    return build_context(repo, change, Sources(repo, change), graph, load_outbound(None)[0], budget)


def neighbourhood(path: Path) -> GitRepo:
    """total() changes; receipt() in another file calls it; test_receipt() tests receipt()."""
    repo = GitRepo.create(path)
    repo.write("shop/__init__.py", "")
    repo.write("shop/price.py", "def total(price, qty):\n    return price * qty\n")
    repo.write("shop/report.py", "from shop.price import total\n\n\n"
               "def receipt(price, qty):\n    \"\"\"One line per order.\"\"\"\n"
               "    return f'{qty} x {price} = {total(price, qty)}'\n")
    repo.write("tests/test_report.py", "from shop.report import receipt\n\n\n"
               "def test_receipt():\n    assert receipt(2, 3) == '3 x 2 = 6'\n")
    repo.commit("Add total and receipt")
    repo.write("shop/price.py", "def total(price, qty):\n    return round(price * qty)\n")
    repo.commit("Round totals", author="Claude", email="noreply@anthropic.com")
    return repo


def test_hunks_and_functions_then_tests_then_callers(tmp_path: Path) -> None:
    neighbourhood(tmp_path / "shop")
    ctx = context_for(tmp_path / "shop", 8000)
    assert [(i.kind, i.path, i.start, i.end, i.rank) for i in ctx.items] == [
        ("hunk", "shop/price.py", 2, 2, 0),
        ("function", "shop/price.py", 1, 2, 0),
        ("test", "tests/test_report.py", 4, 5, 1),
        ("caller", "shop/report.py", 4, 6, 2),
    ]
    assert '"""One line per order."""' in ctx.items[3].text  # docstrings come along
    assert "Round totals" not in "".join(i.text for i in ctx.items)  # no commit message
    assert (ctx.dropped, ctx.changed_lines) == ((), 2)


def test_the_budget_drops_the_lowest_ranked_first(tmp_path: Path) -> None:
    neighbourhood(tmp_path / "shop")
    whole = context_for(tmp_path / "shop", 8000)
    small = context_for(tmp_path / "shop", whole.tokens - 1)
    assert [i.kind for i in small.items] == ["hunk", "function", "test"]
    assert small.dropped == ("caller shop/report.py:4-6",)
    tiny = context_for(tmp_path / "shop", 1)
    assert [i.kind for i in tiny.items] == ["hunk"]  # always the first hunk


def test_blocks_are_fenced_by_a_fresh_nonce(tmp_path: Path) -> None:
    shop_change(tmp_path / "shop")
    ctx = context_for(tmp_path / "shop", 8000)
    nonce, text = fence(ctx)
    other, _ = fence(ctx)
    assert nonce != other and len(nonce) == 16
    assert text.count(f"<<<DATA {nonce} ") == len(ctx.items) == text.count(f"<<<END {nonce}>>>")
