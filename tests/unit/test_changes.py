"""Reading a change from git: the patch parser on real `git diff` output (renames, deletions,
binary files, odd paths, type changes), the working tree, merge bases."""

from __future__ import annotations

import os

import pytest
from adversary_helpers import change_between, commit_files

from comprehend.adversary.changes import read_change, resolve_spec
from comprehend.adversary.diff import parse_patch
from comprehend.errors import RepositoryError, UserError
from comprehend.git import open_repository


def entries(change) -> list[tuple]:
    return [(f.path, f.old_path, f.status, f.binary, sorted(f.added_lines), sorted(f.removed_lines))
            for f in change.files]


def test_added_modified_deleted_renamed_and_binary_files(repo) -> None:
    base = commit_files(repo, {
        "app.py": "a = 1\nb = 2\nc = 3\n",
        "old.txt": "gone\n",
        "docs/guide.md": "".join(f"line {i}\n" for i in range(20)),
        "logo.png": "placeholder\n",
    })
    repo.git("mv", "docs/guide.md", "docs/manual.md")
    head = commit_files(repo, {
        "app.py": "a = 1\nb = 20\nc = 3\nd = 4\n",
        "old.txt": None,
        "docs/manual.md": "".join(f"line {i}\n" for i in range(20)).replace("line 3\n", "line three\n"),
        "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00binary",
        "new.py": "x = 1\n",
    })
    change, _ = change_between(repo, base, head)
    assert entries(change) == [
        ("app.py", "app.py", "modified", False, [2, 4], [2]),
        ("docs/manual.md", "docs/guide.md", "renamed", False, [4], [4]),
        ("logo.png", "logo.png", "modified", True, [], []),
        ("new.py", None, "added", False, [1], []),
        ("old.txt", "old.txt", "deleted", False, [], [1]),
    ]


def test_paths_with_spaces_quotes_and_unicode(repo) -> None:
    base = commit_files(repo, {"README.md": "x\n"})
    head = commit_files(repo, {"my file.py": "a = 1\n", 'we"ird.py': "b = 2\n", "café/ü.py": "c = 3\n"})
    change, sources = change_between(repo, base, head)
    assert [f.path for f in change.files] == ["caf\u00e9/\u00fc.py", "my file.py", 'we"ird.py']
    assert [sources.new_text(f) for f in change.files] == ["c = 3\n", "a = 1\n", "b = 2\n"]


def test_mode_change_only_and_symlink_type_change(repo) -> None:
    base = commit_files(repo, {"run.sh": "echo hi\n", "link": "target\n"})
    os.chmod(repo.path / "run.sh", 0o755)
    (repo.path / "link").unlink()
    os.symlink("run.sh", repo.path / "link")
    head = repo.commit("modes")
    change, _ = change_between(repo, base, head)
    assert [(f.path, f.status) for f in change.files] == [("link", "type-changed"), ("run.sh", "modified")]


def test_working_tree_includes_staged_unstaged_and_untracked_but_not_ignored(repo) -> None:
    repo.write(".gitignore", "*.log\n")
    repo.write("app.py", "a = 1\n")
    base = repo.commit("base")
    repo.write("app.py", "a = 2\n")
    repo.write("staged.py", "s = 1\n")
    repo.git("add", "staged.py")
    repo.write("fresh.py", "f = 1\nf = 2\n")
    repo.write("debug.log", "noise\n")
    index_before = (repo.path / ".git" / "index").read_bytes()
    opened = open_repository(repo.path)
    change = read_change(opened, resolve_spec(opened, None, None))
    assert change.head is None and change.base == base
    assert entries(change) == [
        ("app.py", "app.py", "modified", False, [1], [1]),
        ("staged.py", None, "added", False, [1], []),
        ("fresh.py", None, "added", False, [1, 2], []),
    ]
    assert (repo.path / ".git" / "index").read_bytes() == index_before


def test_base_is_the_merge_base_so_later_commits_on_base_are_not_in_the_change(repo) -> None:
    repo.write("app.py", "a = 1\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feature.py", "f = 1\n")
    repo.commit("feature work")
    repo.git("checkout", "-q", "main")
    repo.write("main_only.py", "m = 1\n")
    repo.commit("main moved on")
    repo.git("checkout", "-q", "feature")
    opened = open_repository(repo.path)
    spec = resolve_spec(opened, "main", None)
    change = read_change(opened, spec)
    assert [f.path for f in change.files] == ["feature.py"]


def test_head_without_base_is_a_one_line_user_error(repo) -> None:
    opened = open_repository(repo.path)
    with pytest.raises(UserError, match=r"^--head HEAD: pass --base REF too"):
        resolve_spec(opened, None, "HEAD")


def test_unknown_base_names_the_option(repo) -> None:
    opened = open_repository(repo.path)
    with pytest.raises(RepositoryError, match=r"^--base 'nope': no such commit in "):
        resolve_spec(opened, "nope", None)


def test_unrelated_histories_say_how_to_fix(repo) -> None:
    repo.git("checkout", "-q", "--orphan", "other")
    repo.write("other.py", "o = 1\n")
    repo.commit("unrelated root")
    opened = open_repository(repo.path)
    with pytest.raises(RepositoryError, match=r"no common history with .*; pass a --base on the same history$"):
        resolve_spec(opened, "main", None)


def test_no_newline_at_end_of_file_marker_is_not_a_line() -> None:
    patch = (b"diff --git a/x.py b/x.py\nindex 1..2 100644\n--- a/x.py\n+++ b/x.py\n"
             b"@@ -1 +1 @@\n-a = 1\n\\ No newline at end of file\n+a = 2\n\\ No newline at end of file\n")
    (f,) = parse_patch(patch)
    assert (f.path, f.status, f.hunks[0].added, f.hunks[0].removed) == (
        "x.py", "modified", ((1, "a = 2"),), ((1, "a = 1"),))
