"""Commit classification, table-driven: real commit messages and identities as AI tools and
bots leave them in real repositories, committed into one real repository and classified
from one `git log`, plus the negative cases (a person named Claude, a person in
Assisted-by, bots that are not AI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from gitrepo import GitRepo

from comprehend.config import Config
from comprehend.git import open_repository
from comprehend.history.attribution import CommitAttribution, Signal, classify_commits

GH = "users.noreply.github.com"


@dataclass(frozen=True)
class Case:
    id: str
    message: str
    expect: tuple[str, str | None, str | None]  # class, tool, model
    author: str = "Dana Reyes"
    email: str = "dana@example.com"
    committer: str | None = None
    committer_email: str | None = None


CASES = [
    Case("claude-code-classic",
         "Add retry to the HTTP client\n\nRetries idempotent requests up to three times.\n\n"
         "🤖 Generated with [Claude Code](https://claude.ai/code)\n\n"
         "Co-Authored-By: Claude <noreply@anthropic.com>\n",
         ("ai", "claude-code", None)),
    Case("claude-code-model-and-session",
         "Fix off-by-one in pagination\n\n"
         "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
         "Co-Authored-By: Claude Opus 4.7 <noreply@anthropic.com>\n"
         "Claude-Session: https://claude.ai/code/session_01HqzP7vK3\n",
         ("ai", "claude-code", "Claude Opus 4.7")),
    Case("claude-code-model-never-seen",
         "Tidy imports\n\nCo-Authored-By: Claude Nova 9.1 (1M context) <noreply@anthropic.com>\n",
         ("ai", "claude-code", "Claude Nova 9.1 (1M context)")),
    Case("claude-as-author", "Add health endpoint\n", ("ai", "claude-code", None),
         author="Claude", email="noreply@anthropic.com"),
    Case("claude-github-app", "Address review comments\n", ("ai", "claude-code", None),
         author="claude[bot]", email=f"209825114+claude[bot]@{GH}"),
    Case("copilot-agent-author",
         "Add input validation to signup form\n\n"
         f"Co-authored-by: octocat <583231+octocat@{GH}>\n",
         ("ai", "copilot-agent", None),
         author="copilot-swe-agent[bot]", email=f"198982749+Copilot@{GH}"),
    Case("copilot-agent-github-squash",
         "Add input validation to signup form (#42)\n\n* Initial plan\n\n"
         "* Add validation for email and password fields\n\n"
         f"Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@{GH}>\n\n"
         "* Cover empty password\n\n---------\n\n"
         f"Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@{GH}>\n"
         "Co-authored-by: Mona Lisa <mona@example.com>\n",
         ("ai", "copilot-agent", None),
         author="Mona Lisa", email="mona@example.com", committer="GitHub",
         committer_email="noreply@github.com"),
    Case("copilot-agent-logs-link",
         "Fix flaky test\n\nAgent-Logs-Url: https://github.com/acme/app/tasks/7c1e\n",
         ("ai", "copilot-agent", None)),
    Case("copilot-cli", f"Rename config loader\n\nCo-authored-by: Copilot <223556219+Copilot@{GH}>\n",
         ("ai", "copilot", None)),
    Case("copilot-vscode", "Update docs\n\nCo-authored-by: Copilot <copilot@github.com>\n",
         ("ai", "copilot", None)),
    Case("aider-trailer",
         "feat: Add CSV export\n\n"
         "Co-authored-by: aider (anthropic/claude-sonnet-4-20250514) <aider@aider.chat>\n",
         ("ai", "aider", "anthropic/claude-sonnet-4-20250514")),
    Case("aider-name-suffix-and-prefix", "aider: Added CSV export to the report command\n",
         ("ai", "aider", None), author="Dana Reyes (aider)", committer="Dana Reyes (aider)"),
    Case("aider-committer-only", "Fix typo in export\n", ("ai", "aider", None),
         committer="Dana Reyes (aider)"),
    Case("cursor-trailer", "Add dark mode\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n",
         ("ai", "cursor", None)),
    Case("cursor-made-with", "Add dark mode toggle\n\nMade-with: Cursor\n", ("ai", "cursor", None)),
    Case("cursor-cloud-agent", "Refactor settings page\n", ("ai", "cursor", None),
         author="Cursor Agent", email="agent@cursor.com"),
    Case("codex-cli", "Handle SIGTERM\n\nCo-authored-by: Codex <noreply@openai.com>\n",
         ("ai", "codex", None)),
    Case("codex-cloud", "Add unit tests for parser\n", ("ai", "codex", None),
         author="chatgpt-codex-connector[bot]", email=f"199175422+chatgpt-codex-connector[bot]@{GH}"),
    Case("devin", "Migrate to pydantic v2\n", ("ai", "devin", None),
         author="devin-ai-integration[bot]", email=f"158243242+devin-ai-integration[bot]@{GH}"),
    Case("jules", "Fix null check in handler\n", ("ai", "jules", None),
         author="google-labs-jules[bot]", email=f"161369871+google-labs-jules[bot]@{GH}"),
    Case("amazon-q", "Add S3 upload retry\n", ("ai", "amazon-q", None),
         author="amazon-q-developer[bot]", email=f"208079219+amazon-q-developer[bot]@{GH}"),
    Case("gemini-code-assist", "Apply suggested change\n", ("ai", "gemini", None),
         author="gemini-code-assist[bot]", email=f"176961590+gemini-code-assist[bot]@{GH}"),
    Case("gemini-cli-coauthor",
         "Add a cache\n\nCo-authored-by: Gemini 2.5 Pro <gemini-cli-agent@google.com>\n",
         ("ai", "gemini", "Gemini 2.5 Pro")),
    Case("opencode",
         "Fix build\n\n🤖 Generated with [opencode](https://opencode.ai)\n\n"
         "Co-Authored-By: opencode <noreply@opencode.ai>\n",
         ("ai", "opencode", None)),
    Case("amp",
         "Speed up search\n\nAmp-Thread-ID: https://ampcode.com/threads/T-5f2a9c\n"
         "Co-authored-by: Amp <amp@ampcode.com>\n",
         ("ai", "amp", None)),
    Case("sweep", "Sweep: add type hints to utils.py\n", ("ai", "sweep", None),
         author="sweep-ai[bot]", email=f"128439645+sweep-ai[bot]@{GH}"),
    Case("entire", "Add billing page\n\nEntire-Checkpoint: 3f9a1c20be74\n", ("ai", "entire", None)),
    Case("kernel-assisted-by",
         "mm: fix refcount leak in folio_split\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\n"
         "Signed-off-by: Dana Reyes <dana@example.com>\n",
         ("ai", "claude-code", "claude-3-opus")),
    Case("kernel-llm-tool-form",
         "net: fix use after free\n\nAssisted-by: gpt-5 [codex]\nSigned-off-by: Dana Reyes <dana@example.com>\n",
         ("ai", "codex", "gpt-5")),
    Case("asf-generated-by", "Add Javadoc to the client\n\nGenerated-by: GitHub Copilot\n",
         ("ai", "copilot", None)),
    Case("asf-generated-by-model-only", "Add docs\n\nGenerated-by: gpt-4o\n", ("ai", None, "gpt-4o")),
    # Negative cases.
    Case("person-named-claude", "Refactor the parser\n", ("human", None, None),
         author="Claude Martin", email="claude.martin@example.fr"),
    Case("coauthor-named-claude",
         "Pair on the parser\n\nCo-authored-by: Claude Martin <claude.martin@example.fr>\n",
         ("human", None, None)),
    Case("assisted-by-person", "Fix TLS handshake\n\nAssisted-by: Jane Doe\n", ("human", None, None)),
    Case("assisted-by-person-named-claude", "Fix TLS\n\nAssisted-by: Claude Dupont\n", ("human", None, None)),
    Case("generated-by-django", "Add migration\n\nGenerated by Django 4.2 on 2024-05-01 10:00\n",
         ("human", None, None)),
    Case("dependabot", "Bump requests from 2.31.0 to 2.32.0\n\nSigned-off-by: dependabot[bot] "
         "<support@github.com>\n", ("bot", "dependabot", None),
         author="dependabot[bot]", email=f"49699333+dependabot[bot]@{GH}"),
    Case("renovate", "chore(deps): update dependency ruff to v0.6.0\n", ("bot", "renovate", None),
         author="renovate[bot]", email=f"29139614+renovate[bot]@{GH}"),
    Case("pre-commit-ci",
         "[pre-commit.ci] auto fixes from pre-commit.com hooks\n\n"
         "for more information, see https://pre-commit.ci\n",
         ("bot", "pre-commit-ci", None),
         author="pre-commit-ci[bot]", email=f"66853113+pre-commit-ci[bot]@{GH}"),
    Case("github-actions", "Update changelog\n", ("bot", "github-actions", None),
         author="github-actions[bot]", email=f"41898282+github-actions[bot]@{GH}"),
    Case("unknown-bot", "Release 1.4.0\n", ("bot", "release-train", None),
         author="release-train[bot]", email=f"90000001+release-train[bot]@{GH}"),
    Case("dependabot-coauthor-squashed-by-person",
         "Bump lodash (#88)\n\n---------\n\n"
         f"Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@{GH}>\n",
         ("human", None, None)),
    Case("plain-human", "Fix typo\n\nSigned-off-by: Dana Reyes <dana@example.com>\n", ("human", None, None)),
]


@pytest.fixture(scope="module")
def classified(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CommitAttribution]:
    repo = GitRepo.create(tmp_path_factory.mktemp("table") / "repo")
    shas: dict[str, str] = {}
    for case in CASES:
        repo.write("log.txt", f"{case.id}\n")
        shas[case.id] = repo.commit(
            case.message, author=case.author, email=case.email,
            committer=case.committer or case.author,
            committer_email=case.committer_email or case.email,
        )
    by_sha = {c.sha: c for c in classify_commits(open_repository(repo.path), Config(), "HEAD")}
    assert len(by_sha) == len(CASES)
    return {case_id: by_sha[sha] for case_id, sha in shas.items()}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_commit_class_tool_and_model(case: Case, classified: dict[str, CommitAttribution]) -> None:
    got = classified[case.id]
    assert (got.cls, got.tool, got.model) == case.expect


def test_claude_code_evidence_names_each_marker_and_its_line(classified) -> None:
    got = classified["claude-code-model-and-session"]
    assert got.confidence == 0.95
    assert [(s.kind, s.where, s.text) for s in got.signals] == [
        ("trailer", "message line 5", "Co-Authored-By: Claude Opus 4.7 <noreply@anthropic.com>"),
        ("body", "message line 3", "🤖 Generated with [Claude Code](https://claude.com/claude-code)"),
        ("session-link", "message line 6", "Claude-Session: https://claude.ai/code/session_01HqzP7vK3"),
    ]


def test_squash_trailers_after_the_separator_are_found(classified) -> None:
    got = classified["copilot-agent-github-squash"]
    assert [s.where for s in got.signals] == ["message line 7", "message line 13"]
    assert got.mixed is False  # a small squash: its lines are not worth a mixed flag


def test_identity_markers_outweigh_trailers(classified) -> None:
    got = classified["copilot-agent-author"]
    assert (got.confidence, got.signals[0].kind, got.signals[0].where) == (0.98, "identity", "author")


def test_vscode_copilot_trailer_is_medium_confidence(classified) -> None:
    assert classified["copilot-vscode"].confidence == 0.617


def test_a_person_in_assisted_by_is_human_with_the_trailer_as_evidence(classified) -> None:
    got = classified["assisted-by-person"]
    assert (got.confidence, [(s.kind, s.text) for s in got.signals]) == (
        0.6, [("trailer", "Assisted-by: Jane Doe")])


def test_no_marker_is_human_at_half_confidence_with_no_signals(classified) -> None:
    got = classified["person-named-claude"]
    assert (got.cls, got.confidence, got.signals) == ("human", 0.5, ())


def test_large_squash_with_ai_trailers_is_mixed(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("a.txt", "start\n")
    repo.commit("Initial commit")
    repo.write("big.py", "".join(f"value_{i} = {i}\n" for i in range(400)))
    big = repo.commit(
        "Rewrite the importer (#7)\n\n* Add the new importer\n\n* Port the tests\n\n---------\n\n"
        "Co-authored-by: Claude <noreply@anthropic.com>\n"
    )
    repo.write("big.py", "".join(f"value_{i} = {i}\n" for i in range(401)))
    agent = repo.commit("Add one more value\n", author="Claude", email="noreply@anthropic.com")
    results = {c.sha: c for c in classify_commits(open_repository(repo.path), Config(), "HEAD")}
    assert (results[big].cls, results[big].tool, results[big].mixed) == ("ai", "claude-code", True)
    assert results[big].signals[-1] == Signal(
        "mixed", "diff",
        "squash merge with AI trailers changing 400 lines (>= 300): AI and human lines cannot be told apart",
    )
    # An agent's own commit is AI through and through, however large: never mixed.
    assert results[agent].mixed is False


def test_rev_range_as_string_and_as_list(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    base = repo.commit("one\n")
    second = repo.commit("two\n\nCo-authored-by: Codex <noreply@openai.com>\n")
    third = repo.commit("three\n")
    opened = open_repository(repo.path)
    as_range = [c.sha for c in classify_commits(opened, Config(), f"{base}..HEAD")]
    as_list = [c.sha for c in classify_commits(opened, Config(), ["HEAD", f"^{base}"])]
    assert as_range == as_list == [third, second]
