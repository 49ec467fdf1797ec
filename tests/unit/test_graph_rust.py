"""The code graph of a small Rust crate: modules from file paths, `use` through crate and
super with an alias and a re-export, impl blocks and a trait, a module cycle, a method and
a function of the same name, an inline #[cfg(test)] module and an integration test."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges, edges_with, nodes

C, P, T = "shop_core::cart", "shop_core::pricing", "shop_core::tests::integration"

FILES = {
    "Cargo.toml": '[package]\nname = "shop-core"\nversion = "0.1.0"\n',
    "src/lib.rs": """
        pub mod cart;
        pub mod pricing;
        pub use cart::Cart;
    """,
    "src/cart.rs": """
        use crate::pricing::{total, round as round_price};

        pub struct Cart {
            pub items: Vec<i64>,
        }

        impl Cart {
            pub fn new() -> Self { Cart { items: Vec::new() } }
            pub fn total(&self) -> i64 { total(&self.items) }
            pub fn save(&self) -> i64 { save(self) }
        }

        impl crate::pricing::Priced for Cart {
            fn price(&self) -> i64 { self.total() }
        }

        pub fn save(cart: &Cart) -> i64 { round_price(cart.total()) }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn saves() {
                assert_eq!(save(&Cart::new()), 0);
            }
        }
    """,
    "src/pricing.rs": """
        use crate::cart::Cart;

        pub const RATE: i64 = 2;

        pub trait Priced {
            fn price(&self) -> i64;
        }

        pub fn total(items: &[i64]) -> i64 { round(items.iter().sum::<i64>() * RATE) }

        pub fn round(v: i64) -> i64 { v }

        pub fn empty() -> Cart { Cart::new() }
    """,
    "tests/integration.rs": """
        use shop_core::Cart;

        #[test]
        fn starts_empty() {
            assert_eq!(Cart::new().total(), 0);
        }
    """,
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_nodes(graph) -> None:
    assert nodes(graph, "package") == {"shop_core"}
    assert nodes(graph, "module") == {C, P, T, f"{C}::tests"}
    assert nodes(graph, "external") == set()
    assert nodes(graph, "class") == {f"{C}::Cart", f"{P}::Priced"}
    assert nodes(graph, "constant") == {f"{P}::RATE"}
    assert nodes(graph, "function") == {
        f"{C}::Cart::new", f"{C}::Cart::total", f"{C}::Cart::save", f"{C}::Cart::price", f"{C}::save",
        f"{C}::tests::saves", f"{P}::Priced::price", f"{P}::total", f"{P}::round", f"{P}::empty",
        f"{T}::starts_empty",
    }
    assert {n for n, d in graph.nodes.items() if d["test_case"]} == {f"{C}::tests::saves", f"{T}::starts_empty"}
    assert {n for n, d in graph.nodes.items() if d["is_test"]} == {
        f"{C}::tests", f"{C}::tests::saves", T, f"{T}::starts_empty"}
    assert graph.nodes[f"{C}::tests::saves"]["start_line"] == 23  # from its #[test] attribute


def test_imports_and_cycle(graph) -> None:
    assert edges(graph, "imports") == {("shop_core", C), (C, P), (P, C), (T, "shop_core")}
    assert graph.import_cycles() == [[C, P]]


def test_calls_and_inherits(graph) -> None:
    assert edges_with(graph, "calls") == {
        (f"{C}::Cart::new", f"{C}::Cart", "resolved"),
        (f"{C}::Cart::total", f"{P}::total", "resolved"),
        (f"{C}::Cart::save", f"{C}::save", "resolved"),  # the function, not the method
        (f"{C}::Cart::price", f"{C}::Cart::total", "resolved"),
        (f"{C}::save", f"{P}::round", "resolved"),  # through the alias round_price
        # cart.total() on an untyped cart: of the two `total`s only Cart's is a member
        (f"{C}::save", f"{C}::Cart::total", "name-match"),
        (f"{P}::total", f"{P}::round", "resolved"),
        (f"{P}::empty", f"{C}::Cart::new", "resolved"),
    }
    assert edges(graph, "inherits") == {(f"{C}::Cart", f"{P}::Priced")}


def test_tests_reach_through_macros(graph) -> None:
    # assert_eq!(...) holds a token tree, not calls: its names are what the test refers to
    assert edges_with(graph, "tests") == {
        (f"{C}::tests::saves", f"{C}::save", "resolved"),
        (f"{C}::tests::saves", f"{C}::Cart", "resolved"),
        (f"{C}::tests::saves", f"{C}::Cart::new", "name-match"),
        (f"{T}::starts_empty", f"{C}::Cart", "resolved"),
        (f"{T}::starts_empty", f"{C}::Cart::new", "name-match"),
    }
    assert graph.tests_of([f"{P}::round"]) == {f"{C}::tests::saves", f"{T}::starts_empty"}
