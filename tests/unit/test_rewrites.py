"""rewritten-expectation, deleted-test and weakened-assertion on real changes between commits."""

from __future__ import annotations

import textwrap

from adversary_helpers import two_commits

from comprehend.adversary.links import changed_code
from comprehend.adversary.pytests import load_smell_policy
from comprehend.adversary.rewrites import find_rewrites

POLICY, _ = load_smell_policy(None)

CODE = "def price(total, rate):\n    return round(total * (1 - rate), 2)\n"
TESTS = textwrap.dedent("""\
    from shop import price


    def test_discount():
        assert price(100, 0.1) == 90.0


    def test_no_discount():
        assert price(50, 0) == 50
    """)


def rewrites(repo, before: dict, after: dict) -> list[tuple[str, str, int, str]]:
    change, sources = two_commits(repo, before, after)
    code = changed_code(change, sources, POLICY.layout, None)
    findings = find_rewrites(change, sources, POLICY, code)
    return [(f.rule, f.file, f.start_line, f.title) for f in findings]


def test_expectation_rewritten_with_the_code_it_tests(repo) -> None:
    change, sources = two_commits(
        repo, {"shop.py": CODE, "tests/test_shop.py": TESTS},
        {"shop.py": CODE.replace("1 - rate", "1 - rate * 2"),
         "tests/test_shop.py": TESTS.replace("== 90.0", "== 80.0")})
    code = changed_code(change, sources, POLICY.layout, None)
    (finding,) = find_rewrites(change, sources, POLICY, code)
    assert (finding.rule, finding.severity, finding.file, finding.start_line) == (
        "rewritten-expectation", "high", "tests/test_shop.py", 5)
    assert finding.title == ("test_discount: expected 90.0 became 80.0 in the same change as "
                             "the code it tests")
    assert finding.evidence["old_assertion"] == "price(100, 0.1) == 90.0"
    assert finding.evidence["new_assertion"] == "price(100, 0.1) == 80.0"
    assert finding.evidence["link"] == "the test calls shop.py: price, which the change modified"
    assert finding.evidence["changed_code"] == ["shop.py: price"]


def test_expectation_changed_without_a_code_change_is_a_test_fix(repo) -> None:
    assert rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": TESTS},
                    {"tests/test_shop.py": TESTS.replace("== 50", "== 50.0")}) == []


def test_expectation_of_a_test_of_other_code_is_not_linked(repo) -> None:
    other = "def tax(x):\n    return x * 0.2\n"
    assert rewrites(repo, {"shop.py": CODE, "tax.py": other, "tests/test_shop.py": TESTS},
                    {"tax.py": other.replace("0.2", "0.25"),
                     "tests/test_shop.py": TESTS.replace("== 90.0", "== 80.0")}) == []


def test_deleted_test_function_and_deleted_test_file(repo) -> None:
    second = "from shop import price\n\n\ndef test_rounding():\n    assert price(10, 0.333) == 6.67\n"
    found = rewrites(
        repo, {"shop.py": CODE, "tests/test_shop.py": TESTS, "tests/test_round.py": second},
        {"tests/test_shop.py": TESTS.split("\n\n\ndef test_no_discount")[0] + "\n",
         "tests/test_round.py": None})
    assert found == [
        ("deleted-test", "tests/test_round.py", 4, "test_rounding was deleted with its file"),
        ("deleted-test", "tests/test_shop.py", 5, "test_no_discount was deleted from the file"),
    ]


def test_moved_or_renamed_tests_are_not_deleted(repo) -> None:
    moved = "from shop import price\n\n\ndef test_no_discount():\n    assert price(50, 0) == 50\n"
    renamed = TESTS.replace("def test_discount():", "def test_ten_percent_discount():")
    found = rewrites(
        repo, {"shop.py": CODE, "tests/test_shop.py": TESTS},
        {"tests/test_shop.py": renamed.split("\n\n\ndef test_no_discount")[0] + "\n",
         "tests/test_zero.py": moved})
    assert found == []


def test_equality_loosened_to_membership_and_not_none(repo) -> None:
    after = TESTS.replace("assert price(100, 0.1) == 90.0",
                          "assert price(100, 0.1) is not None").replace(
        "assert price(50, 0) == 50", "assert 50 in [price(50, 0), 0]")
    found = rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": TESTS},
                     {"tests/test_shop.py": after})
    assert found == [
        ("weakened-assertion", "tests/test_shop.py", 5,
         "test_discount: assertion weakened (== became is not None)"),
        ("weakened-assertion", "tests/test_shop.py", 9,
         "test_no_discount: assertion weakened (== became in)"),
    ]


def test_tolerance_grew_and_raises_lost_its_match(repo) -> None:
    before = textwrap.dedent("""\
        import pytest
        from shop import price


        def test_close():
            assert price(1, 0.5) == pytest.approx(0.5, rel=1e-6)


        def test_rejects_negative():
            with pytest.raises(ValueError, match="negative"):
                price(-1, 0)
        """)
    after = before.replace("rel=1e-6", "rel=0.1").replace(', match="negative"', "")
    found = rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": before},
                     {"tests/test_shop.py": after})
    assert found == [
        ("weakened-assertion", "tests/test_shop.py", 6,
         "test_close: assertion weakened (the tolerance grew from 1e-06 to 0.1)"),
        ("weakened-assertion", "tests/test_shop.py", 10,
         "test_rejects_negative: assertion weakened (pytest.raises lost its match='negative')"),
    ]


def test_removed_assertion_is_a_weakening(repo) -> None:
    before = TESTS.replace("assert price(50, 0) == 50",
                           "assert price(50, 0) == 50\n    assert price(0, 0.5) == 0")
    found = rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": before},
                     {"tests/test_shop.py": TESTS})
    assert found == [("weakened-assertion", "tests/test_shop.py", 8,
                      "test_no_discount: 1 assertion(s) removed")]


def test_stronger_assertion_is_not_reported(repo) -> None:
    before = TESTS.replace("assert price(50, 0) == 50", "assert price(50, 0) is not None")
    assert rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": before},
                    {"tests/test_shop.py": TESTS}) == []


UNITTESTS = textwrap.dedent("""\
    import unittest

    from shop import price


    class PriceChecks(unittest.TestCase):
        def test_discount(self):
            self.assertEqual(price(100, 0.1), 90.0)

        def test_close(self):
            self.assertAlmostEqual(price(1, 0.5), 0.5, places=6)

        def test_rejects_negative(self):
            with self.assertRaises(ValueError):
                price(-1, 0)
    """)


def test_unittest_expected_value_rewritten_with_the_code(repo) -> None:
    change, sources = two_commits(
        repo, {"shop.py": CODE, "tests/test_shop.py": UNITTESTS},
        {"shop.py": CODE.replace("1 - rate", "1 - rate * 2"),
         "tests/test_shop.py": UNITTESTS.replace("90.0)", "80.0)").replace(
             "0.5, places=6", "0.0, places=6")})
    code = changed_code(change, sources, POLICY.layout, None)
    found = find_rewrites(change, sources, POLICY, code)
    assert [(f.rule, f.start_line, f.title) for f in found] == [
        ("rewritten-expectation", 8, "PriceChecks.test_discount: expected 90.0 became 80.0 in "
                                     "the same change as the code it tests"),
        ("rewritten-expectation", 11, "PriceChecks.test_close: expected 0.5 became 0.0 in the "
                                      "same change as the code it tests"),
    ]
    assert found[0].evidence["new_assertion"] == "self.assertEqual(price(100, 0.1), 80.0)"
    assert found[0].evidence["rerun"] == (
        "python -m pytest 'tests/test_shop.py::PriceChecks::test_discount'")


def test_expected_error_rewritten_into_the_value_the_bug_returns(repo) -> None:
    after = UNITTESTS.replace(
        "with self.assertRaises(ValueError):\n            price(-1, 0)",
        "self.assertEqual(price(-1, 0), -1)")
    found = rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": UNITTESTS},
                     {"shop.py": CODE.replace("round(", "round(abs(total) and "),
                      "tests/test_shop.py": after})
    assert found == [("rewritten-expectation", "tests/test_shop.py", 14,
                      "PriceChecks.test_rejects_negative: expected ValueError to be raised "
                      "became -1 in the "
                      "same change as the code it tests")]


def test_unittest_membership_and_call_form_expectations_rewritten(repo) -> None:
    before = textwrap.dedent("""\
        from unittest import TestCase as Case

        from shop import price


        class PriceChecks(Case):
            def test_menu(self):
                self.assertIn(90.0, [price(100, 0.1), 0])

            def test_bad_rate(self):
                self.assertRaises(ValueError, price, 1, 2)
        """)
    after = before.replace("assertIn(90.0", "assertIn(80.0").replace(
        "assertRaises(ValueError", "assertRaises(TypeError")
    found = rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": before},
                     {"shop.py": CODE.replace("1 - rate", "1 - rate * 2"),
                      "tests/test_shop.py": after})
    assert found == [
        ("rewritten-expectation", "tests/test_shop.py", 8,
         "PriceChecks.test_menu: expected 90.0 became 80.0 in the same change as the code it "
         "tests"),
        ("rewritten-expectation", "tests/test_shop.py", 11,
         "PriceChecks.test_bad_rate: expected ValueError to be raised became TypeError to be "
         "raised in the same change as the code it tests"),
    ]


def test_unittest_expectation_changed_alone_is_a_test_fix(repo) -> None:
    assert rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": UNITTESTS},
                    {"tests/test_shop.py": UNITTESTS.replace("90.0)", "90)")}) == []


def test_unittest_assertions_loosened(repo) -> None:
    after = (UNITTESTS
             .replace("self.assertEqual(price(100, 0.1), 90.0)",
                      "self.assertIsNotNone(price(100, 0.1))")
             .replace("places=6", "places=1")
             .replace("assertRaises(ValueError)", "assertRaises(Exception)"))
    found = rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": UNITTESTS},
                     {"tests/test_shop.py": after})
    assert found == [
        ("weakened-assertion", "tests/test_shop.py", 8,
         "PriceChecks.test_discount: assertion weakened (== became is not None)"),
        ("weakened-assertion", "tests/test_shop.py", 11,
         "PriceChecks.test_close: assertion weakened (the tolerance grew from 1e-06 to 0.1)"),
        ("weakened-assertion", "tests/test_shop.py", 14,
         "PriceChecks.test_rejects_negative: assertion weakened (the expected error widened "
         "from ValueError to Exception)"),
    ]


def test_unittest_equal_became_in_true_or_a_delta(repo) -> None:
    after = (UNITTESTS
             .replace("self.assertEqual(price(100, 0.1), 90.0)",
                      "self.assertIn(price(100, 0.1), [90.0, 80.0])")
             .replace("0.5, places=6", "0.5, delta=0.5")
             .replace("with self.assertRaises(ValueError):\n            price(-1, 0)",
                      "self.assertTrue(price(-1, 0))"))
    found = rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": UNITTESTS},
                     {"tests/test_shop.py": after})
    assert found == [
        ("weakened-assertion", "tests/test_shop.py", 8,
         "PriceChecks.test_discount: assertion weakened (== became in)"),
        ("weakened-assertion", "tests/test_shop.py", 11,
         "PriceChecks.test_close: assertion weakened (the tolerance grew from 1e-06 to 0.5)"),
        ("weakened-assertion", "tests/test_shop.py", 14,
         "PriceChecks.test_rejects_negative: assertion weakened (raises became a truthiness "
         "check)"),
    ]


def test_unittest_stronger_or_unchanged_assertions_are_not_reported(repo) -> None:
    before = UNITTESTS.replace("self.assertEqual(price(100, 0.1), 90.0)",
                               "self.assertTrue(price(100, 0.1))").replace("places=6", "places=2")
    assert rewrites(repo, {"shop.py": CODE, "tests/test_shop.py": before},
                    {"tests/test_shop.py": UNITTESTS}) == []
