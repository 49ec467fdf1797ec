"""The `/` filter of the review's lists: words match anywhere in a row, `key:value` matches
one column (a substring, case-insensitive); `since:` and `until:` compare dates
(YYYY-MM-DD, inclusive). Shared by the screens and the JSON outputs so both filter alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DATE_KEYS = ("since", "until")


@dataclass(frozen=True)
class Query:
    text: str
    fields: tuple[tuple[str, str], ...]  # (key, value), value lowercased
    words: tuple[str, ...]  # lowercased
    unknown: tuple[str, ...] = ()  # key:value tokens whose key the list does not have

    def matches(self, columns: Mapping[str, str], everything: str) -> bool:
        """`columns` maps each key to the row's text for it (dates as YYYY-MM-DD...);
        `everything` is the row's whole text for plain words."""
        for key, value in self.fields:
            if key == "since":
                if columns.get("date", "")[:10] < value:
                    return False
            elif key == "until":
                if columns.get("date", "")[:10] > value:
                    return False
            elif value not in columns.get(key, "").lower():
                return False
        haystack = everything.lower()
        return all(word in haystack for word in self.words)


def parse_query(text: str, keys: tuple[str, ...]) -> Query:
    """`tool:claude path:discounts since:2026-09-10 loyalty` against the list's keys. A
    key may be shortened to any unique prefix (`sev:high`)."""
    fields: list[tuple[str, str]] = []
    words: list[str] = []
    unknown: list[str] = []
    for token in text.split():
        key, sep, value = token.partition(":")
        if sep and value:
            known = [k for k in (*keys, *DATE_KEYS) if k.startswith(key.lower())]
            if len(known) == 1:
                fields.append((known[0], value.lower()))
                continue
            unknown.append(token)
        words.append(token.lower())
    return Query(text.strip(), tuple(fields), tuple(words), tuple(unknown))


def describe(query: Query, shown: int, total: int, noun: str) -> str:
    """`3 of 12 changes match tool:claude` for a list's subtitle."""
    if not query.text:
        return f"{total:,} {noun}"
    return f"{shown:,} of {total:,} {noun} match {query.text}"
