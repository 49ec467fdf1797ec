"""Dynamic imports with a literal name become imports edges, deferred inside functions:
importlib's import_module (absolute, after `from importlib import import_module`, relative to
__package__ or __name__) and __import__. Names the graph cannot read (variables, f-strings,
a package argument it does not know) and a local function called import_module give none."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges, nodes

FILES = {
    "src/app/__init__.py": '"""The application."""\n',
    "src/app/core.py": """
        def run():
            return 1
    """,
    "src/app/gamma.py": "VALUE = 1\n",
    "src/app/plugins/__init__.py": """
        import importlib

        ALPHA = importlib.import_module(".alpha", __name__)
    """,
    "src/app/plugins/alpha.py": 'NAME = "alpha"\n',
    "src/app/plugins/beta.py": 'NAME = "beta"\n',
    "src/app/plugins/delta.py": 'NAME = "delta"\n',
    "src/app/loader.py": """
        import importlib
        from importlib import import_module


        def load_all():
            importlib.import_module("app.plugins.alpha")
            import_module("app.plugins.beta")
            importlib.import_module(".gamma", package=__package__)
            importlib.import_module("..core", __name__)
            __import__("app.plugins.delta")
            return importlib.import_module("yaml")
    """,
    "src/app/lazy.py": """
        def load():
            from importlib import import_module

            return import_module("app.core")
    """,
    "src/app/unreadable.py": """
        import importlib


        def load(name, package):
            importlib.import_module(name)
            importlib.import_module(f"app.plugins.{name}")
            importlib.import_module(f"app.core")
            importlib.import_module("app." + name)
            importlib.import_module(".alpha", package=package)
            importlib.import_module(".alpha")
            __import__(name)
            __import__("alpha", globals(), None, [], 1)
    """,
    "src/app/own.py": """
        def import_module(name):
            return name


        def load():
            return import_module("app.core")
    """,
}

STATIC = {
    ("app.plugins", "external:importlib"), ("app.loader", "external:importlib"),
    ("app.unreadable", "external:importlib"),
}
DYNAMIC = {
    ("app.plugins", "app.plugins.alpha"),  # relative to __name__ in a package: itself
    ("app.loader", "app.plugins.alpha"),
    ("app.loader", "app.plugins.beta"),  # import_module after `from importlib import`
    ("app.loader", "app.gamma"),  # relative to __package__: app
    ("app.loader", "app.core"),  # relative to __name__: app.loader, then up one
    ("app.loader", "app.plugins.delta"),  # __import__
    ("app.loader", "external:yaml"),
    ("app.lazy", "external:importlib"),  # the static import inside the function
    ("app.lazy", "app.core"),  # import_module bound inside the function
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_literal_names_are_imports_edges(graph) -> None:
    assert edges(graph, "imports") == STATIC | DYNAMIC
    assert nodes(graph, "external") == {"external:importlib", "external:yaml"}


def test_dynamic_imports_in_functions_are_deferred(graph) -> None:
    # app.plugins imports .alpha at module level: that runs at import time, as a plain import does
    deferred = {(s, d) for s, d, a in graph.edges if a["kind"] == "imports" and a["deferred"]}
    assert deferred == DYNAMIC - {("app.plugins", "app.plugins.alpha")}
    resolved = {(s, d) for s, d, a in graph.edges if a["kind"] == "imports" and a["confidence"] == "resolved"}
    assert resolved == STATIC | DYNAMIC


def test_a_local_import_module_is_a_call_not_an_import(graph) -> None:
    assert {d for s, d in edges(graph, "imports") if s == "app.own"} == set()
    assert {(s, d) for s, d in edges(graph, "calls") if s.startswith("app.own")} == {
        ("app.own.load", "app.own.import_module")}
