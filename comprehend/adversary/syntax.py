"""Small helpers over tree-sitter nodes shared by the Go and JS/TS test rules."""

from __future__ import annotations

from collections.abc import Iterator


def node_text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def walk(node) -> Iterator:
    """The node and every named node below it, in source order."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))
