"""What a call the graph cannot follow may be guessed to (confidence `name-match`): the one
definition of that name where such a call could see it. `x.name()` means a class member,
a bare `name()` a top-level function or class; a function's local definitions are seen by
nobody else, and code outside tests never calls into test code."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges_with

FILES = {
    "app/__init__.py": "",
    "app/store.py": """
        class Store:
            def fetch_rows(self):
                return []


        def total(rows):
            return len(rows)
    """,
    "app/report.py": """
        def build(store):
            def render(rows):
                return str(rows)

            return render(store.fetch_rows())


        def summary(conn):
            return conn.summarize()
    """,
    "app/cli.py": """
        def main(conn):
            render([])
            return total(conn.total())
    """,
    "tests/test_report.py": """
        class FakeConn:
            def summarize(self):
                return "fake"


        def test_summary(conn):
            assert conn.summarize() == "fake"
    """,
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_guesses_only_where_a_call_could_see_the_name(graph) -> None:
    assert edges_with(graph, "calls") == {
        ("app.report.build", "app.report.build.render", "resolved"),
        # store.fetch_rows(): Store's member is the only fetch_rows
        ("app.report.build", "app.store.Store.fetch_rows", "name-match"),
        # total(...) is not imported into cli: the top-level function is the one a bare
        # call can mean; conn.total() is no member anywhere, so it is left alone
        ("app.cli.main", "app.store.total", "name-match"),
        # a test may call its own fakes
        ("test_report.test_summary", "test_report.FakeConn.summarize", "name-match"),
    }
    # not guessed: render() in cli (build's local function) and conn.summarize() in
    # app.report.summary (the only summarize is a test's fake)
