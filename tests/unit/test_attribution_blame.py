"""Line attribution with git blame: renames, .git-blame-ignore-revs, shallow clones, the cache
in the store and its invalidation."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gitrepo import BASE_ENV, GitRepo

from comprehend.config import AttributionConfig, Config, IdentityRule
from comprehend.errors import RepositoryError
from comprehend.git import blame_incremental, open_repository
from comprehend.history.blame import (
    attribute_change,
    attribute_files,
    attribute_lines,
    parse_incremental,
)
from comprehend.history.ledger import record_history
from comprehend.store import open_store

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def classes(lines) -> list[tuple[int, str, str | None]]:
    return [(a.line, a.cls, a.tool) for a in lines]


def test_blame_follows_a_rename_to_the_ai_commit(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("calc.py", "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n")
    ai = repo.commit("Add calc" + CLAUDE)
    repo.git("mv", "calc.py", "arith.py")
    repo.write("arith.py", "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return b - a\n")
    human = repo.commit("Move calc to arith and fix sub\n")
    with open_store(tmp_path / "store.db") as store:
        lines = attribute_lines(open_repository(repo.path), Config(), store, "arith.py")
    assert [(a.commit, a.cls, a.tool) for a in lines] == [
        (ai, "ai", "claude-code"), (ai, "ai", "claude-code"), (ai, "ai", "claude-code"),
        (ai, "ai", "claude-code"), (ai, "ai", "claude-code"), (human, "human", None),
    ]


def test_ignore_revs_file_sends_a_reformat_back_to_the_ai_commit(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("app.py", "x = 1\ny = 2\nz = 3\n")
    ai = repo.commit("Add app" + CLAUDE, author="Sam", email="sam@example.com")
    repo.write("app.py", "x  =  1\ny  =  2\nz = 3\n")
    reformat = repo.commit("Reformat\n")
    opened = open_repository(repo.path)
    with open_store(tmp_path / "store.db") as store:
        before = attribute_lines(opened, Config(), store, "app.py")
        repo.write(".git-blame-ignore-revs", f"# formatting\n{reformat}\n{'f' * 40}\n")
        repo.commit("Ignore the reformat in blame\n")
        after = attribute_lines(open_repository(repo.path), Config(), store, "app.py")
    assert [a.commit for a in before] == [reformat, reformat, ai]
    assert classes(before) == [(1, "human", None), (2, "human", None), (3, "ai", "claude-code")]
    # The unknown sha in the file is skipped (git blame would refuse it).
    assert [a.commit for a in after] == [ai, ai, ai]
    assert classes(after) == [(1, "ai", "claude-code"), (2, "ai", "claude-code"), (3, "ai", "claude-code")]


def test_shallow_clone_lines_beyond_the_cut_are_unknown(tmp_path: Path) -> None:
    origin = GitRepo.create(tmp_path / "origin")
    origin.write("lib.py", "a = 1\nb = 2\n")
    origin.commit("Add lib" + CLAUDE)
    origin.write("lib.py", "a = 1\nb = 2\nc = 3\n")
    origin.commit("Add c\n")
    origin.write("lib.py", "a = 1\nb = 2\nc = 3\nd = 4\n")
    tip = origin.commit("Add d\n\nCo-authored-by: Codex <noreply@openai.com>\n")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{origin.path}", str(clone)],
                   check=True, env={**BASE_ENV, "PATH": "/usr/bin:/bin"}, capture_output=True)
    opened = open_repository(clone)
    assert opened.shallow is True
    with open_store(tmp_path / "store.db") as store:
        lines = attribute_lines(opened, Config(), store, "lib.py")
    assert [(a.cls, a.tool, a.source) for a in lines] == [
        ("unknown", None, "shallow"), ("unknown", None, "shallow"), ("unknown", None, "shallow"),
        ("ai", "codex", "commit"),
    ]
    assert lines[3].commit == tip


def test_cache_is_read_by_file_blob_and_rev(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("a.py", "a = 1\n")
    repo.commit("Add a" + CLAUDE)
    opened = open_repository(repo.path)
    with open_store(tmp_path / "store.db") as store:
        first = attribute_lines(opened, Config(), store, "a.py")
        rows = store.conn.execute('SELECT file, rev, start, "end", class, tool, source FROM lines').fetchall()
        assert rows == [("a.py", opened.head, 1, 1, "ai", "claude-code", "commit")]
        # Prove the second answer comes from the cache: change the cached row, read it back.
        with store.transaction() as conn:
            conn.execute("UPDATE lines SET class = 'bot', tool = 'cached'")
        second = attribute_lines(opened, Config(), store, "a.py")
    assert classes(first) == [(1, "ai", "claude-code")]
    assert classes(second) == [(1, "bot", "cached")]


def test_changed_rules_reset_classifications_and_cached_lines(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("a.py", "a = 1\n")
    repo.commit("Add a\n", email="agent@corp.example")
    opened = open_repository(repo.path)
    ruled = Config(attribution=AttributionConfig(rules=(IdentityRule(email="agent@corp.example", tool="corp"),)))
    with open_store(tmp_path / "store.db") as store:
        plain = attribute_lines(opened, Config(), store, "a.py")
        with_rule = attribute_lines(opened, ruled, store, "a.py")
    assert classes(plain) == [(1, "human", None)]
    assert classes(with_rule) == [(1, "ai", "corp")]


def test_history_is_recorded_incrementally_from_known_tips(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    first = repo.commit("one\n")
    with open_store(tmp_path / "store.db") as store:
        record_history(open_repository(repo.path), Config(), store)
        second = repo.commit("two\n\nMade-with: Cursor\n")
        # Rewrite the stored class of the first commit: an incremental update must keep it.
        with store.transaction() as conn:
            conn.execute("UPDATE commits SET class = 'unknown' WHERE sha = ?", (first,))
        record_history(open_repository(repo.path), Config(), store)
        stored = dict(store.conn.execute("SELECT sha, class FROM commits").fetchall())
        tips = store.conn.execute("SELECT value FROM meta WHERE key = 'attribution.tips'").fetchone()[0]
    assert stored == {first: "unknown", second: "ai"}
    assert tips == f'["{second}", "{first}"]'


def test_attribute_files_blames_many_files_and_names_a_missing_one(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("a.py", "a = 1\nb = 2\n")
    repo.write("b.py", "c = 3\n")
    repo.write("empty.py", "")
    repo.commit("Add files\n")
    opened = open_repository(repo.path)
    with open_store(tmp_path / "store.db") as store:
        result = attribute_files(opened, Config(), store, ["b.py", "a.py", "empty.py"])
        assert {p: len(v) for p, v in result.items()} == {"b.py": 1, "a.py": 2, "empty.py": 0}
        with pytest.raises(RepositoryError, match=r"^gone\.py: not a file in HEAD \([0-9a-f]{12}\); "
                                                  r"pass a path tracked at that revision$"):
            attribute_files(opened, Config(), store, ["a.py", "gone.py"])


def test_quoted_path_in_blame_output_is_read_back(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    name = 'odd "name"\tü.py'
    repo.write(name, "a = 1\n")
    repo.commit("Add odd file\n")
    opened = open_repository(repo.path)
    (group,) = parse_incremental(blame_incremental(opened, "HEAD", name))
    assert (group.orig_path, group.final_line, group.count) == (name, 1, 1)


def test_a_new_revision_reuses_and_carries_forward_the_cached_answers(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("a.py", "one = 1\ntwo = 2\nthree = 3\n")
    repo.write("b.py", "four = 4\n")
    ai = repo.commit("Add a and b" + CLAUDE)
    opened = open_repository(repo.path)
    with open_store(tmp_path / "store.db") as store:
        attribute_files(opened, Config(), store, ["a.py", "b.py"])
        # Mark the cached answers so that reading them back is visible.
        with store.transaction() as conn:
            conn.execute("UPDATE lines SET tool = 'cached-' || file")
        repo.write("a.py", "zero = 0\none = 1\ntwo = 22\nthree = 3\n")
        human = repo.commit("Change a\n")
        moved = attribute_files(open_repository(repo.path), Config(), store, ["a.py", "b.py"])
    # b.py is unchanged since: its cached answer is reused as it is.
    assert [(a.commit, a.cls, a.tool) for a in moved["b.py"]] == [(ai, "ai", "cached-b.py")]
    # a.py changed: only the new commit is blamed; older lines keep their cached answer.
    assert [(a.line, a.commit, a.cls, a.tool) for a in moved["a.py"]] == [
        (1, human, "human", None), (2, ai, "ai", "cached-a.py"),
        (3, human, "human", None), (4, ai, "ai", "cached-a.py"),
    ]


def test_carried_forward_answers_equal_a_full_blame(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("m.py", "".join(f"v{i} = {i}\n" for i in range(8)))
    repo.commit("Add m\n")
    opened = open_repository(repo.path)
    with open_store(tmp_path / "incremental.db") as store:
        attribute_lines(opened, Config(), store, "m.py")
        repo.write("m.py", "".join(f"v{i} = {i * (i % 3 != 0)}\n" for i in range(10)))
        repo.commit("Rework m" + CLAUDE)
        repo.write("m.py", "header = 0\n" + "".join(f"v{i} = {i * (i % 3 != 0)}\n" for i in range(10)))
        repo.commit("Add header\n\nMade-with: Cursor\n")
        incremental = attribute_lines(open_repository(repo.path), Config(), store, "m.py")
    with open_store(tmp_path / "fresh.db") as store:
        fresh = attribute_lines(open_repository(repo.path), Config(), store, "m.py")
    assert [(a.commit, a.cls, a.tool) for a in incremental] == [(a.commit, a.cls, a.tool) for a in fresh]
    # header by Cursor; v3, v6, v8, v9 by Claude; the rest unchanged since the first commit.
    assert [a.tool or a.cls for a in fresh] == [
        "cursor", "human", "human", "human", "claude-code", "human", "human", "claude-code",
        "human", "claude-code", "claude-code"]


def test_comprehend_keeps_its_commit_graph_in_its_own_folder(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("a.py", "a = 1\n")
    repo.commit("Add a\n")
    with open_store(tmp_path / "store.db") as store:
        attribute_lines(open_repository(repo.path), Config(), store, "a.py")
    assert (repo.path / ".git/comprehend/objects/info/commit-graphs/commit-graph-chain").is_file()
    assert sorted(p.name for p in (repo.path / ".git/objects/info").iterdir()) == []


def test_attribute_change_gives_only_the_lines_the_change_wrote(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("f.py", "a = 1\nb = 2\nc = 3\n")
    repo.write("g.py", "untouched = True\n")
    base = repo.commit("Add f\n")
    repo.write("f.py", "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n")
    ai = repo.commit("Add d and e" + CLAUDE)
    repo.write("f.py", "a = 10\nb = 2\nc = 3\nd = 4\ne = 5\n")
    human = repo.commit("Change a\n")
    with open_store(tmp_path / "store.db") as store:
        change = attribute_change(open_repository(repo.path), Config(), store, base, "HEAD",
                                  ["f.py", "g.py", "gone.py"])
    assert {p: [(a.line, a.commit, a.cls, a.tool) for a in lines] for p, lines in change.items()} == {
        "f.py": [(1, human, "human", None), (4, ai, "ai", "claude-code"), (5, ai, "ai", "claude-code")],
        "g.py": [],
        "gone.py": [],
    }
