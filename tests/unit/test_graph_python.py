"""The code graph of a small but real Python repository: src/ layout, a namespace package,
relative and aliased imports, a re-export, an import cycle, a TYPE_CHECKING import, a method
and a function of the same name, and a test file."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges, edges_with, nodes

FILES = {
    "src/shop/__init__.py": """
        from .cart import Cart as Cart
        from . import pricing
    """,
    "src/shop/cart.py": """
        from typing import TYPE_CHECKING

        from shop.pricing import total as compute_total
        from . import pricing

        if TYPE_CHECKING:
            from shop.orders import Order


        class Cart:
            def __init__(self):
                self.items = []

            def with_item(self, item):
                self.items.append(item)
                return self

            def total(self):
                return compute_total(self.items)

            def save(self):
                return save(self)


        def save(cart):
            return pricing.round_price(cart.total())
    """,
    "src/shop/pricing.py": """
        import shop.cart

        RATE = 2


        def total(items):
            return round_price(sum(items) * RATE)


        def round_price(value):
            return round(value, 2)
    """,
    "src/shop/orders.py": """
        from .cart import Cart


        class Order(Cart):
            def save(self):
                return super().save()
    """,
    "src/ns/plugins/extra.py": """
        from shop import Cart


        def make():
            return Cart().with_item(1)
    """,
    "tests/test_cart.py": """
        from shop import pricing
        from shop.cart import Cart, save


        def test_total():
            assert Cart().with_item(2).total() == 4


        def test_save():
            assert save(Cart()) == 0


        def helper():
            return pricing.RATE


        def test_with_fixture(cart, tmp_path):
            assert cart.total() == 0
    """,
    "tests/conftest.py": """
        import pytest

        from shop.orders import Order


        @pytest.fixture
        def cart():
            return Order()
    """,
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_modules_and_packages(graph) -> None:
    assert nodes(graph, "package") == {"shop", "ns", "ns.plugins"}
    assert nodes(graph, "module") == {"shop.cart", "shop.pricing", "shop.orders", "ns.plugins.extra",
                                      "test_cart", "conftest"}
    assert nodes(graph, "external") == {"external:typing", "external:pytest"}
    assert graph.nodes["shop"]["path"] == "src/shop/__init__.py"
    assert graph.nodes["ns.plugins"]["path"] == "src/ns/plugins"


def test_symbols(graph) -> None:
    assert nodes(graph, "class") == {"shop.cart.Cart", "shop.orders.Order"}
    assert nodes(graph, "constant") == {"shop.pricing.RATE"}
    assert nodes(graph, "function") == {
        "shop.cart.Cart.__init__", "shop.cart.Cart.with_item", "shop.cart.Cart.total",
        "shop.cart.Cart.save", "shop.cart.save", "shop.pricing.total", "shop.pricing.round_price",
        "shop.orders.Order.save", "ns.plugins.extra.make", "test_cart.test_total",
        "test_cart.test_save", "test_cart.helper", "test_cart.test_with_fixture", "conftest.cart",
    }
    cart = graph.nodes["shop.cart.Cart"]
    assert (cart["path"], cart["language"], cart["start_line"], cart["end_line"]) == (
        "src/shop/cart.py", "python", 10, 22)
    assert {n for n, d in graph.nodes.items() if d["test_case"]} == {
        "test_cart.test_total", "test_cart.test_save", "test_cart.test_with_fixture"}
    assert {n for n, d in graph.nodes.items() if d["is_test"]} == {
        "test_cart", "test_cart.test_total", "test_cart.test_save", "test_cart.helper",
        "test_cart.test_with_fixture", "conftest", "conftest.cart"}


def test_imports(graph) -> None:
    assert edges(graph, "imports") == {
        ("shop", "shop.cart"), ("shop", "shop.pricing"),
        ("shop.cart", "external:typing"), ("shop.cart", "shop.pricing"), ("shop.cart", "shop.orders"),
        ("shop.pricing", "shop.cart"),
        ("shop.orders", "shop.cart"),
        ("ns.plugins.extra", "shop"),
        ("test_cart", "shop.pricing"), ("test_cart", "shop.cart"),
        ("conftest", "external:pytest"), ("conftest", "shop.orders"),
    }
    type_only = {(s, d) for s, d, a in graph.edges if a["kind"] == "imports" and a["type_checking"]}
    assert type_only == {("shop.cart", "shop.orders")}


def test_calls_resolve_through_aliases_re_exports_and_scopes(graph) -> None:
    assert edges_with(graph, "calls") == {
        # `total` is imported as compute_total
        ("shop.cart.Cart.total", "shop.pricing.total", "resolved"),
        # the method `save` calls the module function `save`, not itself
        ("shop.cart.Cart.save", "shop.cart.save", "resolved"),
        ("shop.cart.save", "shop.pricing.round_price", "resolved"),
        # cart.total() on an untyped cart: of the two `total`s only Cart's is a member
        ("shop.cart.save", "shop.cart.Cart.total", "name-match"),
        ("shop.pricing.total", "shop.pricing.round_price", "resolved"),
        ("shop.orders.Order.save", "shop.cart.Cart.save", "resolved"),
        # Cart re-exported by shop/__init__.py; .with_item on an unknown receiver is a unique name
        ("ns.plugins.extra.make", "shop.cart.Cart", "resolved"),
        ("ns.plugins.extra.make", "shop.cart.Cart.with_item", "name-match"),
        ("test_cart.test_total", "shop.cart.Cart", "resolved"),
        ("test_cart.test_total", "shop.cart.Cart.with_item", "name-match"),
        ("test_cart.test_total", "shop.cart.Cart.total", "name-match"),
        ("test_cart.test_save", "shop.cart.save", "resolved"),
        ("test_cart.test_save", "shop.cart.Cart", "resolved"),
        # pytest calls the fixture a test names; the fixture builds an Order
        ("test_cart.test_with_fixture", "conftest.cart", "resolved"),
        ("test_cart.test_with_fixture", "shop.cart.Cart.total", "name-match"),
        ("conftest.cart", "shop.orders.Order", "resolved"),
    }
    assert edges(graph, "inherits") == {("shop.orders.Order", "shop.cart.Cart")}


def test_tests_edges_and_test_selection(graph) -> None:
    assert edges(graph, "tests") == {
        ("test_cart.test_total", "shop.cart.Cart"), ("test_cart.test_total", "shop.cart.Cart.with_item"),
        ("test_cart.test_total", "shop.cart.Cart.total"),
        ("test_cart.test_save", "shop.cart.save"), ("test_cart.test_save", "shop.cart.Cart"),
        ("test_cart.test_with_fixture", "shop.cart.Cart.total"),
    }
    every_test = {"test_cart.test_total", "test_cart.test_save", "test_cart.test_with_fixture"}
    assert graph.tests_of(["shop.pricing.round_price"]) == every_test
    assert graph.tests_of(["shop.cart.save"]) == every_test
    # a method reaches the users of its class: the fixture builds an Order
    assert graph.tests_of(["shop.orders.Order.save"]) == {"test_cart.test_with_fixture"}
    assert graph.tests_of(["ns.plugins.extra.make"]) == set()


def test_containment(graph) -> None:
    contains = edges(graph, "contains")
    assert ("ns", "ns.plugins") in contains and ("ns.plugins", "ns.plugins.extra") in contains
    assert {d for s, d in contains if s == "shop"} == {"shop.cart", "shop.pricing", "shop.orders"}
    assert {d for s, d in contains if s == "shop.cart.Cart"} == {
        "shop.cart.Cart.__init__", "shop.cart.Cart.with_item", "shop.cart.Cart.total", "shop.cart.Cart.save"}


def test_questions(graph) -> None:
    assert graph.symbols_at("src/shop/cart.py", 19) == ["shop.cart.Cart.total", "shop.cart.Cart"]
    assert graph.symbols_at("src/shop/cart.py", 1) == []
    assert graph.callers("shop.pricing.round_price") == ["shop.cart.save", "shop.pricing.total"]
    assert graph.callees("shop.cart.save") == ["shop.cart.Cart.total", "shop.pricing.round_price"]
    assert graph.import_cycles() == [["shop.cart", "shop.pricing"]]
    assert graph.impact(["shop.pricing.round_price"]) == {
        "shop.pricing.total", "shop.cart.save", "shop.cart.Cart.total", "shop.cart.Cart.save",
        "shop.cart.Cart", "shop.orders.Order.save", "shop.orders.Order", "ns.plugins.extra.make",
        "test_cart.test_total", "test_cart.test_save", "conftest.cart", "test_cart.test_with_fixture",
    }
    with pytest.raises(KeyError, match="no node 'shop.nothing'"):
        graph.callers("shop.nothing")


def test_rank_prefers_what_is_depended_on(graph) -> None:
    ranks = graph.rank()
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert ranks["shop.pricing.round_price"] > ranks["ns.plugins.extra.make"]
    toward = graph.rank(personalize=["ns.plugins.extra.make"])
    assert toward["shop.cart.Cart"] > ranks["shop.cart.Cart"]
    assert graph.module_rank(2)[0][0] == "shop.cart"


def test_networkx_view(graph) -> None:
    g = graph.g
    assert g.number_of_nodes() == len(graph.nodes)
    assert g.number_of_edges() == len(graph.edges)
    assert g.nodes["shop.cart.Cart.save"]["kind"] == "function"
    assert g.edges["shop.cart.Cart.save", "shop.cart.save", "calls"]["confidence"] == "resolved"
