"""Issue 14's patterns, each in its own repository with two commits: the false positives the
static rules used to report on real AI-authored commits (each must give no finding) and the
true ones (each must give exactly its finding: rule, file, line and the key evidence)."""

from __future__ import annotations

import textwrap

from adversary_helpers import POLICY, static, two_commits, where

from comprehend.adversary.pytests import load_smell_policy
from comprehend.adversary.smells import find_smells

# False positives: each must give no finding -----------------------------------------------

def test_a_validator_call_is_a_check(repo) -> None:
    """pydantic's TypeAdapter(...).validate_python raises on a wrong shape: the test can fail."""
    assert static(repo, {"shapes.py": "def to_dict(x):\n    return {'text': x}\n"}, {
        "tests/test_shapes.py": """\
            from pydantic import TypeAdapter

            from shapes import to_dict
            from wire import TextDict


            class TestShapes:
                def _adapter(self, td):
                    return TypeAdapter(td)

                def test_text_matches(self):
                    d = to_dict("hello")
                    self._adapter(TextDict).validate_python(d)

                def test_text_validates(self):
                    TypeAdapter(TextDict).validate_python(to_dict("hi"))
            """}) == []


def test_a_schema_validator_is_a_check(repo) -> None:
    assert static(repo, {"api.py": "def payload():\n    return {}\n"}, {
        "tests/test_api.py": """\
            import jsonschema

            from api import payload

            SCHEMA = {"type": "object"}


            def test_payload_matches_the_schema():
                jsonschema.validate(payload(), SCHEMA)
            """}) == []


def test_a_repository_helper_that_raises_is_a_check(repo) -> None:
    """same_shape() is imported from the repository; it calls _keys_match(), which raises."""
    assert static(repo, {
        "tests/__init__.py": "",
        "tests/support.py": """\
            def _keys_match(a, b):
                if set(a) != set(b):
                    raise AssertionError(f"{sorted(a)} != {sorted(b)}")


            def same_shape(a, b):
                _keys_match(a, b)
            """,
        "shapes.py": "def to_dict(x):\n    return {'text': x}\n"}, {
        "tests/test_shapes.py": """\
            from shapes import to_dict

            from .support import same_shape


            def test_to_dict_has_the_text_key():
                same_shape(to_dict("a"), {"text": "a"})
            """}) == []


def test_a_call_compared_with_a_second_call_is_a_determinism_check(repo) -> None:
    assert static(repo, {"hashing.py": "def digest(x):\n    return hash(x)\n"}, {
        "tests/test_hashing.py": """\
            from hashing import digest


            def test_is_deterministic():
                assert digest("a") == digest("a")


            def test_equal_content_hashes_equal_and_differs_otherwise():
                assert digest("Hello") == digest("Hello")
                assert digest("Hello") != digest("Bye")
            """}) == []


def test_a_renamed_test_with_its_body_edited_is_not_deleted(repo) -> None:
    before = """\
        from shop import price


        def test_discount():
            total = price(100, 0.1)
            assert total == 90.0
        """
    after = """\
        from shop import price


        def test_ten_percent_off():
            result = price(100, 0.1)
            assert result == 90.0
        """
    assert static(repo, {"shop.py": "def price(t, r):\n    return t * (1 - r)\n",
                         "tests/test_shop.py": before},
                  {"shop.py": "def price(t, r):\n    return round(t * (1 - r), 2)\n",
                   "tests/test_shop.py": after}) == []


def test_an_attribute_that_became_a_call_in_code_and_test_alike_is_mechanical(repo) -> None:
    code = """\
        class Response:
            def __init__(self):
                self._m = ["hi"]

            @property
            def messages(self):
                return self._m
        """
    tests = """\
        from chat import Response


        def test_round_trip():
            r = Response()
            restored = Response()
            assert restored.messages == r.messages
        """
    assert static(repo, {"chat.py": code, "tests/test_chat.py": tests}, {
        "chat.py": code.replace("    @property\n", ""),
        "tests/test_chat.py": tests.replace("restored.messages == r.messages",
                                            "await restored.messages() == await r.messages()"),
    }) == []


def test_a_symbol_the_change_renamed_is_followed_into_the_expectation(repo) -> None:
    code = """\
        def make_default():
            return {"limit": 10}


        def settings(**kw):
            return {**make_default(), **kw}
        """
    tests = """\
        from config import make_default, settings


        def test_defaults():
            assert settings() == make_default()
        """
    assert static(repo, {"config.py": code, "tests/test_config.py": tests}, {
        "config.py": code.replace("make_default", "build_default"),
        "tests/test_config.py": tests.replace("make_default", "build_default"),
    }) == []


def test_a_list_that_became_a_tuple_of_the_same_items_is_mechanical(repo) -> None:
    code = "def columns():\n    return ['a', 'b']\n"
    tests = "from fk import columns\n\n\ndef test_columns():\n    assert columns() == ['a', 'b']\n"
    assert static(repo, {"fk.py": code, "tests/test_fk.py": tests}, {
        "fk.py": code.replace("['a', 'b']", "('a', 'b')"),
        "tests/test_fk.py": tests.replace("['a', 'b']", "('a', 'b')"),
    }) == []


# True patterns: each must give exactly its finding --------------------------------------

def test_a_test_with_no_check_at_all(repo) -> None:
    (f,) = static(repo, {"shapes.py": "def to_dict(x):\n    return {'text': x}\n"}, {
        "tests/test_shapes.py": """\
            from shapes import to_dict


            def test_to_dict_runs():
                to_dict("hello")
            """})
    assert where([f]) == [("test-cannot-fail", "high", "tests/test_shapes.py", 4)]
    assert f.evidence["why"].startswith("no assertion:")


def test_a_value_compared_with_itself(repo) -> None:
    (f,) = static(repo, {"hashing.py": "def digest(x):\n    return hash(x)\n"}, {
        "tests/test_hashing.py": """\
            from hashing import digest


            def test_digest():
                value = digest("a")
                assert value == value
            """})
    assert where([f]) == [("test-cannot-fail", "high", "tests/test_hashing.py", 6)]
    assert f.evidence["why"] == "compares a value with itself: `value == value`"


CHAIN_V1 = """\
    def chain(messages, prompt=None):
        return list(messages)
    """
CHAIN_V2 = """\
    def chain(messages, prompt=None):
        return list(messages) + ([prompt] if prompt else [])
    """


def test_a_renamed_test_whose_expectation_changed(repo) -> None:
    before = """\
        from chain import chain


        def test_explicit_messages_ignore_the_prompt():
            \"\"\"The prompt is ignored.\"\"\"
            result = chain(["q"], prompt="this prompt is ignored")
            assert result == ["q"]
        """
    after = """\
        from chain import chain


        def test_explicit_messages_append_the_prompt():
            \"\"\"The prompt is appended.\"\"\"
            result = chain(["q"], prompt="the new question")
            assert result == ["q", "the new question"]
        """
    (f,) = static(repo, {"chain.py": CHAIN_V1, "tests/test_chain.py": before},
                  {"chain.py": CHAIN_V2, "tests/test_chain.py": after})
    assert where([f]) == [("rewritten-expectation", "high", "tests/test_chain.py", 7)]
    assert (f.evidence["renamed_from"], f.evidence["old_expected"], f.evidence["new_expected"]) == (
        "test_explicit_messages_ignore_the_prompt", "['q']", "['q', 'the new question']")
    assert f.title.endswith("(renamed from test_explicit_messages_ignore_the_prompt)")


def test_an_inverted_expectation(repo) -> None:
    before = """\
        from chain import chain


        def test_prompt_handling():
            result = chain(["q"], prompt="new")
            assert "new" not in result
        """
    (f,) = static(repo, {"chain.py": CHAIN_V1, "tests/test_chain.py": before},
                  {"chain.py": CHAIN_V2,
                   "tests/test_chain.py": before.replace('"new" not in result', '"new" in result')})
    assert where([f]) == [("rewritten-expectation", "high", "tests/test_chain.py", 6)]
    assert f.evidence["inverted"] is True
    assert f.title == ("test_prompt_handling: expectation inverted in the same change as the code "
                       "it tests")


def test_an_exit_code_flipped_from_failure_to_success(repo) -> None:
    cli = "import sys\n\n\ndef main(args):\n    return 1 if not args else 0\n"
    tests = """\
        from cli import main


        class Result:
            def __init__(self, exit_code):
                self.exit_code = exit_code


        def test_no_arguments():
            result = Result(main([]))
            assert result.exit_code == 1
        """
    (f,) = static(repo, {"cli.py": cli, "tests/test_cli.py": tests},
                  {"cli.py": cli.replace("1 if not args else 0", "0"),
                   "tests/test_cli.py": tests.replace("exit_code == 1", "exit_code == 0")})
    assert where([f]) == [("rewritten-expectation", "high", "tests/test_cli.py", 11)]
    assert f.evidence["inverted"] is True
    assert "an exit code that meant failure now has to mean success" in f.evidence["why"]


def test_a_test_really_deleted(repo) -> None:
    tests = textwrap.dedent("""\
        from shop import price


        def test_discount():
            assert price(100, 0.1) == 90.0


        def test_free_items_cost_nothing():
            with_nothing = price(0, 0.5)
            assert with_nothing == 0
        """)
    (f,) = static(repo, {"shop.py": "def price(t, r):\n    return t * (1 - r)\n",
                         "tests/test_shop.py": tests},
                  {"tests/test_shop.py": tests.split("\n\n\ndef test_free")[0] + "\n"})
    assert where([f]) == [("deleted-test", "high", "tests/test_shop.py", 5)]
    assert f.evidence["test"] == "test_free_items_cost_nothing"


def test_a_test_deleted_with_the_code_it_tested_is_low(repo) -> None:
    code = "def migrate_v1(db):\n    return db\n\n\ndef migrate(db):\n    return db\n"
    tests = textwrap.dedent("""\
        from store import migrate, migrate_v1


        def test_migrate():
            assert migrate({}) == {}


        def test_v1_keeps_rows():
            assert migrate_v1({"a": 1}) == {"a": 1}
        """)
    (f,) = static(repo, {"store.py": code, "tests/test_store.py": tests}, {
        "store.py": "def migrate(db):\n    return db\n",
        "tests/test_store.py": tests.split("\n\n\ndef test_v1")[0].replace(
            "migrate, migrate_v1", "migrate") + "\n"})
    assert where([f]) == [("deleted-test", "low", "tests/test_store.py", 5)]  # issue 9: low when its code went too
    assert f.evidence["why"] == ("the code this test called was deleted in the same change, so "
                                 "the test went with the feature; check nothing else relied on it")


def test_an_error_class_change_is_a_rewritten_expectation_a_step_milder(repo) -> None:
    code = "def create(cols):\n    assert cols, 'no columns'\n    return cols\n"
    tests = """\
        import pytest

        from table import create


        def test_no_columns():
            with pytest.raises(AssertionError):
                create([])
        """
    (f,) = static(repo, {"table.py": code, "tests/test_table.py": tests}, {
        "table.py": "def create(cols):\n    if not cols:\n        raise ValueError('no columns')\n"
                    "    return cols\n",
        "tests/test_table.py": tests.replace("AssertionError", "ValueError")})
    assert where([f]) == [("rewritten-expectation", "medium", "tests/test_table.py", 7)]
    assert (f.evidence["old_expected"], f.evidence["new_expected"]) == ("AssertionError", "ValueError")


def test_existence_is_the_behaviour_for_exports_and_keyed_lookups(repo) -> None:
    """`llm.Part is not None` checks what a package exports; `.get(id) is not None` checks
    that a given key was stored: existence is what is under test."""
    assert static(repo, {"llm/__init__.py": "Part = object\n"}, {
        "tests/test_exports.py": """\
            import llm


            def test_exports_part():
                assert llm.Part is not None


            def test_the_thread_is_stored(store):
                assert store.threads.get("t1") is not None
            """}) == []


def test_a_raising_call_the_team_lists_in_its_smells_toml(repo) -> None:
    """ensure_valid() is no assertion by its name; the repository's adversary/smells.toml
    says it raises."""
    from comprehend.policy import builtin_dir

    builtin = (builtin_dir("adversary") / "smells.toml").read_text(encoding="utf-8")
    repo.write("adversary/smells.toml", builtin.replace(
        'raising_calls = ["validate_python",', 'raising_calls = ["ensure_valid", "validate_python",'))
    policy, source = load_smell_policy(repo.path)
    assert (source.overridden, "ensure_valid" in policy.raising_calls) == (True, True)
    change, sources = two_commits(repo, {"rows.py": "def row():\n    return {}\n"}, {
        "tests/test_rows.py": "from rows import row\n\n\ndef test_row_is_valid():\n"
                              "    ensure_valid(row())\n"})
    assert find_smells(change, sources, policy) == []
    (f,) = find_smells(change, sources, POLICY)
    assert where([f]) == [("test-cannot-fail", "high", "tests/test_rows.py", 4)]


def test_assertions_merged_into_one_on_the_whole_value_are_not_removed(repo) -> None:
    tests = textwrap.dedent("""\
        from stream import parts


        def test_parts():
            got = parts()
            assert got[0] == "reasoning"
            assert got[1] == "hi"
        """)
    assert static(repo, {"stream.py": "def parts():\n    return ['reasoning', 'hi']\n",
                         "tests/test_stream.py": tests}, {
        "tests/test_stream.py": tests.replace(
            '    assert got[0] == "reasoning"\n    assert got[1] == "hi"\n',
            '    assert got == ["reasoning", "hi"]\n')}) == []


def test_an_expected_error_with_a_dead_assert_inside_its_block_pairs_by_the_call(repo) -> None:
    """The old assert inside `pytest.raises` never ran, so dropping it removes no check; the
    expected error class changed, so the raises pair up: a milder rewrite."""
    tests = textwrap.dedent("""\
        import pytest

        from views import View


        def test_enable_fts_error_message_on_views():
            with pytest.raises(NotImplementedError) as e:
                View().enable_fts()
                assert e.value.args[0] == "not on views"
        """)
    code = "class View:\n    def enable_fts(self):\n        raise NotImplementedError('not on views')\n"
    found = static(repo, {"views.py": code, "tests/test_views.py": tests}, {
        "views.py": "class View:\n    pass\n",
        "tests/test_views.py": tests.replace(
            "test_enable_fts_error_message_on_views", "test_view_has_no_enable_fts").replace(
            "NotImplementedError) as e", "AttributeError)").replace(
            '        assert e.value.args[0] == "not on views"\n', "")})
    assert where(found) == [("rewritten-expectation", "medium", "tests/test_views.py", 7)]
    assert (found[0].evidence["renamed_from"], found[0].evidence["old_expected"],
            found[0].evidence["new_expected"]) == (
        "test_enable_fts_error_message_on_views", "NotImplementedError", "AttributeError")
