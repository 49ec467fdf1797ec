"""The code graph of a small Java project: classes named by their package, single-class
and static imports, same-package references without import, an import cycle, inheritance,
an instance method and a static method of the same name, and a JUnit test class."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges, edges_with, nodes

MAIN, TEST = "src/main/java/com/shop", "src/test/java/com/shop"
CART, BASE, STORE = f"{MAIN}/cart/Cart.java", f"{MAIN}/cart/Base.java", f"{MAIN}/cart/Store.java"
PRICING, CART_TEST = f"{MAIN}/pricing/Pricing.java", f"{TEST}/cart/CartTest.java"
C, P = "com.shop.cart", "com.shop.pricing"

FILES = {
    CART: """
        package com.shop.cart;

        import com.shop.pricing.Pricing;
        import static com.shop.pricing.Pricing.round;

        public class Cart extends Base {
            public static final int LIMIT = 10;
            private int count = 0;

            public int total() { return Pricing.total(this.items()) + round(1); }

            public int save() { return Store.save(this); }

            int[] items() { return new int[0]; }
        }
    """,
    BASE: """
        package com.shop.cart;

        public abstract class Base {
            public int size() { return 0; }
        }
    """,
    STORE: """
        package com.shop.cart;

        public class Store {
            public static int save(Cart cart) { return cart.total(); }
        }
    """,
    PRICING: """
        package com.shop.pricing;

        import com.shop.cart.Cart;

        public class Pricing {
            public static int total(int[] items) { return round(items.length); }
            public static int round(int v) { return v; }
            public static Cart empty() { return new Cart(); }
        }
    """,
    CART_TEST: """
        package com.shop.cart;

        import org.junit.jupiter.api.Test;
        import static org.junit.jupiter.api.Assertions.assertEquals;

        class CartTest {
            @Test
            void totals() { assertEquals(0, new Cart().total()); }

            @Test
            void saves() { assertEquals(0, Store.save(new Cart())); }
        }
    """,
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_nodes(graph) -> None:
    assert nodes(graph, "package") == {C, P}
    assert nodes(graph, "module") == {CART, BASE, STORE, PRICING, CART_TEST}
    assert nodes(graph, "external") == {"external:org.junit.jupiter.api"}
    assert nodes(graph, "class") == {f"{C}.Cart", f"{C}.Base", f"{C}.Store", f"{P}.Pricing", f"{C}.CartTest"}
    assert nodes(graph, "constant") == {f"{C}.Cart.LIMIT"}  # static final only
    assert nodes(graph, "function") == {
        f"{C}.Cart.total", f"{C}.Cart.save", f"{C}.Cart.items", f"{C}.Base.size", f"{C}.Store.save",
        f"{P}.Pricing.total", f"{P}.Pricing.round", f"{P}.Pricing.empty", f"{C}.CartTest.totals",
        f"{C}.CartTest.saves",
    }
    assert {n for n, d in graph.nodes.items() if d["test_case"]} == {f"{C}.CartTest.totals", f"{C}.CartTest.saves"}


def test_imports_and_cycle(graph) -> None:
    assert edges(graph, "imports") == {
        (CART, PRICING), (PRICING, CART), (CART_TEST, "external:org.junit.jupiter.api")}
    assert graph.import_cycles() == [[CART, PRICING]]


def test_calls(graph) -> None:
    assert edges_with(graph, "calls") == {
        (f"{C}.Cart.total", f"{P}.Pricing.total", "resolved"),
        (f"{C}.Cart.total", f"{C}.Cart.items", "resolved"),
        (f"{C}.Cart.total", f"{P}.Pricing.round", "resolved"),  # a static import
        (f"{C}.Cart.save", f"{C}.Store.save", "resolved"),  # not itself: Store's static save
        (f"{P}.Pricing.total", f"{P}.Pricing.round", "resolved"),
        (f"{P}.Pricing.empty", f"{C}.Cart", "resolved"),
        (f"{C}.CartTest.totals", f"{C}.Cart", "resolved"),  # same package, no import
        (f"{C}.CartTest.saves", f"{C}.Store.save", "resolved"),
        (f"{C}.CartTest.saves", f"{C}.Cart", "resolved"),
    }
    assert edges(graph, "inherits") == {(f"{C}.Cart", f"{C}.Base")}
    assert edges(graph, "tests") == {
        (f"{C}.CartTest.totals", f"{C}.Cart"), (f"{C}.CartTest.saves", f"{C}.Store.save"),
        (f"{C}.CartTest.saves", f"{C}.Cart")}
    assert graph.tests_of([f"{P}.Pricing.round"]) == {f"{C}.CartTest.saves", f"{C}.CartTest.totals"}
