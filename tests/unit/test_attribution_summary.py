"""The attribution summary `comprehend scan` shows: commits by class and tool, the AI share
of current lines per module and per author, and the shallow-clone warning."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gitrepo import BASE_ENV, GitRepo

from comprehend.history.summary import summarize
from comprehend.workspace import open_workspace


def build(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("src/app.py", "import os\n\n\ndef main():\n    return os.getcwd()\n")
    repo.write("docs/guide.md", "# Guide\n\nRun it.\n")
    repo.commit("Add app and guide\n", author="Ana Lima", email="ana@example.com")
    repo.write("src/util.py", "def double(x):\n    return 2 * x\n")
    repo.commit("Add util\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
                "Co-Authored-By: Claude <noreply@anthropic.com>\n",
                author="Ana Lima", email="ana@example.com")
    repo.write("requirements.txt", "requests==2.32.0\n")
    repo.write("poetry.lock", "".join(f"pkg{i}\n" for i in range(50)))
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    repo.commit("Bump requests\n", author="dependabot[bot]",
                email="49699333+dependabot[bot]@users.noreply.github.com")
    repo.write("docs/guide.md", "# Guide\n\nRun it with care.\n")
    repo.commit("Reword guide\n\nMade-with: Cursor\n", author="Ben Ode", email="ben@example.com")
    return repo


def test_summary_counts_commits_and_lines(tmp_path: Path) -> None:
    repo = build(tmp_path)
    workspace = open_workspace(repo.path, db=tmp_path / "store.db")
    with workspace.open_store() as store:
        data = summarize(workspace, store)
    assert data["commits"] == {
        "total": 4,
        "by_class": {"ai": 2, "bot": 1, "human": 1, "unknown": 0},
        "by_tool": {"claude-code": 1, "dependabot": 1, "cursor": 1},
        "mixed": 0,
    }
    share = data["ai_share"]
    assert (share["lines"], share["share"], share["files"], share["skipped_files"]) == (11, 0.2727, 4, 2)
    assert share["by_class"] == {"ai": 3, "bot": 1, "human": 7, "unknown": 0}
    assert share["by_tool"] == {"claude-code": 2, "cursor": 1, "dependabot": 1}
    assert share["by_source"] == {"commit": 11}
    assert share["by_module"] == {
        ".": {"lines": 1, "ai": 0, "bot": 1, "human": 0, "unknown": 0, "share": 0.0},
        "docs": {"lines": 3, "ai": 1, "bot": 0, "human": 2, "unknown": 0, "share": 0.3333},
        "src": {"lines": 7, "ai": 2, "bot": 0, "human": 5, "unknown": 0, "share": 0.2857},
    }
    # Lines are counted under their origin commit's author: Ana's AI-assisted util.py is Ana's.
    assert share["by_author"] == {
        "ana@example.com": {"name": "Ana Lima", "lines": 9, "ai": 2, "bot": 0, "human": 7,
                            "unknown": 0, "share": 0.2222},
        "49699333+dependabot[bot]@users.noreply.github.com": {
            "name": "dependabot[bot]", "lines": 1, "ai": 0, "bot": 1, "human": 0, "unknown": 0, "share": 0.0},
        "ben@example.com": {"name": "Ben Ode", "lines": 1, "ai": 1, "bot": 0, "human": 0,
                            "unknown": 0, "share": 1.0},
    }
    assert data["attribution"] == {
        "rev": repo.head(), "shallow": False, "git_ai_notes": 0, "agent_trace_commits": 0, "warnings": [],
    }


def test_summary_in_a_shallow_clone_names_the_fix(tmp_path: Path) -> None:
    repo = build(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone)],
                   check=True, env={**BASE_ENV, "PATH": "/usr/bin:/bin"}, capture_output=True)
    workspace = open_workspace(clone, db=tmp_path / "store.db")
    with workspace.open_store() as store:
        data = summarize(workspace, store)
    # The cut commit keeps the class its own marker gives it...
    assert data["commits"]["total"] == 2
    assert data["commits"]["by_class"] == {"ai": 1, "bot": 1, "human": 0, "unknown": 0}
    # ...but it carries every older line: those are unknown, not the bot's or Ana's.
    assert data["ai_share"]["by_class"] == {"ai": 1, "bot": 0, "human": 0, "unknown": 10}
    assert data["ai_share"]["by_source"] == {"shallow": 10, "commit": 1}
    assert {k: (v["name"], v["lines"], v["unknown"]) for k, v in data["ai_share"]["by_author"].items()} == {
        "(before the shallow clone's history)": ("(before the shallow clone's history)", 10, 10),
        "ben@example.com": ("Ben Ode", 1, 0),
    }
    assert data["attribution"]["warnings"] == [
        "shallow clone: history stops at 1 commit(s); lines older than that count as unknown; "
        "fetch the full history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
    ]
