"""Caching: facts by blob sha (an edit parses one file, a rename or a delete parses none),
whole graphs by content (an unchanged repository parses and resolves nothing), and the
working tree read without touching the index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gitrepo import GitRepo
from graphkit import commit_files, edges, graph_of, nodes

FILES = {
    "app/__init__.py": "",
    "app/core.py": """
        from app.util import helper


        def run():
            return helper()
    """,
    "app/util.py": """
        def helper():
            return 1
    """,
}


def facts_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM facts").fetchone()[0]


def test_unchanged_repository_parses_nothing(repo: GitRepo, tmp_path: Path) -> None:
    commit_files(repo, FILES)
    db = tmp_path / "store.db"
    cold = graph_of(repo, db)
    warm = graph_of(repo, db)
    assert (cold.stats["parsed_now"], warm.stats["parsed_now"]) == (3, 0)
    assert warm.nodes == cold.nodes
    assert sorted(map(repr, warm.edges)) == sorted(map(repr, cold.edges))
    assert warm.key == cold.key
    # an empty commit keeps the tree, so the same graph comes back from the graph cache
    repo.commit("empty")
    assert graph_of(repo, db).key == cold.key


def test_edit_parses_only_the_changed_file(repo: GitRepo, tmp_path: Path) -> None:
    commit_files(repo, FILES)
    db = tmp_path / "store.db"
    graph_of(repo, db)
    commit_files(repo, {"app/util.py": "def helper():\n    return 2\n\n\ndef other():\n    return 3\n"})
    graph = graph_of(repo, db)
    assert graph.stats["parsed_now"] == 1
    assert nodes(graph, "function") == {"app.core.run", "app.util.helper", "app.util.other"}
    assert facts_rows(db) == 4  # the old blob of util.py stays cached for older revisions


def test_rename_and_delete_parse_nothing(repo: GitRepo, tmp_path: Path) -> None:
    commit_files(repo, FILES)
    db = tmp_path / "store.db"
    graph_of(repo, db)
    repo.git("mv", "app/util.py", "app/tools.py")
    commit_files(repo, {"app/core.py": "from app.tools import helper\n\n\ndef run():\n    return helper()\n"})
    renamed = graph_of(repo, db)
    assert renamed.stats["parsed_now"] == 1  # core.py changed; tools.py is util.py's blob
    assert edges(renamed, "calls") == {("app.core.run", "app.tools.helper")}
    assert "app.util" not in renamed.nodes
    repo.git("rm", "-q", "app/tools.py")
    repo.commit("delete")
    deleted = graph_of(repo, db)
    assert deleted.stats["parsed_now"] == 0
    assert nodes(deleted, "module") == {"app.core"}
    assert edges(deleted, "calls") == set()


def test_older_revision_is_built_from_cached_facts(repo: GitRepo, tmp_path: Path) -> None:
    commit_files(repo, FILES)
    first = repo.head()
    commit_files(repo, {"app/util.py": "def helper():\n    return 2\n"})
    db = tmp_path / "store.db"
    graph_of(repo, db)
    old = graph_of(repo, db, rev=first)
    assert old.stats["parsed_now"] == 1  # only the old util.py blob was never parsed
    assert graph_of(repo, db, rev=first[:10]).stats["parsed_now"] == 0


def test_worktree_reads_edits_and_untracked_files_without_touching_the_index(
        repo: GitRepo, tmp_path: Path) -> None:
    commit_files(repo, {**FILES, ".gitignore": "ignored.py\n"})
    (repo.path / "app" / "util.py").write_text("def helper():\n    return 5\n\n\ndef extra():\n    pass\n")
    (repo.path / "app" / "new.py").write_text("from app.util import extra\n")
    (repo.path / "ignored.py").write_text("def hidden():\n    pass\n")
    status_before = repo.git("status", "--porcelain")
    index_before = (repo.path / ".git" / "index").read_bytes()
    db = tmp_path / "store.db"
    graph = graph_of(repo, db, rev=None)
    assert nodes(graph, "function") == {"app.core.run", "app.util.helper", "app.util.extra"}
    assert nodes(graph, "module") == {"app.core", "app.util", "app.new"}
    assert ("app.new", "app.util") in edges(graph, "imports")
    assert graph.stats["parsed_now"] == 4  # a fresh store: every file, edits as on disk
    assert graph_of(repo, db, rev=None).stats["parsed_now"] == 0
    assert repo.git("status", "--porcelain") == status_before
    assert (repo.path / ".git" / "index").read_bytes() == index_before


def test_without_a_store_everything_is_parsed_each_time(repo: GitRepo) -> None:
    from comprehend.config import load_config
    from comprehend.git import open_repository
    from comprehend.graph.build import build_graph

    commit_files(repo, FILES)
    opened = open_repository(repo.path)
    graphs = [build_graph(opened, load_config(opened.root), None) for _ in range(2)]
    assert [g.stats["parsed_now"] for g in graphs] == [3, 3]


def test_facts_of_another_extractor_version_are_dropped(repo: GitRepo, tmp_path: Path) -> None:
    commit_files(repo, FILES)
    db = tmp_path / "store.db"
    graph_of(repo, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE facts SET extractor_version = 'old' WHERE rowid = 1")
        conn.execute("DELETE FROM graph_cache")
    rebuilt = graph_of(repo, db)
    assert rebuilt.stats["parsed_now"] == 1  # the blob whose facts were "old"
    with sqlite3.connect(db) as conn:
        versions = conn.execute("SELECT DISTINCT extractor_version FROM facts").fetchall()
    assert len(versions) == 1 and versions[0][0] != "old"
    assert facts_rows(db) == 3
