"""Expectation tables and snapshots rewritten in the same change as the code they test:
parametrize rows, subTest and loop tables, syrupy and golden files, inline snapshots; and
deleted-test when the code under test went too. Exact findings, and a no-finding case each."""

from __future__ import annotations

import shlex
import subprocess
import sys
import textwrap

from adversary_helpers import two_commits

from comprehend.adversary.links import changed_code
from comprehend.adversary.pytests import load_smell_policy
from comprehend.adversary.rewrites import find_rewrites
from comprehend.adversary.rules import apply_severities

POLICY, _ = load_smell_policy(None)

WORDS = textwrap.dedent("""\
    NAMES = {1: "one", 9: "nine"}


    def words(n):
        return NAMES.get(n, str(n))
    """)
# the change under review: numbers are written as digits now
WORDS_DIGITS = WORDS.replace("NAMES.get(n, str(n))", "str(n)")

PARAMETRIZE = textwrap.dedent("""\
    import pytest

    from words import words


    @pytest.mark.parametrize("n, expected", [
        (1, "one"),
        (9, "nine"),
    ])
    def test_words(n, expected):
        assert words(n) == expected
    """)


def found(repo, before: dict, after: dict) -> list:
    change, sources = two_commits(repo, before, after)
    code = changed_code(change, sources, POLICY.layout, None)
    return find_rewrites(change, sources, POLICY, code)


def summary(findings) -> list[tuple[str, str, str, int, str]]:
    return [(f.rule, f.severity, f.file, f.start_line, f.title) for f in findings]


def test_parametrize_row_rewritten_with_the_code(repo) -> None:
    (f,) = found(repo, {"words.py": WORDS, "tests/test_words.py": PARAMETRIZE},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": PARAMETRIZE.replace('(9, "nine")', '(9, "9")')})
    assert summary([f]) == [(
        "rewritten-expectation", "high", "tests/test_words.py", 8,
        "test_words: the parametrize row (9) expected 'nine' now expects '9', in the same "
        "change as the code it tests")]
    assert f.confidence == 0.8
    assert {k: f.evidence[k] for k in ("form", "table", "inputs", "expected_columns", "old_row",
                                       "new_row", "link", "rerun")} == {
        "form": "parametrize", "table": "n, expected", "inputs": "9",
        "expected_columns": ["expected"], "old_row": "(9, 'nine')", "new_row": "(9, '9')",
        "link": "the test calls words.py: words, which the change modified",
        "rerun": "python -m pytest 'tests/test_words.py::test_words[9-9]'"}
    # the re-run command selects exactly the rewritten row
    argv = shlex.split(f.evidence["rerun"])
    proc = subprocess.run([sys.executable, *argv[1:], "--collect-only", "-q", "-p",
                           "no:cacheprovider"], cwd=repo.path, capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout.splitlines()[0] == "tests/test_words.py::test_words[9-9]"
    assert "1 test collected" in proc.stdout


def test_parametrize_new_row_is_not_a_rewrite(repo) -> None:
    assert found(repo, {"words.py": WORDS, "tests/test_words.py": PARAMETRIZE},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": PARAMETRIZE.replace('(9, "nine"),', '(9, "nine"),\n    (12, "12"),')}) == []


def test_parametrize_row_changed_without_code_change_is_a_test_fix(repo) -> None:
    assert found(repo, {"words.py": WORDS, "tests/test_words.py": PARAMETRIZE},
                 {"tests/test_words.py": PARAMETRIZE.replace('(9, "nine")', '(9, "nein")')}) == []


def test_parametrize_table_by_name_with_param_ids_and_columns_by_use(repo) -> None:
    tests = textwrap.dedent("""\
        import pytest

        from words import words

        CASES = [
            pytest.param(1, "one", id="one"),
            pytest.param(9, "nine", id="nine"),
        ]


        @pytest.mark.parametrize(("number", "text"), CASES)
        def test_words(number, text):
            assert text == words(number)
        """)
    (f,) = found(repo, {"words.py": WORDS, "tests/test_words.py": tests},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": tests.replace('9, "nine", id', '9, "9", id')})
    assert (f.start_line, f.confidence, f.evidence["expected_columns"], f.evidence["rerun"]) == (
        7, 0.8, ["text"], "python -m pytest 'tests/test_words.py::test_words[nine]'")


def test_parametrize_expected_column_by_position_is_less_sure(repo) -> None:
    tests = PARAMETRIZE.replace('"n, expected"', '"n, s"').replace(
        "def test_words(n, expected):\n    assert words(n) == expected",
        "def test_words(n, s):\n    check(words(n), s)")
    (f,) = found(repo, {"words.py": WORDS, "tests/test_words.py": tests},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": tests.replace('(9, "nine")', '(9, "9")')})
    assert (f.start_line, f.confidence, f.evidence["expected_columns"]) == (8, 0.6, ["s"])
    assert f.evidence["why"].endswith("(the expected column is taken to be the last one: none "
                                      "is named like an expectation)")


SUBTEST = textwrap.dedent("""\
    import unittest

    from words import words


    class WordsTest(unittest.TestCase):
        CASES = [(1, "one"), (9, "nine")]

        def test_words(self):
            for n, want in self.CASES:
                with self.subTest(n=n):
                    self.assertEqual(words(n), want)
    """)


def test_subtest_table_row_rewritten(repo) -> None:
    (f,) = found(repo, {"words.py": WORDS, "tests/test_words.py": SUBTEST},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": SUBTEST.replace('(9, "nine")', '(9, "9")')})
    assert summary([f]) == [(
        "rewritten-expectation", "high", "tests/test_words.py", 7,
        "WordsTest.test_words: the subTest table row (9) expected 'nine' now expects '9', in "
        "the same change as the code it tests")]
    assert f.evidence["rerun"] == "python -m pytest 'tests/test_words.py::WordsTest::test_words'"
    assert f.evidence["table"] == "(n, want)"


def test_subtest_table_new_row_or_unchanged_code_is_no_finding(repo) -> None:
    assert found(repo, {"words.py": WORDS, "tests/test_words.py": SUBTEST},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": SUBTEST.replace('(9, "nine")]', '(9, "nine"), (3, "3")]')}) == []


def test_subtest_table_row_changed_without_code_change(repo) -> None:
    assert found(repo, {"words.py": WORDS, "tests/test_words.py": SUBTEST},
                 {"tests/test_words.py": SUBTEST.replace('(9, "nine")', '(9, "nein")')}) == []


def test_dict_table_looped_with_subtest(repo) -> None:
    tests = textwrap.dedent("""\
        import unittest

        from words import words


        class WordsTest(unittest.TestCase):
            def test_words(self):
                cases = [
                    {"n": 1, "text": "one"},
                    {"n": 9, "text": "nine"},
                ]
                for case in cases:
                    with self.subTest(**case):
                        self.assertEqual(words(case["n"]), case["text"])
        """)
    (f,) = found(repo, {"words.py": WORDS, "tests/test_words.py": tests},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": tests.replace('"text": "nine"', '"text": "9"')})
    assert (f.start_line, f.evidence["form"], f.evidence["expected_columns"],
            f.evidence["old_expected"], f.evidence["new_expected"]) == (
        10, "subTest table", ["text"], "'nine'", "'9'")


def test_plain_loop_table_in_a_pytest_function(repo) -> None:
    tests = textwrap.dedent("""\
        from words import words


        def test_words():
            for n, want in [(1, "one"), (9, "nine")]:
                assert words(n) == want
        """)
    (f,) = found(repo, {"words.py": WORDS, "tests/test_words.py": tests},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": tests.replace('(9, "nine")', '(9, "9")')})
    assert (f.start_line, f.evidence["form"], f.evidence["rerun"]) == (
        5, "loop table", "python -m pytest 'tests/test_words.py::test_words'")


RENDER = "def render(n):\n    return f'<b>{n}</b>'\n"
RENDER_TESTS = textwrap.dedent("""\
    from render import render


    def test_bold(snapshot):
        assert render(3) == snapshot


    def test_other(snapshot):
        assert 1 == snapshot
    """)
AMBR = textwrap.dedent("""\
    # serializer version: 1
    # name: test_bold
      '<b>3</b>'
    # ---
    # name: test_other
      1
    # ---
    """)


def test_syrupy_snapshot_rewritten_with_the_code(repo) -> None:
    (f,) = found(repo, {"render.py": RENDER, "tests/test_render.py": RENDER_TESTS,
                        "tests/__snapshots__/test_render.ambr": AMBR},
                 {"render.py": RENDER.replace("<b>", "<strong>").replace("</b>", "</strong>"),
                  "tests/__snapshots__/test_render.ambr": AMBR.replace(
                      "'<b>3</b>'", "'<strong>3</strong>'")})
    assert summary([f]) == [(
        "rewritten-expectation", "high", "tests/__snapshots__/test_render.ambr", 2,
        "test_bold: snapshot test_bold was rewritten in the same change as the code it describes")]
    assert (f.confidence, f.evidence["removed"], f.evidence["added"], f.evidence["rerun"]) == (
        0.8, ["  '<b>3</b>'"], ["  '<strong>3</strong>'"],
        "python -m pytest 'tests/test_render.py::test_bold'")
    assert f.evidence["link"].startswith("the test calls render.py: render, which the change "
                                         "modified")


def test_syrupy_new_snapshot_or_no_code_change_is_no_finding(repo) -> None:
    added = AMBR + "# name: test_new\n  2\n# ---\n"
    assert found(repo, {"render.py": RENDER, "tests/test_render.py": RENDER_TESTS,
                        "tests/__snapshots__/test_render.ambr": AMBR},
                 {"render.py": RENDER.replace("<b>", "<i>").replace("</b>", "</i>"),
                  "tests/__snapshots__/test_render.ambr": added}) == []


def test_syrupy_snapshot_updated_alone_is_no_finding(repo) -> None:
    assert found(repo, {"render.py": RENDER, "tests/test_render.py": RENDER_TESTS,
                        "tests/__snapshots__/test_render.ambr": AMBR},
                 {"tests/__snapshots__/test_render.ambr": AMBR.replace("  1\n", "  2\n")}) == []


GREET = "def greet(name):\n    return f'Hello, {name}!'\n"
GREET_TESTS = textwrap.dedent("""\
    from pathlib import Path

    from greet import greet


    def test_greeting_matches_golden():
        golden = Path(__file__).parent / "testdata" / "greeting.golden"
        assert greet("Ada") == golden.read_text()
    """)


def test_golden_file_rewritten_with_the_code(repo) -> None:
    (f,) = found(repo, {"greet.py": GREET, "tests/test_greet.py": GREET_TESTS,
                        "tests/testdata/greeting.golden": "Hello, Ada!"},
                 {"greet.py": GREET.replace("Hello", "Hi"),
                  "tests/testdata/greeting.golden": "Hi, Ada!"})
    assert summary([f]) == [(
        "rewritten-expectation", "high", "tests/testdata/greeting.golden", 1,
        "greeting.golden: golden file rewritten in the same change as the code it describes")]
    assert (f.confidence, f.evidence["rerun"]) == (
        0.8, "python -m pytest 'tests/test_greet.py::test_greeting_matches_golden'")


def test_golden_file_updated_without_code_change_is_no_finding(repo) -> None:
    assert found(repo, {"greet.py": GREET, "tests/test_greet.py": GREET_TESTS,
                        "tests/testdata/greeting.golden": "Hello, Ada!"},
                 {"tests/testdata/greeting.golden": "Hello, Ada!\n"}) == []


def test_snapshot_without_an_owning_test_stands_on_the_code_change(repo) -> None:
    (f,) = found(repo, {"greet.py": GREET, "web/__snapshots__/page.test.js.snap": "a\n"},
                 {"greet.py": GREET.replace("Hello", "Hi"),
                  "web/__snapshots__/page.test.js.snap": "b\n"})
    base = f.evidence["rerun"].split()[2]
    assert (f.file, f.confidence, f.evidence["rerun"]) == (
        "web/__snapshots__/page.test.js.snap", 0.5,
        f"git diff {base} {f.evidence['rerun'].split()[3]} -- 'web/__snapshots__/page.test.js.snap'")
    assert f.evidence["link"] == ("no test that owns the snapshot reaches the changed code, but "
                                  "the change also modified greet.py: greet")


def test_inline_snapshot_literal_rewritten(repo) -> None:
    tests = textwrap.dedent("""\
        from inline_snapshot import snapshot

        from words import words


        def test_nine():
            assert words(9) == snapshot("nine")
        """)
    (f,) = found(repo, {"words.py": WORDS, "tests/test_words.py": tests},
                 {"words.py": WORDS_DIGITS,
                  "tests/test_words.py": tests.replace('snapshot("nine")', 'snapshot("9")')})
    assert summary([f]) == [(
        "rewritten-expectation", "high", "tests/test_words.py", 7,
        "test_nine: expected snapshot('nine') became snapshot('9') in the same change as the "
        "code it tests")]
    assert f.evidence["rerun"] == "python -m pytest 'tests/test_words.py::test_nine'"


SHOP = "def price(total, rate):\n    return total * (1 - rate)\n\n\ndef tax(x):\n    return x * 0.2\n"
SHOP_TESTS = textwrap.dedent("""\
    from shop import price, tax


    def test_price():
        assert price(100, 0.1) == 90


    def test_tax():
        assert tax(10) == 2
    """)


def test_deleted_test_is_low_when_its_code_was_deleted_too(repo) -> None:
    findings = found(repo, {"shop.py": SHOP, "tests/test_shop.py": SHOP_TESTS},
                     {"shop.py": SHOP.split("\n\n\ndef tax")[0] + "\n",
                      "tests/test_shop.py": SHOP_TESTS.split("\n\n\ndef test_tax")[0] + "\n"})
    assert summary(apply_severities(findings, {"deleted-test": "high"})) == [(
        "deleted-test", "low", "tests/test_shop.py", 5,
        "test_tax was deleted from the file with the code it tested")]
    assert findings[0].evidence["code_deleted"] == ["shop.py: tax"]


def test_deleted_test_stays_high_when_its_code_remains(repo) -> None:
    findings = found(repo, {"shop.py": SHOP, "tests/test_shop.py": SHOP_TESTS},
                     {"shop.py": SHOP.replace("0.2", "0.25"),
                      "tests/test_shop.py": SHOP_TESTS.split("\n\n\ndef test_tax")[0] + "\n"})
    assert summary(findings) == [("deleted-test", "high", "tests/test_shop.py", 5,
                                  "test_tax was deleted from the file")]
