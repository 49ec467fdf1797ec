"""Helpers for the code graph's tests: build a fixture repository's graph through the real
pipeline (git, tree-sitter, a SQLite store) and read its nodes and edges as sets."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from gitrepo import BASE_ENV, GitRepo

from comprehend.config import load_config
from comprehend.git import open_repository
from comprehend.graph.build import CodeGraph, build_graph
from comprehend.store import open_store


def built_graph(tmp_path_factory, files: dict[str, str | bytes]) -> CodeGraph:
    """A fixture repository's graph, built once per test module (git sees no user config)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        folder = tmp_path_factory.mktemp("graph")
        repo = GitRepo.create(folder / "repo")
        commit_files(repo, files)
        return graph_of(repo, folder / "store.db")


def commit_files(repo: GitRepo, files: dict[str, str | bytes], message: str = "fixture") -> None:
    for path, text in files.items():
        repo.write(path, textwrap.dedent(text).lstrip("\n") if isinstance(text, str) else text)
    repo.commit(message)


def graph_of(repo: GitRepo, db: Path, rev: str | None = "HEAD", **kwargs) -> CodeGraph:
    opened = open_repository(repo.path)
    config = load_config(opened.root)
    with open_store(db) as store:
        return build_graph(opened, config, store, rev=rev, **kwargs)


def nodes(graph: CodeGraph, *kinds: str) -> set[str]:
    return {node_id for node_id, node in graph.nodes.items() if node["kind"] in kinds}


def edges(graph: CodeGraph, kind: str) -> set[tuple[str, str]]:
    return {(src, dst) for src, dst, data in graph.edges if data["kind"] == kind}


def edges_with(graph: CodeGraph, kind: str) -> set[tuple[str, str, str]]:
    return {(src, dst, data["confidence"]) for src, dst, data in graph.edges if data["kind"] == kind}
