"""Statement blocks of Go and JS/TS source, read with tree-sitter, for gaps.py: the arms of
an `if`/`else`, a loop body, a `case`, a `catch`, each with the line that opens it, the
condition that decides it and the function it is in. Python's come from `ast` in gaps.py."""

from __future__ import annotations

from pathlib import PurePosixPath

from comprehend.adversary.syntax import node_text, walk

GRAMMAR_OF = {".go": "go", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
              ".jsx": "javascript", ".ts": "typescript", ".mts": "typescript",
              ".cts": "typescript", ".tsx": "tsx"}
_FUNCTIONS = frozenset({"function_declaration", "method_declaration", "func_literal",
                        "function_expression", "arrow_function", "method_definition",
                        "generator_function_declaration"})
_LOOPS = {"for_statement": "for", "for_in_statement": "for", "while_statement": "while",
          "do_statement": "while"}
_CASES = frozenset({"expression_case", "type_case", "default_case", "communication_case",
                    "switch_case", "switch_default"})


def tree_blocks(path: str, text: str) -> list[tuple[int, int, str, str, str, str]]:
    """(first line, last line, header, function, kind, condition) of every block of a Go or
    JS/TS file; [] for other files and for source that does not parse."""
    grammar = GRAMMAR_OF.get(PurePosixPath(path).suffix.lower())
    if grammar is None:
        return []
    from comprehend.graph.languages import parser

    root = parser(grammar).parse(text.encode("utf-8")).root_node
    if root.has_error:
        return []
    lines = text.splitlines()
    out = []

    def header(node) -> str:
        row = node.start_point[0]
        return lines[row].strip().lstrip("}").rstrip("{").strip()[:100] if row < len(lines) else ""

    def add(body, opener, kind: str, condition: str = "") -> None:
        statements = [c for c in _statements(body) if c.type != "comment"]
        if statements:
            out.append((statements[0].start_point[0] + 1, statements[-1].end_point[0] + 1,
                        header(opener), _function(opener), kind, condition))

    for node in walk(root):
        kind = node.type
        if kind in _FUNCTIONS:
            add(node.child_by_field_name("body"), node, "function")
        elif kind == "if_statement":
            condition = _condition(node)
            add(node.child_by_field_name("consequence"), node, "if", condition)
            other = node.child_by_field_name("alternative")
            if other is not None and other.type == "else_clause":  # JS wraps the else arm
                other = other.named_children[0] if other.named_children else None
            if other is not None and other.type != "if_statement":
                add(other, other.prev_sibling or other, "else")
        elif kind in _LOOPS:
            add(node.child_by_field_name("body"), node, _LOOPS[kind])
        elif kind in _CASES:
            add(node, node, "case")
        elif kind == "catch_clause":
            add(node.child_by_field_name("body"), node, "except")
    return out


def _statements(body) -> list:
    """A block's statements (Go nests them in a statement_list); a case's own statements."""
    if body is None:
        return []
    children = body.named_children
    if len(children) == 1 and children[0].type == "statement_list":
        return children[0].named_children
    if body.type in _CASES:
        values = {(c.start_byte, c.end_byte) for c in body.children_by_field_name("value")}
        found = [c for c in children if (c.start_byte, c.end_byte) not in values
                 and c.type not in ("expression_list", "type_list")]
        return [s for c in found for s in (c.named_children if c.type == "statement_list" else [c])]
    if body.type in ("statement_block", "block"):
        return children
    return [body]  # an arm without braces: `if (x) return y;`


def _condition(node) -> str:
    condition = node.child_by_field_name("condition")
    while condition is not None and condition.type == "parenthesized_expression" and condition.named_children:
        condition = condition.named_children[0]
    return " ".join(node_text(condition).split())[:100]


def _function(node) -> str:
    names = []
    while node is not None:
        if node.type in _FUNCTIONS:
            name = node.child_by_field_name("name")
            if name is not None:
                names.append(node_text(name))
        node = node.parent
    return ".".join(reversed(names))
