"""The `/` filter language the review's lists share."""

from __future__ import annotations

from comprehend.views.filters import describe, parse_query

KEYS = ("tool", "author", "path")
ROW = {"tool": "claude-code", "author": "Dana Kim dana@shopcart.example",
       "path": "shopcart/discounts.py\ntests/test_discounts.py", "date": "2026-09-29T11:25:00+09:00"}
TEXT = "\n".join(ROW.values()) + "\nAdd tiered bulk discounts"


def test_keys_match_their_column_words_match_anywhere() -> None:
    assert parse_query("tool:claude", KEYS).matches(ROW, TEXT) is True
    assert parse_query("tool:aider", KEYS).matches(ROW, TEXT) is False
    assert parse_query("au:DANA path:tests/ tiered", KEYS).matches(ROW, TEXT) is True
    assert parse_query("au:dana loyalty", KEYS).matches(ROW, TEXT) is False


def test_dates_are_inclusive_bounds() -> None:
    assert parse_query("since:2026-09-29 until:2026-09-29", KEYS).matches(ROW, TEXT) is True
    assert parse_query("since:2026-09-30", KEYS).matches(ROW, TEXT) is False
    assert parse_query("until:2026-09-28", KEYS).matches(ROW, TEXT) is False


def test_an_unknown_or_ambiguous_key_is_a_word() -> None:
    query = parse_query("color:red a:x", ("author", "area"))
    assert (query.fields, query.words, query.unknown) == ((), ("color:red", "a:x"), ("color:red", "a:x"))


def test_describe_says_how_many_match() -> None:
    assert describe(parse_query("", KEYS), 4, 4, "changes") == "4 changes"
    assert describe(parse_query(" tool:claude ", KEYS), 1, 4, "changes") == "1 of 4 changes match tool:claude"
