"""What each language means beyond what a query can say. One module per language holds
both halves of that knowledge: reading a file (`Rules`: callees, import forms, test
markers) and placing it in a repository (`Layout`: module ids, import targets)."""

from __future__ import annotations

import functools
import importlib
import re

_CHAIN = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_LAST_NAME = re.compile(r"([A-Za-z_$][\w$]*)$")

# language -> module under comprehend.graph.lang
_MODULES = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "javascript",
    "tsx": "javascript",
    "go": "go",
    "rust": "rust",
    "java": "java",
}


class Rules:
    """Reading one file. Subclasses override what their language needs; every hook is
    called only on the nodes a query matched, so the defaults must stay cheap."""

    language = ""
    # Bytes whose presence suggests the file holds tests: only then are non-call references
    # (names passed to assertions) collected, which costs a second query.
    test_markers: tuple[bytes, ...] = ()

    def text(self, node) -> str:
        return node.text.decode("utf-8", "replace")

    def callee(self, node) -> str | None:
        """The dotted chain a call or reference names: "a.b.c", or "?.c" when the receiver
        is an expression (a call, an index) whose value the graph cannot know."""
        return normalize_chain(self.text(node))

    def definition(self, kind: str, node, caps: dict):
        """(name, kind, start_line, bases, test, self_name) for a matched definition, or
        None to drop it."""
        return (self.text(caps["name"][0]), kind, node.start_point[0] + 1, (), False, "")

    def has_tests(self, source: bytes) -> bool:
        return any(marker in source for marker in self.test_markers)

    def imports(self, node, caps: dict) -> list:
        return []

    def exports(self, node) -> list[tuple[str, str]]:
        """(name, local) pairs a CommonJS assignment exposes (JS/TS only)."""
        return []

    def package(self, node) -> str:
        return self.text(node)


def normalize_chain(text: str, separator: str = ".") -> str | None:
    if separator != ".":
        text = text.replace(separator, ".")
    if _CHAIN.fullmatch(text):
        return text
    text = "".join(text.split())
    if _CHAIN.fullmatch(text):
        return text
    if text.startswith("super()."):
        rest = text[8:]
        return "super." + rest if _CHAIN.fullmatch(rest) else None
    last = _LAST_NAME.search(text)
    if last and "." in text:
        return "?." + last.group(1)
    return None


@functools.cache
def rules_for(language: str) -> Rules:
    module = importlib.import_module(f"comprehend.graph.lang.{_MODULES[language]}")
    return module.rules(language)


@functools.cache
def layout_module(language: str):
    return importlib.import_module(f"comprehend.graph.lang.{_MODULES[language]}")
