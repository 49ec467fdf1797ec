"""Mutation operators (comprehend/adversary/mutation/mutate.py) and arid lines (arid.py) on real
source text, with the shipped policy unless a test overrides it in a repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo

from comprehend.adversary.mutation.arid import load_arid_rules
from comprehend.adversary.mutation.mutate import OPERATORS, load_operators, mutate_file
from comprehend.errors import ConfigError

OPS, _ = load_operators(None)
RULES, _ = load_arid_rules(None)


def mutants(source: str, lines=None):
    changed = frozenset(lines if lines is not None else range(1, source.count("\n") + 2))
    return mutate_file("pkg/m.py", source, changed, OPS, RULES)


def edits(source: str, lines=None) -> list[tuple[int, str, str, str]]:
    return [(m.line, m.operator, m.original, m.replacement) for m in mutants(source, lines).mutants]


@pytest.mark.parametrize(("source", "expected"), [
    ("def f(a, b):\n    return a < b\n", [
        (2, "return-value", "a < b", "None"),
        (2, "comparison", "<", ">"),
        (2, "boundary", "<", "<="),
    ]),
    ("def f(x, y):\n    return x in y and x is not None\n", [
        (2, "return-value", "x in y and x is not None", "None"),
        (2, "membership", "in", "not in"),
        (2, "boolean", "and", "or"),
        (2, "membership", "is not", "is"),
    ]),
    ("def f(n):\n    n += 2\n", [
        (2, "statement-deletion", "n += 2", "pass"),
        (2, "arithmetic", "+=", "-="),
        (2, "arithmetic", "+=", "="),
        (2, "constant", "2", "3"),
        (2, "constant", "2", "1"),
    ]),
    ("def f(x):\n    if x:\n        pass\n", [
        (2, "negate-condition", "x", "not (x)"),
        (2, "drop-condition", "x", "True"),
    ]),
    ("def f(x):\n    return not x\n", [
        (2, "negate-condition", "not x", "x"),
        (2, "return-value", "not x", "None"),
    ]),
    ("def f():\n    return 'ab'\n", [
        (2, "string", "'ab'", "'XXabXX'"),
        (2, "return-value", "'ab'", "None"),
    ]),
    ("def f(g, a):\n    g(a, *a, k=a, **a)\n", [
        (2, "statement-deletion", "g(a, *a, k=a, **a)", "pass"),
        (2, "none-value", "a", "None"),
        (2, "none-value", "a", "None"),
    ]),
    ("def f(g):\n    try:\n        g()\n    except KeyError:\n        return None\n", [
        (3, "statement-deletion", "g()", "pass"),
        (5, "exception-handler", "return None", "raise"),
    ]),
    ("def f(xs):\n    for x in xs:\n        break\n    for x in xs:\n        continue\n", [
        (3, "loop-control", "break", "continue"),
        (5, "loop-control", "continue", "break"),
    ]),
    ("def f(xs, i):\n    return xs[i:]\n", [
        (2, "return-value", "xs[i:]", "None"),
        (2, "slice", "i", "i + 1"),
    ]),
    ("def f(x):\n    return -x\n", [
        (2, "arithmetic", "-", "+"),
        (2, "return-value", "-x", "None"),
    ]),
    ("def f(x):\n    y = True\n", [
        (2, "statement-deletion", "y = True", "pass"),
        (2, "constant", "True", "False"),
        (2, "none-value", "True", "None"),
    ]),
])
def test_each_operator_makes_exactly_its_edits(source: str, expected: list) -> None:
    assert edits(source) == expected


def test_only_the_changed_lines_are_mutated() -> None:
    source = "def f(a, b):\n    c = a + b\n    return c * 2\n"
    assert edits(source, lines={3}) == [
        (3, "return-value", "c * 2", "None"),
        (3, "arithmetic", "*", "/"),
        (3, "constant", "2", "3"),
        (3, "constant", "2", "1"),
    ]


def test_columns_after_non_ascii_text_hit_the_operator() -> None:
    source = "def f(x):\n    return 'é' if x > 1 else 'e'\n"
    comparison = [m for m in mutants(source).mutants if m.operator == "comparison"]
    assert [(m.original, m.replacement) for m in comparison] == [(">", "<")]
    assert comparison[0].apply(source) == "def f(x):\n    return 'é' if x < 1 else 'e'\n"


def test_a_deleted_multi_line_statement_keeps_every_line_number() -> None:
    source = "def f(g):\n    g(1,\n      2)\n    return g\n"
    deletion = next(m for m in mutants(source).mutants if m.operator == "statement-deletion")
    assert deletion.apply(source) == "def f(g):\n    pass\n\n    return g\n"


def test_scopes_name_the_functions_a_running_process_swaps() -> None:
    source = (
        "LIMIT = 1\n"
        "def deco(f):\n    return f\n"
        "class Shop:\n"
        "    @deco\n"
        "    def price(self, x=2):\n"
        "        def inner():\n"
        "            return x + 3\n"
        "        return inner\n"
    )
    plan = mutants(source)
    scopes = {(m.line, m.original, m.replacement): m.scopes for m in plan.mutants if m.operator == "constant"}
    assert scopes[(1, "1", "2")] == ()  # module level: import time
    assert scopes[(6, "2", "3")] == ()  # a default: evaluated when the class body runs
    assert scopes[(8, "3", "4")] == (("Shop.price", 5), ("Shop.price.<locals>.inner", 7))


def test_arid_lines_are_left_alone_and_counted() -> None:
    source = (
        "import logging\n"                              # 1
        "log = logging.getLogger(__name__)\n"           # 2 arid: call of logging.*
        "from typing import TYPE_CHECKING\n"            # 3
        "if TYPE_CHECKING:\n"                           # 4 arid block
        "    X = 1\n"                                   # 5 arid block
        "def f(x, verbose):\n"                          # 6
        "    log.info('x=%s', x + 1)\n"                 # 7 arid call
        "    print(x - 1)\n"                            # 8 arid call
        "    if verbose:\n"                             # 9 flag: test not mutated
        "        x = x * 2\n"                           # 10 body still mutated
        "    return x + 1  # pragma: no mutate\n"       # 11 marker
        "class P:\n"                                    # 12
        "    def __repr__(self):\n"                     # 13 arid function
        "        return 'P' + str(1)\n"                 # 14
    )
    plan = mutants(source)
    assert sorted(plan.arid_changed_lines) == [2, 4, 5, 7, 8, 9, 11, 13, 14]
    assert sorted({m.line for m in plan.mutants}) == [10]


def test_float_constants_print_as_written() -> None:
    assert edits("def f(x):\n    return x * 1.2\n", lines={2})[-2:] == [
        (2, "constant", "1.2", "2.2"),
        (2, "constant", "1.2", "0.2"),
    ]


def test_the_type_argument_of_typing_cast_is_not_mutated() -> None:
    # cast(None, x) runs exactly as cast(Sequence[int], x): such a mutant always survives
    source = "def f(x):\n    return cast(Sequence[int], x)\n"
    assert edits(source) == [(2, "return-value", "cast(Sequence[int], x)", "None"),
                             (2, "none-value", "x", "None")]


def test_docstrings_and_f_strings_are_not_mutated() -> None:
    source = 'def f(x):\n    """Doc 1."""\n    return f"{x + 1}"\n'
    assert edits(source) == [(3, "return-value", 'f"{x + 1}"', "None")]


def test_ids_are_stable_and_differ_by_file() -> None:
    source = "def f(a):\n    return a + 1\n"
    first = [m.id for m in mutants(source).mutants]
    again = [m.id for m in mutants(source).mutants]
    other = [m.id for m in mutate_file("pkg/other.py", source, frozenset({2}), OPS, RULES).mutants]
    assert first == again
    assert len(set(first)) == len(first) == 4
    assert set(first).isdisjoint(other)


def test_a_file_that_does_not_parse_yields_no_mutants_and_says_why() -> None:
    plan = mutants("def f(:\n    return 1\n")
    assert plan.mutants == ()
    assert plan.error is not None and plan.error.startswith("pkg/m.py does not parse:")


def test_the_mutant_diff_applies_with_git_apply(tmp_path: Path) -> None:
    source = "def total(price, qty):\n    return price * qty\n"
    repo = GitRepo.create(tmp_path / "r")
    repo.write("pkg/m.py", source)
    repo.commit("base")
    mutant = next(m for m in mutants(source).mutants if m.operator == "arithmetic")
    patch = mutant.unified_diff(source)
    assert patch == (
        "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,2 +1,2 @@\n def total(price, qty):\n"
        "-    return price * qty\n+    return price / qty\n"
    )
    repo.git("apply", "-", input=patch)
    assert (repo.path / "pkg/m.py").read_text() == "def total(price, qty):\n    return price / qty\n"


def test_a_repository_can_switch_an_operator_off(tmp_path: Path) -> None:
    (tmp_path / "adversary").mkdir()
    (tmp_path / "adversary" / "operators.toml").write_text("[constant]\nenabled = false\n")
    operators, files = load_operators(tmp_path)
    assert [f.overridden for f in files] == [False, True]
    plan = mutate_file("m.py", "def f(n):\n    return n + 2\n", frozenset({2}), operators, RULES)
    assert [m.operator for m in plan.mutants] == ["return-value", "arithmetic"]


def test_an_unknown_operator_in_policy_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "adversary").mkdir()
    policy = tmp_path / "adversary" / "operators.toml"
    policy.write_text("[swap-everything]\nenabled = true\n")
    with pytest.raises(ConfigError, match=r"operators\.toml: unknown operator \[swap-everything\]"):
        load_operators(tmp_path)


def test_the_shipped_policy_enables_every_operator_with_a_confidence() -> None:
    assert [p.name for p in OPS.policies] == list(OPERATORS)
    assert all(p.enabled and 0 < p.confidence <= 1 for p in OPS.policies)


@pytest.mark.parametrize(("path", "test", "skipped"), [
    ("tests/test_a.py", True, False),
    ("pkg/tests/helpers.py", True, False),
    ("test_b.py", True, False),
    ("pkg/b_test.py", True, False),
    ("conftest.py", True, False),
    ("pkg/core.py", False, False),
    ("setup.py", False, True),
    ("docs/conf.py", False, True),
])
def test_file_roles_come_from_the_arid_policy(path: str, test: bool, skipped: bool) -> None:
    assert (RULES.is_test_file(path), RULES.is_skipped_file(path)) == (test, skipped)
