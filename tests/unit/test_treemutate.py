"""Go and JS/TS mutants from tree-sitter (treemutate.py) and the blocks survivors are
grouped by (treeblocks.py), on small sources with every expected edit listed."""

from __future__ import annotations

from comprehend.adversary.mutation.arid import load_arid_rules
from comprehend.adversary.mutation.mutate import load_operators
from comprehend.adversary.mutation.treemutate import mutate_tree_file
from comprehend.adversary.treeblocks import tree_blocks

GO = """package calc

import "fmt"

func Price(qty int, vip bool) (int, error) {
	if qty <= 0 && !vip {
		return 0, fmt.Errorf("bad qty")
	}
	fmt.Println("price", qty)
	total := qty * 3
	for i := 0; i < qty; i++ {
		total += i
	}
	return total, nil
}

func (p Point) String() string { return fmt.Sprint(p.x + 1) }
"""
JS = """function price(qty, vip) {
  if (qty === 0 || vip) {
    return qty + 'x';
  }
  console.log('price', qty);
  save(qty); // pragma: no mutate
  count++;
  return vip ? qty * 2 : qty;
}
"""


def mutants(path: str, grammar: str, source: str) -> list[tuple[int, str, str, str]]:
    operators, _ = load_operators(None)
    rules, _ = load_arid_rules(None)
    plan = mutate_tree_file(path, grammar, source, frozenset(range(1, 40)), operators, rules)
    assert plan.error is None
    for m in plan.mutants:  # every edit keeps every line where it was
        assert m.apply(source).count("\n") == source.count("\n")
    return [(m.line, m.operator, m.original, m.replacement) for m in plan.mutants]


def test_go_operators_on_changed_lines_skip_output_loops_updates_and_string_methods() -> None:
    assert mutants("calc.go", "go", GO) == [
        (6, "negate-condition", "qty <= 0 && !vip", "!(qty <= 0 && !vip)"),
        (6, "boundary", "<=", "<"),
        (6, "comparison", "<=", ">="),
        (6, "constant", "0", "1"),
        (6, "boolean", "&&", "||"),
        (6, "negate-condition", "!vip", "vip"),
        (7, "constant", "0", "1"),  # `return 0, ...`: already the zero value, no return-value
        (7, "return-value", 'fmt.Errorf("bad qty")', "nil"),
        (7, "string", '"bad qty"', '"XXbad qtyXX"'),
        (10, "arithmetic", "*", "/"),
        (10, "constant", "3", "4"),
        (10, "constant", "3", "2"),
        (11, "constant", "0", "1"),
        (11, "boundary", "<", "<="),
        (11, "comparison", "<", ">"),
        (12, "statement-deletion", "total += i", ""),
        (12, "arithmetic", "+=", "-="),
        (14, "return-value", "total", "0 * (total)"),
    ]


def test_js_operators_skip_console_pragma_and_concatenation() -> None:
    assert mutants("price.js", "javascript", JS) == [
        (2, "negate-condition", "qty === 0 || vip", "!(qty === 0 || vip)"),
        (2, "comparison", "===", "!=="),
        (2, "constant", "0", "1"),
        (2, "boolean", "||", "&&"),
        (3, "return-value", "qty + 'x'", "undefined"),
        (3, "string", "'x'", "'XXxXX'"),
        (7, "statement-deletion", "count++;", ""),
        (7, "arithmetic", "++", "--"),
        (8, "negate-condition", "vip", "!(vip)"),
        (8, "return-value", "vip ? qty * 2 : qty", "undefined"),
        (8, "arithmetic", "*", "/"),
        (8, "constant", "2", "3"),
        (8, "constant", "2", "1"),
    ]


def test_typescript_types_are_not_mutated_and_a_broken_file_says_where() -> None:
    source = "export const f = (a: number): 'x' | 'y' => a > 1 ? 'x' : 'y';\n"
    assert mutants("f.ts", "typescript", source) == [
        (1, "negate-condition", "a > 1", "!(a > 1)"),
        (1, "boundary", ">", ">="), (1, "comparison", ">", "<"),
        (1, "constant", "1", "2"), (1, "constant", "1", "0"),
        (1, "string", "'x'", "'XXxXX'"), (1, "string", "'y'", "'XXyXX'"),
    ]
    operators, _ = load_operators(None)
    rules, _ = load_arid_rules(None)
    plan = mutate_tree_file("bad.go", "go", "package x\n\nfunc f( {\n", frozenset({3}), operators, rules)
    assert (plan.mutants, plan.error) == ((), "bad.go does not parse (line 3)")


def test_blocks_of_go_and_js() -> None:
    assert tree_blocks("calc.go", GO) == [
        (6, 14, "func Price(qty int, vip bool) (int, error)", "Price", "function", ""),
        (7, 7, "if qty <= 0 && !vip", "Price", "if", "qty <= 0 && !vip"),
        (12, 12, "for i := 0; i < qty; i++", "Price", "for", ""),
        (17, 17, "func (p Point) String() string { return fmt.Sprint(p.x + 1) }", "String",
         "function", ""),
    ]
    assert tree_blocks("a.js", "function f(a) {\n  if (a) {\n    g();\n  } else {\n    h();\n  }\n"
                                "  switch (a) {\n    case 1:\n      k();\n  }\n}\n") == [
        (2, 10, "function f(a)", "f", "function", ""),
        (3, 3, "if (a)", "f", "if", "a"),
        (5, 5, "else", "f", "else", ""),
        (9, 9, "case 1:", "f", "case", ""),
    ]
    assert tree_blocks("notes.txt", "if x") == []
