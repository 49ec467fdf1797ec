"""What makes the first question come fast, checked for what it must not change: ranks and
AI shares kept per commit in the store give the same targets as computing them, and are
computed again when what decides a line's class changes; a feed with a bound makes no more
questions than the session asked for."""

from __future__ import annotations

import sqlite3
import time

import pytest
from quiz_repos import build_quiz_repo

from comprehend.config import load_config
from comprehend.git import open_repository
from comprehend.quiz.context import open_context
from comprehend.quiz.session import Feed, plan_quiz
from comprehend.quiz.targets import choose_targets
from comprehend.store import open_store
from comprehend.workspace import open_workspace


def facts_rows(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(key.split("\0")[0] if "\0" in key else "shares"
                      for (key,) in conn.execute("SELECT key FROM quiz_facts"))


def test_kept_ranks_and_shares_give_the_same_targets(tmp_path, clean_env) -> None:
    built = build_quiz_repo(tmp_path / "repo")
    repo = open_repository(built.path)
    config = load_config(repo.root)
    with open_store(tmp_path / "kept.db") as store:
        first = choose_targets(open_context(repo, config, store), "me@example.com")
        assert facts_rows(tmp_path / "kept.db") == ["ranks", "shares"]
        second = choose_targets(open_context(repo, config, store), "me@example.com")
    fresh = choose_targets(open_context(repo, config, None), "me@example.com")
    assert second == first
    # Without a store nothing is kept (and no AI share known): the same symbols, ranked alike.
    assert sorted((t.symbol, t.rank) for t in fresh) == sorted((t.symbol, t.rank) for t in first)
    assert {t.symbol: t.ai_share for t in first}["pkg.core.total"] == pytest.approx(1 / 5)


def test_shares_are_computed_again_when_the_team_rules_change(tmp_path, clean_env) -> None:
    built = build_quiz_repo(tmp_path / "repo")
    repo = open_repository(built.path)
    rules = tmp_path / "rules.toml"
    # Every commit of the fixture but Claude's is by author@example.com: a rule makes them AI.
    rules.write_text('[[attribution.rules]]\nemail = "author@example.com"\nmark = "ai"\n')
    with open_store(tmp_path / "s.db") as store:
        before = {t.symbol: t.ai_share for t in choose_targets(
            open_context(repo, load_config(repo.root), store), "me@example.com")}
        after = {t.symbol: t.ai_share for t in choose_targets(
            open_context(repo, load_config(repo.root, rules), store), "me@example.com")}
    assert (before["pkg.core.parse"], after["pkg.core.parse"]) == (0.0, 1.0)
    assert (before["pkg.core.total"], after["pkg.core.total"]) == (pytest.approx(1 / 5), 1.0)
    assert facts_rows(tmp_path / "s.db") == ["ranks", "shares", "shares"]


def made_settles_at(feed: Feed, count: int) -> int:
    """How many questions the feed has made once it has made `count` (or a minute passed)
    and then half a second more: a bounded feed waits for room instead of making more."""
    deadline = time.monotonic() + 60
    while len(feed.made) < count and time.monotonic() < deadline:
        feed.join(0.05)
    feed.join(0.5)
    return len(feed.made)


def test_a_bounded_feed_makes_no_more_than_asked_for(tmp_path, clean_env) -> None:
    built = build_quiz_repo(tmp_path / "repo")
    workspace = open_workspace(built.path, db=tmp_path / "s.db")
    with workspace.open_store() as store:
        plan = plan_quiz(workspace, store, person="me@example.com", count=4, about=None, seed=3)
    feed = Feed(plan, ahead=2)  # the one shown and one ready
    first = feed.next(timeout=60)
    assert (made_settles_at(feed, 2), feed._thread.is_alive()) == (2, True)
    second = feed.next(timeout=60)  # done with the first: room for a third
    assert made_settles_at(feed, 3) == 3
    rest = []
    while (question := feed.next(timeout=60)) is not None:
        rest.append(question)
    unbounded = Feed(plan)
    everything = []
    while (question := unbounded.next(timeout=60)) is not None:
        everything.append(question)
    assert [q.id for q in [first, second, *rest]] == [q.id for q in everything]
    assert len(everything) == 4
