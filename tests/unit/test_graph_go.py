"""The code graph of a small Go module: packages named by go.mod's module path, an aliased
import, methods named after their receiver's type, a method and a function of the same
name, and a _test.go file. (Go forbids import cycles and has no re-exports.)"""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges, edges_with, nodes

ROOT, CART, PRICING = "example.com/shop", "example.com/shop/cart", "example.com/shop/pricing"

FILES = {
    "go.mod": "module example.com/shop\n\ngo 1.22\n",
    "main.go": """
        package main

        import (
            "fmt"

            "example.com/shop/cart"
            p "example.com/shop/pricing"
        )

        func main() {
            c := cart.New()
            fmt.Println(p.Total(c.Items))
        }
    """,
    "cart/cart.go": """
        package cart

        import "example.com/shop/pricing"

        type Cart struct{ Items []int }

        func New() *Cart { return &Cart{} }

        func (c *Cart) Save() int { return Save(c) }

        func Save(c *Cart) int { return pricing.Round(c.Total()) }

        func (c *Cart) Total() int { return pricing.Total(c.Items) }
    """,
    "cart/cart_test.go": """
        package cart

        import "testing"

        func TestSave(t *testing.T) {
            c := New()
            if c.Save() != 0 {
                t.Fatal("not saved")
            }
        }
    """,
    "pricing/pricing.go": """
        package pricing

        const Rate = 2

        func Total(items []int) int {
            s := 0
            for _, i := range items {
                s += i
            }
            return Round(s * Rate)
        }

        func Round(v int) int { return v }
    """,
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_packages_files_and_symbols(graph) -> None:
    assert nodes(graph, "package") == {ROOT, CART, PRICING}
    assert nodes(graph, "module") == {"main.go", "cart/cart.go", "cart/cart_test.go", "pricing/pricing.go"}
    assert nodes(graph, "external") == {"external:fmt", "external:testing"}
    assert nodes(graph, "class") == {f"{CART}.Cart"}
    assert nodes(graph, "constant") == {f"{PRICING}.Rate"}
    assert nodes(graph, "function") == {
        f"{ROOT}.main", f"{CART}.New", f"{CART}.Cart.Save", f"{CART}.Save", f"{CART}.Cart.Total",
        f"{CART}.TestSave", f"{PRICING}.Total", f"{PRICING}.Round",
    }
    assert {n for n, d in graph.nodes.items() if d["test_case"]} == {f"{CART}.TestSave"}
    assert {d for s, d in edges(graph, "contains") if s == f"{CART}.Cart"} == {
        f"{CART}.Cart.Save", f"{CART}.Cart.Total"}
    assert {d for s, d in edges(graph, "contains") if s == CART} == {"cart/cart.go", "cart/cart_test.go"}


def test_imports_are_file_to_package(graph) -> None:
    assert edges(graph, "imports") == {
        ("main.go", "external:fmt"), ("main.go", CART), ("main.go", PRICING),
        ("cart/cart.go", PRICING), ("cart/cart_test.go", "external:testing"),
    }
    assert graph.import_cycles() == []


def test_calls(graph) -> None:
    assert edges_with(graph, "calls") == {
        (f"{ROOT}.main", f"{CART}.New", "resolved"),
        (f"{ROOT}.main", f"{PRICING}.Total", "resolved"),  # through the alias p
        (f"{CART}.New", f"{CART}.Cart", "resolved"),  # &Cart{}
        # the method Save calls the package function Save
        (f"{CART}.Cart.Save", f"{CART}.Save", "resolved"),
        (f"{CART}.Save", f"{PRICING}.Round", "resolved"),
        (f"{CART}.Cart.Total", f"{PRICING}.Total", "resolved"),
        (f"{PRICING}.Total", f"{PRICING}.Round", "resolved"),
        (f"{CART}.TestSave", f"{CART}.New", "resolved"),
        # c.Total() and c.Save() on an untyped c: only Cart has members of those names
        # (the package functions Total and Save are not members)
        (f"{CART}.Save", f"{CART}.Cart.Total", "name-match"),
        (f"{CART}.TestSave", f"{CART}.Cart.Save", "name-match"),
    }
    assert edges(graph, "tests") == {(f"{CART}.TestSave", f"{CART}.New"), (f"{CART}.TestSave", f"{CART}.Cart.Save")}
    assert graph.tests_of([f"{CART}.Cart"]) == {f"{CART}.TestSave"}
