"""A team's own identity rules in .comprehend.toml: agent accounts, bots, corrections."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo

from comprehend.config import load_config
from comprehend.errors import ConfigError
from comprehend.git import open_repository
from comprehend.history.attribution import Signal, classify_commits

RULES = """\
[[attribution.rules]]
email = "ci-agent@corp.example"
mark = "ai"
tool = "corp-agent"

[[attribution.rules]]
# Jane's editor adds a Copilot trailer to every commit; she writes by hand.
email = "jane@corp.example"
mark = "human"

[[attribution.rules]]
trailer = "Agent-Run: *"
tool = "pipeline-agent"

[[attribution.rules]]
author = "Release Robot"
mark = "bot"
tool = "release"

[[attribution.rules]]
trailer = "Vendored-from: *"
mark = "unknown"
"""


@pytest.fixture
def ruled_repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write(".comprehend.toml", RULES)
    repo.commit("Add config\n")
    return repo


def classify_head(repo: GitRepo):
    opened = open_repository(repo.path)
    return classify_commits(opened, load_config(opened.root), "HEAD")[0]


def test_team_agent_account_is_ai_with_the_rule_as_first_signal(ruled_repo: GitRepo) -> None:
    ruled_repo.commit("Nightly dependency sweep\n", author="CI Agent", email="CI-Agent@corp.example")
    got = classify_head(ruled_repo)
    assert (got.cls, got.tool, got.confidence) == ("ai", "corp-agent", 1.0)
    assert got.signals == (Signal(
        "rule", str(ruled_repo.path / ".comprehend.toml"),
        'attribution.rules[0]: email = "ci-agent@corp.example" -> ai'),)


def test_a_person_misclassified_by_a_trailer_is_corrected_and_the_trailer_kept(ruled_repo: GitRepo) -> None:
    ruled_repo.commit("Fix typo\n\nCo-authored-by: Copilot <copilot@github.com>\n",
                      author="Jane Roe", email="jane@corp.example")
    got = classify_head(ruled_repo)
    assert (got.cls, got.tool, got.confidence) == ("human", None, 1.0)
    assert [s.kind for s in got.signals] == ["rule", "trailer"]


def test_trailer_rule_without_mark_means_ai(ruled_repo: GitRepo) -> None:
    ruled_repo.commit("Regenerate client\n\nAgent-Run: 8812\n")
    got = classify_head(ruled_repo)
    assert (got.cls, got.tool) == ("ai", "pipeline-agent")


def test_author_rule_marks_a_bot(ruled_repo: GitRepo) -> None:
    ruled_repo.commit("Release 2.0\n", author="Release Robot", email="robot@corp.example")
    got = classify_head(ruled_repo)
    assert (got.cls, got.tool) == ("bot", "release")


def test_rule_can_mark_unknown_provenance(ruled_repo: GitRepo) -> None:
    ruled_repo.commit("Import libfoo 1.2\n\nVendored-from: https://example.org/libfoo\n")
    got = classify_head(ruled_repo)
    assert (got.cls, got.tool, got.confidence) == ("unknown", None, 1.0)


def test_catalogue_tool_is_kept_when_a_rule_agrees_without_naming_one(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write(".comprehend.toml", '[[attribution.rules]]\nemail = "*@corp.example"\nmark = "ai"\n')
    repo.commit("Add\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n", email="sam@corp.example")
    got = classify_head(repo)
    assert (got.cls, got.tool) == ("ai", "cursor")


def test_rule_without_a_matcher_is_a_config_error(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write(".comprehend.toml", '[[attribution.rules]]\nmark = "bot"\n')
    repo.commit("Add config\n")
    with pytest.raises(ConfigError, match=r"\.comprehend\.toml: attribution\.rules\[0\] matches "
                                          r"nothing; give email, author, committer or trailer"):
        classify_head(repo)


def test_unknown_mark_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / ".comprehend.toml").write_text('[attribution]\n\n[[attribution.rules]]\nemail = "x"\nmark = "robot"\n')
    with pytest.raises(ConfigError, match=r":5: 'attribution\.rules\.mark' must be one of 'ai', "
                                          r"'bot', 'human', 'unknown', not str 'robot'"):
        load_config(tmp_path)


def test_attribution_settings_parse(tmp_path: Path) -> None:
    (tmp_path / ".comprehend.toml").write_text(
        '[attribution]\nignore_revs_file = "ci/ignore-revs"\nmixed_min_lines = 50\n'
        'exclude = ["vendor/*"]\nworkers = 1\n')
    settings = load_config(tmp_path).attribution
    assert (settings.ignore_revs_file, settings.mixed_min_lines, settings.exclude, settings.workers) == (
        "ci/ignore-revs", 50, ("vendor/*",), 1)
