"""Patterns read in the second precision sample (issue 14): simonw/llm and sqlite-utils
again, and openai-agents-python, held out until then. Each false pattern must give no
finding (or only advice, below the default gate); each true one exactly its finding."""

from __future__ import annotations

import textwrap

from adversary_helpers import static, where

SANDBOX = "class Sandbox:\n    def shutdown(self):\n        try:\n            self.delete()\n" \
          "        except RuntimeError:\n            pass\n"


# False positives: no finding ----------------------------------------------------------------

def test_a_branch_on_a_parametrize_argument_is_chosen_by_the_table(repo) -> None:
    """sqlite-utils: `if should_error: with pytest.raises(...)`, the rows take both ways."""
    assert static(repo, {"big.py": "def insert(n):\n    return n\n"}, {
        "tests/test_big.py": """\
            import pytest

            from big import insert


            @pytest.mark.parametrize("num_columns,should_error", ((900, False), (1000, True)))
            def test_error_if_more_than_999_columns(num_columns, should_error):
                if should_error:
                    with pytest.raises(ValueError):
                        insert(num_columns)
                else:
                    insert(num_columns)
            """}) == []


def test_validators_and_private_assertion_helpers_are_checks(repo) -> None:
    """`validate_mount(m)` and `self._validate(raw)` raise on bad input; `_assert_session(s)`
    is an assertion by its name."""
    assert static(repo, {"mounts.py": "class Strategy:\n    def validate_mount(self, m):\n"
                                      "        return m\n"}, {
        "tests/test_mounts.py": """\
            from mounts import Strategy, _assert_session


            def test_validate_mount():
                Strategy().validate_mount({"bucket": "b"})


            def test_session_guard_accepts_the_right_type():
                _assert_session(object())


            class TestTar:
                def _validate(self, raw):
                    Strategy().validate_mount(raw)

                def test_valid_tar(self):
                    self._validate(b"tar")
            """}) == []


def test_a_timeout_is_a_check(repo) -> None:
    """`asyncio.wait_for(..., timeout=0.2)` fails the test when the code blocks."""
    assert static(repo, {"runner.py": "async def cancel():\n    return None\n"}, {
        "tests/test_runner.py": """\
            import asyncio

            from runner import cancel


            async def test_an_immediate_cancel_does_not_wait():
                await asyncio.wait_for(cancel(), timeout=0.2)
            """}) == []


def test_a_callback_that_asserts_fails_the_test_through_the_code(repo) -> None:
    assert static(repo, {"sinks.py": "def emit(sinks, event):\n    for s in sinks:\n"
                                     "        s.handle(event)\n"}, {
        "tests/test_sinks.py": """\
            from sinks import emit


            def test_sinks_run_in_order():
                seen = []

                class First:
                    def handle(self, event):
                        seen.append(event)

                class Second:
                    def handle(self, event):
                        assert seen == [event], "the later sink ran first"

                emit([First(), Second()], "e")
            """}) == []


def test_existence_and_kind_are_the_behaviour(repo) -> None:
    """A re-export (`hasattr(module, "X")`), a fake's record of calls, an isinstance check
    against one of the project's classes (the code returns one of several)."""
    assert static(repo, {"tools.py": "class ApprovalItem:\n    pass\n\n\n"
                                     "def run(tool):\n    return ApprovalItem()\n"}, {
        "tests/test_tools.py": """\
            import tools
            from tools import ApprovalItem, run


            def test_package_re_exports_the_strategy():
                assert hasattr(tools, "ApprovalItem")


            def test_a_deletion_needs_approval():
                assert isinstance(run("delete"), ApprovalItem)


            def test_stop_kills_live_sessions(fake):
                run(fake)
                assert fake.kill_pty_session_calls
            """}) == []


def test_a_loop_over_a_case_list_the_test_writes_out_always_runs(repo) -> None:
    """openai-agents: `for case in test_cases: _assert_case(...)` over a local list."""
    assert static(repo, {"paths.py": "def normalize(p):\n    return p\n"}, {
        "tests/test_paths.py": """\
            from paths import normalize


            def _assert_case(path, expected):
                assert normalize(path) == expected


            def test_normalize():
                test_cases = [("a", "a"), ("b", "b")]
                for path, expected in test_cases:
                    _assert_case(path, expected)
            """}) == []


# Advice: a finding below the default gate ---------------------------------------------------

def test_an_injected_error_with_no_assertion_is_advice(repo) -> None:
    """The test makes delete() fail and checks only that shutdown() does not raise: it can
    fail, but it does not check what the code did about the error."""
    (f,) = static(repo, {"sandbox.py": SANDBOX}, {
        "tests/test_sandbox.py": """\
            from sandbox import Sandbox


            class FakeStore:
                def get(self, key):
                    raise KeyError(key)


            def test_shutdown_survives_a_failed_delete():
                box = Sandbox()

                def _raise():
                    if FakeStore().get("op"):  # a fake's lookup is no check
                        raise RuntimeError("delete failed")

                box.delete = _raise
                box.shutdown()
            """})
    assert where([f]) == [("test-cannot-fail", "low", "tests/test_sandbox.py", 9)]
    assert f.title == ("test_shutdown_survives_a_failed_delete checks only that no error "
                       "escapes: no assertion")


def test_a_test_that_says_it_checks_only_for_no_error_is_advice(repo) -> None:
    """`# Should not raise.` over a call with None members: a smoke test by intent."""
    (f,) = static(repo, {"pty.py": "def terminate(entry):\n    return None\n"}, {
        "tests/test_pty.py": """\
            from pty import terminate


            def test_terminate_entry_all_none():
                # Should not raise.
                terminate(None)
            """})
    assert where([f]) == [("test-cannot-fail", "low", "tests/test_pty.py", 4)]
    assert f.evidence["why"].startswith("no assertion: by its name or comments it checks only")


def test_only_a_builtin_type_asserted_is_advice(repo) -> None:
    (f,) = static(repo, {"tar.py": "def exclude_args(paths):\n    return []\n"}, {
        "tests/test_tar.py": """\
            from tar import exclude_args


            def test_exclude_args_empty():
                args = exclude_args([])
                assert isinstance(args, list)
            """})
    assert where([f]) == [("test-cannot-fail", "medium", "tests/test_tar.py", 6)]
    assert f.title == "test_exclude_args_empty checks little: only truthiness asserted"


def test_any_exception_expected_is_advice(repo) -> None:
    """llm: `pytest.raises(Exception)` around a validator fails when nothing raises; it
    only accepts the wrong error too."""
    (f,) = static(repo, {"parts.py": "def from_dict(d):\n    raise ValueError(d)\n"}, {
        "tests/test_parts.py": """\
            import pytest

            from parts import from_dict


            def test_unknown_type_rejected():
                with pytest.raises(Exception):
                    from_dict({"type": "nope"})
            """})
    assert where([f]) == [("test-cannot-fail", "medium", "tests/test_parts.py", 7)]
    assert f.title == "test_unknown_type_rejected checks little: expects any Exception"


# True patterns: exactly the finding, at the gate --------------------------------------------

def test_an_injected_error_under_a_broad_except_cannot_fail(repo) -> None:
    (f,) = static(repo, {"sandbox.py": SANDBOX}, {
        "tests/test_sandbox.py": textwrap.dedent("""\
            from sandbox import Sandbox


            def test_start_survives_a_failed_mkdir():
                box = Sandbox()
                box.delete = lambda: (_ for _ in ()).throw(OSError("no"))
                box.mkdir_error = ConnectionError("mkdir failed")
                try:
                    box.shutdown()
                except Exception:
                    pass
            """)})
    assert where([f]) == [("test-cannot-fail", "high", "tests/test_sandbox.py", 4)]
    assert f.evidence["why"] == ("no assertion, and `except Exception` swallows any error: it "
                                 "passes whatever the code does")


def test_a_branch_on_a_computed_value_may_still_check_nothing(repo) -> None:
    """The parametrize rule covers conditions on its arguments only."""
    (f,) = static(repo, {"rows.py": "def rows():\n    return []\n"}, {
        "tests/test_rows.py": """\
            import pytest

            from rows import rows


            @pytest.mark.parametrize("table", ["a", "b"])
            def test_rows(table):
                result = rows()
                if result:
                    assert result[0] == table
            """})
    assert where([f]) == [("test-cannot-fail", "high", "tests/test_rows.py", 10)]
    assert f.evidence["why"].startswith("assertions only inside branches or loops that may not run")


# Test changes ---------------------------------------------------------------------------------

MIGRATIONS = textwrap.dedent("""\
    MIGRATIONS = []


    def migration(fn):
        MIGRATIONS.append(fn)
        return fn


    @migration
    def m001_create(db):
        db["rows"] = []
    """)


def test_a_test_of_a_migration_deleted_by_name_went_with_it(repo) -> None:
    """llm: migrations folded into one; their tests named them only in SQL strings."""
    tests = textwrap.dedent("""\
        from migrations import MIGRATIONS


        def test_create():
            assert [m.__name__ for m in MIGRATIONS][0] == "m001_create"


        def test_m002_retry_keeps_text(db):
            db.execute("delete from _migrations where name = 'm002_text_column'")
            assert db.rows == []
        """)
    (f,) = static(repo, {
        "migrations.py": MIGRATIONS + "\n\n@migration\ndef m002_text_column(db):\n"
                                      "    db['text'] = []\n",
        "tests/test_migrations.py": tests}, {
        "migrations.py": MIGRATIONS,
        "tests/test_migrations.py": tests.split("\n\n\ndef test_m002")[0] + "\n"})
    assert where([f]) == [("deleted-test", "low", "tests/test_migrations.py", 5)]
    assert f.evidence["code_deleted"] == ["migrations.py: m002_text_column"]


def test_a_test_of_an_attribute_the_change_removed_went_with_it(repo) -> None:
    """llm: `response._reasoning_token_count` dropped for a stream event."""
    code = ("class Response:\n    def __init__(self):\n        self._reasoning_token_count = 0\n"
            "        self.events = []\n")
    tests = textwrap.dedent("""\
        from response import Response


        def test_events():
            assert Response().events == []


        def test_reasoning_token_count_recorded():
            assert Response()._reasoning_token_count == 0
        """)
    (f,) = static(repo, {"response.py": code, "tests/test_response.py": tests}, {
        "response.py": code.replace("        self._reasoning_token_count = 0\n", ""),
        "tests/test_response.py": tests.split("\n\n\ndef test_reasoning")[0] + "\n"})
    assert where([f]) == [("deleted-test", "low", "tests/test_response.py", 5)]
    assert f.evidence["code_deleted"] == ["response.py: attribute ._reasoning_token_count"]


def test_a_table_row_whose_error_class_changed_is_a_step_milder(repo) -> None:
    """sqlite-utils: `assert` became `raise ValueError`; the rows now expect ValueError, as
    the pytest.raises of the same change do (medium), while a changed value stays high."""
    code = "def create(cols, limit=2):\n    assert cols, 'no columns'\n    return cols[:limit]\n"
    tests = """\
        import pytest

        from table import create


        @pytest.mark.parametrize("cols,expected_exception", [([], AssertionError), (None, TypeError)])
        def test_bad_columns(cols, expected_exception):
            with pytest.raises(expected_exception):
                create(cols)


        @pytest.mark.parametrize("cols,expected", [(["a", "b", "c"], ["a", "b"])])
        def test_columns(cols, expected):
            assert create(cols) == expected
        """
    found = static(repo, {"table.py": code, "tests/test_table.py": tests}, {
        "table.py": code.replace("    assert cols, 'no columns'\n",
                                 "    if not cols:\n        raise ValueError('no columns')\n"
                                 ).replace("limit=2", "limit=3"),
        "tests/test_table.py": tests.replace("([], AssertionError)", "([], ValueError)").replace(
            '["a", "b"])', '["a", "b", "c"])')})
    assert sorted(where(found)) == [
        ("rewritten-expectation", "high", "tests/test_table.py", 12),
        ("rewritten-expectation", "medium", "tests/test_table.py", 6)]


def test_a_test_of_a_property_that_became_a_method_went_with_it(repo) -> None:
    """llm: `response.messages` became `response.messages()`; the test that `.messages`
    raised before the response was awaited was dropped with the property."""
    code = ("class Prompt:\n    @property\n    def messages(self):\n        return []\n\n\n"
            "class Response:\n    @property\n    def messages(self):\n"
            "        raise ValueError('await first')\n")
    tests = textwrap.dedent("""\
        import pytest

        from response import Response


        def test_response():
            assert Response() is not None


        def test_messages_requires_await():
            with pytest.raises(ValueError):
                Response().messages
        """)
    (f,) = static(repo, {"response.py": code, "tests/test_response.py": tests}, {
        "response.py": code.replace("class Response:\n    @property\n", "class Response:\n").replace(
            "        raise ValueError('await first')\n", "        return []\n"),
        "tests/test_response.py": tests.split("\n\n\ndef test_messages")[0] + "\n"})
    assert where([f]) == [("deleted-test", "low", "tests/test_response.py", 7)]
    assert f.evidence["code_deleted"] == [
        "response.py: Response.messages (a property, now a method)"]


def test_an_order_check_folded_into_one_stronger_in_is_not_removed(repo) -> None:
    """llm: `reasoning_pos < response_pos` over `output.index(...)` became one `in` holding
    both headings in order; a dropped order check with nothing in its place stays."""
    before = textwrap.dedent("""\
        from render import render


        def test_reasoning_heading():
            output = render()
            assert "## Reasoning\\n\\nthought" in output
            reasoning_pos = output.index("## Reasoning")
            response_pos = output.index("## Response")
            assert reasoning_pos < response_pos


        def test_response_heading():
            output = render()
            assert "## Response" in output
            reasoning_pos = output.index("## Reasoning")
            response_pos = output.index("## Response")
            assert response_pos > reasoning_pos
        """)
    after = before.replace(
        '    assert "## Reasoning\\n\\nthought" in output\n'
        '    reasoning_pos = output.index("## Reasoning")\n'
        '    response_pos = output.index("## Response")\n'
        '    assert reasoning_pos < response_pos\n',
        '    assert "## Reasoning\\n\\nthought\\n\\n## Response" in output\n').replace(
        '    assert "## Response" in output\n'
        '    reasoning_pos = output.index("## Reasoning")\n'
        '    response_pos = output.index("## Response")\n'
        '    assert response_pos > reasoning_pos\n',
        '    assert "## Response" in output\n')
    code = "def render():\n    return '## Reasoning\\n\\nthought\\n\\n## Response'\n"
    (f,) = static(repo, {"render.py": code, "tests/test_render.py": before},
                  {"tests/test_render.py": after})
    assert (f.rule, f.evidence["test"], f.evidence["removed_assertions"]) == (
        "weakened-assertion", "test_response_heading", ["response_pos > reasoning_pos"])


def test_a_kept_assertion_pairs_with_itself_when_one_is_added_before_it(repo) -> None:
    """openai-agents: a new `"ChildTool" ... in graph.source` inserted before the kept
    `'"Parent" -> "Child";' in graph.source` is no rewritten expectation."""
    code = "def draw():\n    return 'Parent -> Child; ChildTool'\n"
    before = textwrap.dedent("""\
        from graph import draw


        def test_draw():
            source = draw()
            assert "Parent" in source
            assert "Parent -> Child;" in source
        """)
    after = before.replace('    assert "Parent -> Child;" in source\n',
                           '    assert "ChildTool" in source\n'
                           '    assert "Parent -> Child;" in source\n')
    assert static(repo, {"graph.py": code, "tests/test_graph.py": before},
                  {"graph.py": code.replace("ChildTool", "ChildTool "),
                   "tests/test_graph.py": after}) == []


def test_a_test_renamed_and_much_extended_is_not_deleted(repo) -> None:
    """openai-agents: test_..._public_testing_state_surfaces became
    test_..._public_state_surfaces with its old body kept and many checks appended."""
    base = textwrap.dedent("""\
        from policy import load


        def test_policy_declares_testing_surfaces():
            policy = load()
            assert policy["modules"] == {"agents.testing": 1}
        """)
    extra = "".join(f'    assert policy["names"][{i}] == "name-{i}"\n' for i in range(12))
    head = base.replace("test_policy_declares_testing_surfaces", "test_policy_declares_surfaces"
                        ) + extra
    code = "def load():\n    return {'modules': {'agents.testing': 1}, 'names': []}\n"
    assert static(repo, {"policy.py": code, "tests/test_policy.py": base},
                  {"policy.py": code.replace("[]", "['name-0']"),
                   "tests/test_policy.py": head}) == []


def test_a_test_renamed_with_many_checks_added_in_its_middle_is_not_deleted(repo) -> None:
    """The old body's second half sits past the first few thousand characters of the new."""
    first = "".join(f'    assert policy["a{i}"] == "value-number-{i}"\n' for i in range(30))
    last = "".join(f'    assert policy["z{i}"] == "value-number-{i}"\n' for i in range(30))
    middle = "".join(f"    for row{i} in sorted(load().items()):\n        print(row{i}, {i} * 7)\n"
                     for i in range(60))
    base = ("from policy import load\n\n\ndef test_policy_declares_testing_surfaces():\n"
            "    policy = load()\n" + first + last)
    head = ("from policy import load\n\n\ndef test_policy_declares_surfaces():\n"
            "    policy = load()\n" + first + middle + last)
    code = "def load():\n    return {}\n"
    assert static(repo, {"policy.py": code, "tests/test_policy.py": base},
                  {"policy.py": code.replace("{}", "dict()"), "tests/test_policy.py": head}) == []
