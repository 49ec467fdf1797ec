"""Sidecar records: git-ai notes under refs/notes/ai and Agent Trace files. Their line ranges
win over commit-level marks, and reading them writes no ref."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import GitRepo

from comprehend.config import Config
from comprehend.git import open_repository
from comprehend.history.attribution import classify_commits
from comprehend.history.blame import attribute_files, attribute_lines
from comprehend.history.markers import load_catalogue
from comprehend.history.notes import LineRange, load_sidecars, parse_agent_trace, parse_git_ai_note
from comprehend.store import open_store

SESSION = "s_0123456789abcd::t_fedcba98765432"
HUMAN = "h_aaaaaaaaaaaaaa"


def v3_note(base: str, attestation: str, sessions: dict, prompts: dict | None = None) -> str:
    meta = {"schema_version": "authorship/3.0.0", "git_ai_version": "1.3.2", "base_commit_sha": base,
            "prompts": prompts or {}, "sessions": sessions,
            "humans": {HUMAN: {"author": "Dana Reyes <dana@example.com>"}}}
    return attestation + "---\n" + json.dumps(meta, indent=2) + "\n"


@pytest.fixture
def sidecar_repo(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo.create(tmp_path / "repo")
    shas: dict[str, str] = {}
    repo.write("README.md", "# app\n")
    shas["base"] = repo.commit("Initial commit\n")
    repo.write("src/app.py", "".join(f"line {i}\n" for i in range(1, 7)))
    shas["noted"] = repo.commit("Add app\n")
    repo.git("notes", "--ref=ai", "add", "-F", "-", shas["noted"], input=v3_note(
        shas["base"],
        f"src/app.py\n  {SESSION} 1-2,4\n  {HUMAN} 3\n",
        {"s_0123456789abcd": {"agent_id": {"tool": "cursor", "id": "6ef2299e", "model": "claude-4.5-opus"},
                              "human_author": "Dana Reyes <dana@example.com>"}},
    ))
    repo.write("src/legacy.py", "a = 1\nb = 2\n")
    shas["legacy"] = repo.commit("Add legacy module\n")
    repo.git("notes", "--ref=ai", "add", "-F", "-", shas["legacy"], input=v3_note(
        shas["noted"], "src/legacy.py\n  d9978a8723e02b52 2\n", {},
        prompts={"d9978a8723e02b52": {"agent_id": {"tool": "claude", "id": "x", "model": "claude-opus-4-6"},
                                      "messages": [], "total_additions": 1, "total_deletions": 0,
                                      "accepted_lines": 1, "overriden_lines": 0}},
    ))
    repo.write("src/traced.py", "w = 1\nx = 2\ny = 3\nz = 4\n")
    shas["traced"] = repo.commit("Add traced module\n")
    record = {
        "version": "0.1.0", "id": "9b2d0d5e-1111-4a3b-8c9d-000000000001",
        "timestamp": "2026-01-05T10:00:00Z", "vcs": {"type": "git", "revision": shas["traced"]},
        "tool": {"name": "claude-code", "version": "2.1.0"},
        "files": [{"path": "src/traced.py", "conversations": [{
            "url": "https://example.com/c/1",
            "contributor": {"type": "ai", "model_id": "anthropic/claude-opus-4-7"},
            "ranges": [{"start_line": 2, "end_line": 3, "content_hash": "murmur3:9f2e8a1b"}],
        }]}],
    }
    repo.write(".agent-trace/traces.jsonl", json.dumps(record) + "\n")
    shas["trace-file"] = repo.commit("Record agent trace\n")
    repo.write("src/local.py", "p = 1\nq = 2\n")
    shas["local"] = repo.commit("Add local module\n")
    # Not committed: the reference implementation appends to the working tree.
    local = {
        "version": "0.1.0", "id": "9b2d0d5e-1111-4a3b-8c9d-000000000002",
        "timestamp": "2026-01-05T11:00:00Z", "vcs": {"type": "git", "revision": shas["local"][:12]},
        "tool": {"name": "opencode"},
        "files": [{"path": "src/local.py", "conversations": [{
            "contributor": {"type": "human"},
            "ranges": [{"start_line": 1, "end_line": 1},
                       {"start_line": 2, "end_line": 2, "contributor": {"type": "mixed", "model_id": "gpt-5"}}],
        }]}],
    }
    repo.write(".agent-trace/local.jsonl", json.dumps(local) + "\nnot json at all\n")
    return repo, shas


def refs(repo: GitRepo) -> str:
    return repo.git("for-each-ref", "--format=%(refname) %(objectname)")


def test_git_ai_ranges_win_and_uncovered_lines_of_a_noted_file_are_unknown(sidecar_repo, tmp_path) -> None:
    repo, shas = sidecar_repo
    opened = open_repository(repo.path)
    with open_store(tmp_path / "store.db") as store:
        lines = attribute_lines(opened, Config(), store, "src/app.py")
    assert [(a.line, a.cls, a.tool, a.source) for a in lines] == [
        (1, "ai", "cursor", "git-ai"),
        (2, "ai", "cursor", "git-ai"),
        (3, "human", None, "git-ai"),
        (4, "ai", "cursor", "git-ai"),
        (5, "unknown", None, "git-ai"),
        (6, "unknown", None, "git-ai"),
    ]
    assert {a.commit for a in lines} == {shas["noted"]}


def test_legacy_prompt_keys_name_their_tool(sidecar_repo, tmp_path) -> None:
    repo, _ = sidecar_repo
    with open_store(tmp_path / "store.db") as store:
        lines = attribute_lines(open_repository(repo.path), Config(), store, "src/legacy.py")
    assert [(a.cls, a.tool) for a in lines] == [("unknown", None), ("ai", "claude-code")]


def test_agent_trace_ranges_win_and_other_lines_keep_the_commit_class(sidecar_repo, tmp_path) -> None:
    repo, _ = sidecar_repo
    opened = open_repository(repo.path)
    with open_store(tmp_path / "store.db") as store:
        traced = attribute_lines(opened, Config(), store, "src/traced.py")
        local = attribute_lines(opened, Config(), store, "src/local.py")
    assert [(a.cls, a.tool, a.source) for a in traced] == [
        ("human", None, "commit"),
        ("ai", "claude-code", "agent-trace"),
        ("ai", "claude-code", "agent-trace"),
        ("human", None, "commit"),
    ]
    # A working-tree record naming an abbreviated revision; "mixed" lines had an AI hand.
    assert [(a.cls, a.tool, a.source) for a in local] == [
        ("human", None, "agent-trace"),
        ("ai", "opencode", "agent-trace"),
    ]


def test_sidecars_make_commit_level_signals(sidecar_repo) -> None:
    repo, shas = sidecar_repo
    by_sha = {c.sha: c for c in classify_commits(open_repository(repo.path), Config(), "HEAD")}
    noted = by_sha[shas["noted"]]
    assert (noted.cls, noted.tool, noted.model, noted.confidence) == ("ai", "cursor", "claude-4.5-opus", 0.97)
    assert [(s.kind, s.where, s.text) for s in noted.signals] == [
        ("git-ai-note", "refs/notes/ai", "lines src/app.py 1-2, src/app.py 4-4 by cursor (claude-4.5-opus)"),
    ]
    traced = by_sha[shas["traced"]]
    assert (traced.cls, traced.tool, traced.model) == ("ai", "claude-code", "anthropic/claude-opus-4-7")
    # Without the records neither commit has a marker: their other lines stay human.
    assert (noted.cls_without_sidecars, traced.cls_without_sidecars) == ("human", "human")
    assert traced.signals[0].where == "HEAD:.agent-trace/traces.jsonl"
    assert by_sha[shas["base"]].cls == "human"


def test_reading_sidecars_writes_no_ref_and_reports_bad_lines(sidecar_repo) -> None:
    repo, _ = sidecar_repo
    before = refs(repo)
    sidecars = load_sidecars(open_repository(repo.path), load_catalogue())
    assert refs(repo) == before
    assert "refs/notes/ai" in before
    assert sidecars.warnings == (".agent-trace/: 1 line(s) are not JSON records; ignored",)
    assert (len(sidecars.git_ai), len(sidecars.agent_trace)) == (2, 2)


def test_quoted_paths_and_a_note_that_is_not_an_authorship_log() -> None:
    catalogue = load_catalogue()
    note = parse_git_ai_note(v3_note("b" * 40, f'"docs/my file.md"\n  {SESSION} 3-5\n', {}), "c" * 40, catalogue)
    assert note is not None
    assert dict(note.files) == {"docs/my file.md": (LineRange(3, 5, "ai", None, None),)}
    assert parse_git_ai_note("just a human note\n", "c" * 40, catalogue) is None


def test_a_new_note_reclassifies_its_commit_and_keeps_other_caches(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("a.py", "a = 1\nb = 2\nc = 3\n")
    first = repo.commit("Add a\n")
    repo.write("b.py", "d = 4\n")
    repo.commit("Add b\n")
    with open_store(tmp_path / "store.db") as store:
        attribute_files(open_repository(repo.path), Config(), store, ["a.py", "b.py"])
        with store.transaction() as conn:  # mark the cached answers to see which are kept
            conn.execute("UPDATE lines SET tool = 'cached'")
        repo.git("notes", "--ref=ai", "add", "-F", "-", first, input=v3_note(
            first, f"a.py\n  {SESSION} 1-2\n",
            {"s_0123456789abcd": {"agent_id": {"tool": "claude", "id": "1", "model": "claude-opus-4-7"}}}))
        after = attribute_files(open_repository(repo.path), Config(), store, ["a.py", "b.py"])
        stored = store.conn.execute("SELECT class, tool, cls_without_sidecars FROM commits WHERE sha = ?",
                                    (first,)).fetchone()
    assert [(a.cls, a.tool, a.source) for a in after["a.py"]] == [
        ("ai", "claude-code", "git-ai"), ("ai", "claude-code", "git-ai"), ("unknown", None, "git-ai")]
    assert [(a.cls, a.tool) for a in after["b.py"]] == [("human", "cached")]
    assert stored == ("ai", "claude-code", "human")


def test_malformed_records_from_other_tools_are_read_as_far_as_they_make_sense() -> None:
    catalogue = load_catalogue()
    odd_meta = '{"schema_version": "authorship/3.0.0", "prompts": [1, 2], "sessions": {"s_1": "x"}}'
    note = parse_git_ai_note(f"a.py\n  {SESSION} 1-2,x-y\n---\n{odd_meta}\n", "c" * 40, catalogue)
    assert note is not None
    assert dict(note.files) == {"a.py": (LineRange(1, 2, "ai", None, None),)}
    record = parse_agent_trace({"vcs": {"type": "git", "revision": "c" * 40}, "tool": "cursor",
                                "files": [{"path": "b.py", "conversations": [
                                    {"contributor": "ai", "ranges": [{"start_line": 3, "end_line": 4},
                                                                     "bad", {"start_line": "x"}]}]},
                                          "not a file"]}, catalogue, "t.jsonl")
    assert record is not None
    assert dict(record.files) == {"b.py": (LineRange(3, 4, "unknown", None, None),)}
    assert parse_agent_trace({"vcs": "git", "files": []}, catalogue, "t.jsonl") is None
