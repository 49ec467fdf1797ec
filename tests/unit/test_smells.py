"""test-cannot-fail and skipped-test: positive and negative cases, on parsed test sources and
on real changes between commits."""

from __future__ import annotations

import textwrap

import pytest
from adversary_helpers import two_commits

from comprehend.adversary.pytests import find_tests, load_smell_policy, parse
from comprehend.adversary.smells import find_smells, skips_of, smells_of

POLICY, _ = load_smell_policy(None)


def smells(source: str) -> list[tuple[str, int]]:
    """(reason code, line) for every smell of every test in `source`."""
    tree = parse(textwrap.dedent(source))
    found = []
    for fn in find_tests(tree, POLICY):
        found += [(s.code, s.line) for s in smells_of(fn, POLICY)]
        found += [(s.code, s.line) for s in skips_of(fn, POLICY)]
    return found


CANNOT_FAIL = {
    "no-assertion": ("""
        def test_runs():
            compute(1)
        """, [("no-assertion", 2)]),
    "truthiness": ("""
        def test_truthy():
            result = compute(2)
            assert result
            assert result is not None
            assert isinstance(result, int)
        """, [("truthiness", 4)]),
    "len-only": ("""
        def test_len():
            items = load()
            assert len(items) > 0
        """, [("truthiness", 4)]),
    "constant": ("""
        def test_constant():
            compute(1)
            assert True
        """, [("constant", 4)]),
    "two-constants": ("""
        def test_literal_compare():
            compute(1)
            assert 1 == 1
        """, [("constant", 4)]),
    "self-compare": ("""
        def test_self():
            value = compute(1)
            assert value == value
        """, [("self-compare", 4)]),
    "tuple": ("""
        def test_tuple():
            assert (compute(1) == 2, "compute doubles")
        """, [("tuple", 3)]),
    "swallowed": ("""
        def test_swallow():
            try:
                assert compute(1) == 2
            except AssertionError:
                pass
        """, [("swallowed", 5)]),
    "swallowed-bare": ("""
        def test_swallow_bare():
            try:
                assert compute(1) == 2
            except:
                print("ignored")
        """, [("swallowed", 5)]),
    "broad-raises": ("""
        import pytest
        def test_raises():
            with pytest.raises(Exception):
                compute(None)
        """, [("broad-raises", 4)]),
    "unittest-broad-raises": ("""
        class TestThing(unittest.TestCase):
            def test_raises(self):
                with self.assertRaises(Exception):
                    compute(None)
        """, [("broad-raises", 4)]),
    "loop-only": ("""
        def test_loop():
            for item in compute_all():
                assert item.total == 3
        """, [("unreachable", 4)]),
    "branch-only": ("""
        def test_branch():
            result = compute(1)
            if result is not None:
                assert result == 2
        """, [("unreachable", 5)]),
    "mock-restated": ("""
        from unittest.mock import Mock
        def test_mock():
            client = Mock()
            client.fetch.return_value = 5
            fetch = Mock(return_value=5)
            assert fetch() == 5
        """, [("mock-restated", 7)]),
    "mock-result-variable": ("""
        from unittest.mock import MagicMock
        def test_mock_var():
            api = MagicMock(return_value={"ok": True})
            answer = api("x")
            assert answer == {"ok": True}
        """, [("mock-restated", 6)]),
}


@pytest.mark.parametrize("name", list(CANNOT_FAIL))
def test_each_cannot_fail_smell_is_found_at_its_line(name: str) -> None:
    source, expected = CANNOT_FAIL[name]
    assert smells(source) == expected


CAN_FAIL = {
    # a sleep makes a test slow or flaky, not unable to fail: its assertion still checks
    "sleep-then-check": """
        import time
        def test_sleep():
            start()
            time.sleep(0.5)
            assert status() == "done"
        """,
    "exact-value": """
        def test_exact():
            assert compute(2) == 4
        """,
    "literal-loop": """
        def test_literal_loop():
            for value, doubled in [(1, 2), (2, 4)]:
                assert compute(value) == doubled
        """,
    "if-else-both-assert": """
        def test_both_branches():
            result = compute(1)
            if result > 0:
                assert result == 2
            else:
                assert result == -2
        """,
    "raises-with-specific-error": """
        import pytest
        def test_raises_value_error():
            with pytest.raises(ValueError, match="negative"):
                compute(-1)
        """,
    "broad-raises-with-match": """
        import pytest
        def test_broad_with_match():
            with pytest.raises(Exception, match="negative"):
                compute(-1)
        """,
    "asserting-helper": """
        def check_doubles(value):
            assert compute(value) == value * 2

        def test_uses_helper():
            check_doubles(3)
        """,
    "mock-call-checked": """
        from unittest.mock import Mock
        def test_calls_client():
            client = Mock()
            client.fetch.return_value = 5
            assert total(client) == 10
            client.fetch.assert_called_once_with("a")
        """,
    "falsy-is-a-value": """
        def test_no_errors():
            errors = validate({"name": "x"})
            assert not errors
        """,
    "predicate-method": """
        def test_file_written(tmp_path):
            write_report(tmp_path)
            assert (tmp_path / "report.txt").is_file()
        """,
    "unittest-equal": """
        class TestMath(unittest.TestCase):
            def test_add(self):
                self.assertEqual(add(2, 2), 4)
        """,
    "try-reraises": """
        def test_reraises():
            try:
                assert compute(1) == 2
            except AssertionError:
                dump_state()
                raise
        """,
    "skipif-with-reason": """
        import sys, pytest
        @pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
        def test_signals():
            assert send_signal() == 0
        """,
    "strict-xfail": """
        import pytest
        @pytest.mark.xfail(strict=True, reason="known bug #12")
        def test_known_bug():
            assert compute(3) == 6
        """,
}


@pytest.mark.parametrize("name", list(CAN_FAIL))
def test_tests_that_can_fail_have_no_smell(name: str) -> None:
    assert smells(CAN_FAIL[name]) == []


def test_skips_and_non_strict_xfail_are_reported() -> None:
    source = """
        import pytest, unittest
        @pytest.mark.skip
        def test_skipped():
            assert compute(1) == 2

        @pytest.mark.skip(reason="flaky on CI")
        def test_skipped_with_reason():
            assert compute(1) == 2

        @pytest.mark.xfail
        def test_expected_failure():
            assert compute(1) == 2

        def test_skips_itself():
            pytest.skip()
            assert compute(1) == 2
        """
    assert smells(source) == [("skip", 3), ("skip-reason", 7), ("xfail", 11), ("skip", 16)]


def test_no_assertion_is_the_only_reason_given_for_an_empty_test() -> None:
    assert smells("""
        import time
        def test_nothing():
            time.sleep(1)
        """) == [("no-assertion", 3)]


BEFORE = {
    "calc.py": "def double(x):\n    return x * 2\n",
    "tests/test_calc.py": textwrap.dedent("""\
        from calc import double


        def test_double():
            assert double(2) == 4
        """),
}


def test_only_tests_the_change_touches_are_reviewed(repo) -> None:
    after = {"tests/test_calc.py": BEFORE["tests/test_calc.py"] + textwrap.dedent("""\


        def test_triple():
            triple(3)
        """)}
    change, sources = two_commits(repo, BEFORE, after)
    findings = find_smells(change, sources, POLICY)
    assert [(f.rule, f.file, f.start_line, f.evidence["test"]) for f in findings] == [
        ("test-cannot-fail", "tests/test_calc.py", 8, "test_triple")]
    (finding,) = findings
    assert finding.severity == "high"
    assert finding.title == "test_triple cannot fail: no assertion"
    assert finding.evidence["rerun"] == "python -m pytest 'tests/test_calc.py::test_triple'"
    assert finding.evidence["code"] == "def test_triple():\n    triple(3)"


def test_non_test_files_are_not_read_as_tests(repo) -> None:
    after = {"calc.py": "def double(x):\n    return x * 2\n\n\ndef test_helper():\n    pass\n"}
    change, sources = two_commits(repo, BEFORE, after)
    assert find_smells(change, sources, POLICY) == []


def test_fingerprint_survives_a_line_shift(repo) -> None:
    weak = "\n\ndef test_weak():\n    result = double(3)\n    assert result\n"
    first_change, first_sources = two_commits(
        repo, BEFORE, {"tests/test_calc.py": BEFORE["tests/test_calc.py"] + weak})
    (first,) = find_smells(first_change, first_sources, POLICY)
    shifted = BEFORE["tests/test_calc.py"].replace("from calc import double\n",
                                                   "import math\nfrom calc import double\n\n\n")
    second_change, second_sources = two_commits(
        repo, BEFORE, {"tests/test_calc.py": shifted + weak})
    (second,) = find_smells(second_change, second_sources, POLICY)
    assert (first.start_line, second.start_line) == (10, 13)
    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 32


def test_a_test_with_a_syntax_error_is_skipped_not_fatal(repo) -> None:
    after = {"tests/test_calc.py": "def test_broken(:\n    pass\n"}
    change, sources = two_commits(repo, BEFORE, after)
    assert find_smells(change, sources, POLICY) == []


def test_asserting_a_computed_value_is_truthiness_but_a_predicate_call_is_not() -> None:
    assert smells("""
        def test_value_call():
            assert tax(10)

        def test_predicate_calls(tmp_path):
            assert (tmp_path / "out.txt").exists()
            assert is_valid("x")
            assert name.startswith("a")
        """) == [("truthiness", 3)]


def test_predicate_words_inside_a_name_make_it_a_check() -> None:
    assert smells("""
        def test_snapshot(snap_compare):
            assert snap_compare(app)

        def test_camel():
            assert pathExists("x")

        def test_count():
            assert count_items([1])
        """) == [("truthiness", 9)]


def test_unittest_assert_true_is_read_like_an_assert_statement() -> None:
    assert smells("""
        class TestFiles(unittest.TestCase):
            def test_written(self):
                self.assertTrue(write(self.tmp).exists())
                self.assertTrue(count(self.tmp) == 2)

            def test_value_only(self):
                result = compute()
                self.assertTrue(result)
        """) == [("truthiness", 9)]


def test_loops_over_constants_always_run_but_loops_over_results_may_not() -> None:
    assert smells("""
        LANGUAGES = ("python", "go")

        def test_each_language():
            for language in LANGUAGES:
                assert parse(language) == language

        def test_sorted_constant():
            for language in sorted(LANGUAGES):
                assert parse(language) == language

        def test_range():
            for n in range(3):
                assert double(n) == n * 2

        def test_results():
            for row in load_rows():
                assert row.ok == 1

        def test_empty_range():
            for n in range(0):
                assert double(n) == n * 2
        """) == [("unreachable", 18), ("unreachable", 22)]


# unittest.TestCase methods: found through the class's base, not its name.
UNITTEST_CANNOT_FAIL = {
    "no-assertion": ("""
        import unittest
        class SlicedTests(unittest.TestCase):
            def test_runs(self):
                compute(1)
        """, [("no-assertion", 4)]),
    "assert-true-only": ("""
        from unittest import TestCase
        class ComputeTests(TestCase):
            def test_truthy(self):
                result = compute(2)
                self.assertTrue(result)
                self.assertIsNotNone(result)
        """, [("truthiness", 6)]),
    "is-instance-alone": ("""
        from unittest import TestCase as Case
        class ComputeTests(Case):
            def test_type(self):
                self.assertIsInstance(compute(2), int)
        """, [("truthiness", 5)]),
    "assert-false-is-none": ("""
        import unittest as ut
        class ComputeTests(ut.TestCase):
            def test_not_none(self):
                self.assertFalse(compute(2) is None)
        """, [("truthiness", 5)]),
    "inherited-base": ("""
        import unittest
        class Base(unittest.TestCase):
            def setUp(self):
                self.value = compute(2)
        class ComputeChecks(Base):
            def test_exists(self):
                self.assertTrue(self.value)
        """, [("truthiness", 8)]),
    "project-base-case": ("""
        from helpers import ApiTestCase
        class ClientChecks(ApiTestCase):
            def test_nothing(self):
                fetch()
        """, [("no-assertion", 4)]),
    "swallowed": ("""
        import unittest
        class ComputeTests(unittest.TestCase):
            def test_swallow(self):
                try:
                    self.assertEqual(compute(1), 2)
                except Exception:
                    pass
        """, [("swallowed", 7)]),
    "broad-raises-call-form": ("""
        import unittest
        class ComputeTests(unittest.TestCase):
            def test_raises(self):
                self.assertRaises(Exception, compute, None)
        """, [("broad-raises", 5)]),
    "broad-raises-unchecked-context": ("""
        import unittest
        class ComputeTests(unittest.TestCase):
            def test_raises(self):
                with self.assertRaises(Exception) as caught:
                    compute(None)
        """, [("broad-raises", 5)]),
    "assert-true-constant": ("""
        import unittest
        class ComputeTests(unittest.TestCase):
            def test_constant(self):
                compute(1)
                self.assertTrue(True)
        """, [("constant", 6)]),
    "equal-constants": ("""
        import unittest
        class ComputeTests(unittest.TestCase):
            def test_constants(self):
                compute(1)
                self.assertEqual(2, 2)
        """, [("constant", 6)]),
    "equal-self": ("""
        import unittest
        class ComputeTests(unittest.TestCase):
            def test_self(self):
                value = compute(1)
                self.assertEqual(value, value)
        """, [("self-compare", 6)]),
    "mock-restated": ("""
        import unittest
        from unittest.mock import Mock
        class ClientTests(unittest.TestCase):
            def test_mock(self):
                fetch = Mock(return_value=5)
                self.assertEqual(fetch(), 5)
        """, [("mock-restated", 7)]),
}


@pytest.mark.parametrize("name", list(UNITTEST_CANNOT_FAIL))
def test_each_cannot_fail_smell_is_found_in_unittest_methods(name: str) -> None:
    source, expected = UNITTEST_CANNOT_FAIL[name]
    assert smells(source) == expected


UNITTEST_CAN_FAIL = {
    "equal": """
        from unittest import TestCase
        class SlicedTests(TestCase):
            def test_even(self):
                self.assertEqual(list(sliced("ABCD", 2)), ["AB", "CD"])
        """,
    "assert-false-of-a-value": """
        import unittest
        class ValidateTests(unittest.TestCase):
            def test_valid(self):
                self.assertFalse(validate({"name": "x"}))
        """,
    "specific-raises-call-form": """
        import unittest
        class SlicedTests(unittest.TestCase):
            def test_short(self):
                self.assertRaises(ValueError, sliced, "ABC", 2, strict=True)
        """,
    "broad-raises-checked-exception": """
        import unittest
        class SlicedTests(unittest.TestCase):
            def test_short(self):
                with self.assertRaises(Exception) as caught:
                    sliced("ABC", 2, strict=True)
                self.assertEqual(str(caught.exception), "seq is not divisible by n.")
        """,
    "helper-method": """
        import unittest
        class SlicedTests(unittest.TestCase):
            def check_pairs(self, text):
                self.assertEqual(len(list(sliced(text, 2))[0]), 2)

            def test_pairs(self):
                self.check_pairs("ABCD")
        """,
    "fail-call": """
        import unittest
        class SlicedTests(unittest.TestCase):
            def test_fails_loudly(self):
                if list(sliced("AB", 2)) != ["AB"]:
                    self.fail("not sliced")
        """,
    "skip-if-with-reason": """
        import sys, unittest
        class SignalTests(unittest.TestCase):
            @unittest.skipIf(sys.platform == "win32", "POSIX signals")
            def test_signal(self):
                self.assertEqual(send_signal(), 0)
        """,
}


@pytest.mark.parametrize("name", list(UNITTEST_CAN_FAIL))
def test_unittest_methods_that_can_fail_have_no_smell(name: str) -> None:
    assert smells(UNITTEST_CAN_FAIL[name]) == []


def test_methods_of_classes_that_are_not_test_cases_are_not_tests() -> None:
    tree = parse(textwrap.dedent("""
        import unittest
        class Helper:
            def test_connection(self):
                ping()
        class Builder(dict):
            def test_value(self):
                return 1
        class PingTests(unittest.TestCase):
            def test_ping(self):
                self.assertEqual(ping(), "pong")
        """))
    assert [fn.name for fn in find_tests(tree, POLICY)] == ["PingTests.test_ping"]


def test_unittest_skips_are_reported() -> None:
    source = """
        import unittest
        from unittest import skip, skipIf, SkipTest
        class SignalTests(unittest.TestCase):
            @unittest.skip("flaky on CI")
            def test_skipped_with_reason(self):
                self.assertEqual(send_signal(), 0)

            @skipIf(sys.platform == "win32")
            def test_skip_if_without_reason(self):
                self.assertEqual(send_signal(), 0)

            @unittest.expectedFailure
            def test_expected_failure(self):
                self.assertEqual(send_signal(), 0)

            def test_skips_itself(self):
                self.skipTest("")
                self.assertEqual(send_signal(), 0)

            def test_raises_skip(self):
                raise SkipTest("later")
        """
    assert smells(source) == [("skip-reason", 5), ("skip", 9), ("xfail", 13), ("skip", 18),
                              ("skip-reason", 22)]


def test_a_unittest_file_the_change_touches_is_reviewed(repo) -> None:
    before = {"calc.py": "def double(x):\n    return x * 2\n",
              "tests/test_calc.py": textwrap.dedent("""\
                  from unittest import TestCase

                  from calc import double


                  class DoubleTests(TestCase):
                      def test_two(self):
                          self.assertEqual(double(2), 4)
                  """)}
    after = {"tests/test_calc.py": before["tests/test_calc.py"]
             + "\n    def test_three(self):\n        self.assertIsNotNone(double(3))\n"}
    change, sources = two_commits(repo, before, after)
    (finding,) = find_smells(change, sources, POLICY)
    # a weak check is advice: a step below the rule, under the default gate
    assert (finding.rule, finding.file, finding.start_line, finding.severity) == (
        "test-cannot-fail", "tests/test_calc.py", 11, "medium")
    assert finding.title == "DoubleTests.test_three checks little: only truthiness asserted"
    assert finding.evidence["rerun"] == (
        "python -m pytest 'tests/test_calc.py::DoubleTests::test_three'")


def test_a_skip_added_to_a_test_case_class_is_reported_once(repo) -> None:
    before = {"tests/test_signal.py": textwrap.dedent("""\
        import unittest


        class SignalTests(unittest.TestCase):
            def test_send(self):
                self.assertEqual(send_signal(), 0)

            def test_block(self):
                self.assertEqual(block_signal(), 1)
        """)}
    after = {"tests/test_signal.py": before["tests/test_signal.py"].replace(
        "\nclass SignalTests", "\n@unittest.skip\nclass SignalTests")}
    change, sources = two_commits(repo, before, after)
    (finding,) = find_smells(change, sources, POLICY)
    assert (finding.rule, finding.start_line, finding.severity) == ("skipped-test", 4, "medium")
    assert finding.title == ("SignalTests.test_send is switched off: the whole class SignalTests "
                             "skipped without a stated reason")
