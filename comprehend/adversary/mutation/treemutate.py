"""Mutation operators on Go and JavaScript/TypeScript source, read with tree-sitter.

The same kind of mutant as mutate.py makes for Python (a text edit of one spot, every line
keeping its number), from the same operator policy (adversary/operators.toml) and the same
arid-line policy (adversary/arid.toml). One operator table serves both languages; what
differs is which node types hold a condition, a literal or a statement (`_GO`, `_JS`).
Go is typed, so a mutant that cannot compile is avoided where the tree shows it (a string
concatenation is not made a subtraction; a return value becomes the zero value of the
function's declared result type, only when that type is a basic one, still computed from
the original so nothing it used goes unused)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from comprehend.adversary.mutation.arid import AridRules
from comprehend.adversary.mutation.mutate import FileMutants, Mutant, OperatorSet
from comprehend.adversary.syntax import node_text, walk

COMPARISON = {"==": "!=", "!=": "==", "===": "!==", "!==": "===", "<": ">", ">": "<",
              "<=": ">=", ">=": "<="}
BOUNDARY = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
BOOLEAN = {"&&": "||", "||": "&&"}
ARITHMETIC = {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*", "<<": ">>", ">>": "<<",
              "&": "|", "|": "&", "+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=",
              "++": "--", "--": "++"}
_DECIMAL = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Grammar:
    """The node types of one language that the operators look for."""

    binary: frozenset[str]
    augmented: frozenset[str]  # `x += y` (Go: assignment_statement with an operator)
    increment: frozenset[str]  # `x++`
    number: frozenset[str]
    booleans: frozenset[str]
    strings: frozenset[str]
    conditions: frozenset[str]  # nodes with a `condition` field that decides a branch
    statements: frozenset[str]  # simple statements whose deletion is a mutant
    functions: frozenset[str]
    arid_functions: frozenset[str]  # String(), toString(): output only
    comment: str = "comment"


_GO = Grammar(
    binary=frozenset({"binary_expression"}), augmented=frozenset({"assignment_statement"}),
    increment=frozenset({"inc_statement", "dec_statement"}),
    number=frozenset({"int_literal"}), booleans=frozenset({"true", "false"}),
    strings=frozenset({"interpreted_string_literal"}),
    conditions=frozenset({"if_statement"}),
    statements=frozenset({"expression_statement", "assignment_statement", "inc_statement",
                          "dec_statement"}),
    functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
    arid_functions=frozenset({"String", "GoString", "Format"}),
)
_JS = Grammar(
    binary=frozenset({"binary_expression"}),
    augmented=frozenset({"augmented_assignment_expression"}),
    increment=frozenset({"update_expression"}),
    number=frozenset({"number"}), booleans=frozenset({"true", "false"}),
    strings=frozenset({"string"}),
    conditions=frozenset({"if_statement", "while_statement", "do_statement", "ternary_expression"}),
    statements=frozenset({"expression_statement"}),
    functions=frozenset({"function_declaration", "function_expression", "arrow_function",
                         "method_definition", "generator_function_declaration"}),
    arid_functions=frozenset({"toString", "inspect", "toJSON"}),
)
GRAMMARS = {"go": _GO, "javascript": _JS, "typescript": _JS, "tsx": _JS}
# What a Go return's value becomes, by the function's declared result type: its zero value,
# written so the original expression is still evaluated and used (a `return 0` alone would
# leave the variables and imports only it used unused, which Go refuses to build).
_GO_ZERO = {**dict.fromkeys(("int", "int8", "int16", "int32", "int64", "uint", "uint8",
                             "uint16", "uint32", "uint64", "uintptr", "byte", "rune",
                             "float32", "float64"), "0 * ({})"),
            "string": "({})[:0]", "bool": "false && ({})", "error": "nil"}


def mutate_tree_file(path: str, language: str, source: str, changed_lines: frozenset[int],
                     operators: OperatorSet, rules: AridRules) -> FileMutants:
    """The mutants of a Go/JS/TS `source` on `changed_lines`, in line order."""
    from comprehend.graph.languages import parser

    data = source.encode("utf-8")
    root = parser(language).parse(data).root_node
    if root.has_error:
        line = next((n.start_point[0] + 1 for n in walk(root) if n.is_error or n.is_missing), 1)
        return FileMutants(path, source, (), frozenset(), f"{path} does not parse (line {line})")
    maker = _Maker(path, language, source, data, changed_lines, operators, rules)
    maker.visit(root)
    mutants = sorted(maker.mutants.values(), key=lambda m: (m.line, m.start, m.operator))
    return FileMutants(path, source, tuple(mutants), frozenset(maker.arid & changed_lines))


class _Maker:
    def __init__(self, path: str, language: str, source: str, data: bytes,
                 lines: frozenset[int], operators: OperatorSet, rules: AridRules) -> None:
        self.path, self.language, self.source, self.data = path, language, source, data
        self.g = GRAMMARS[language]
        self.lines, self.operators, self.rules = lines, operators, rules
        self.mutants: dict[str, Mutant] = {}
        self.arid: set[int] = set()
        self.ascii = len(data) == len(source)

    # --- the walk ---------------------------------------------------------------------------

    def visit(self, root) -> None:
        self._mark_arid(root)
        for node in walk(root):
            kind = node.type
            if kind in self.g.binary:
                self._binary(node)
            elif (kind in self.g.augmented or kind in self.g.increment) and not _loop_update(node):
                self._operator_token(node, ARITHMETIC, "arithmetic")
            elif kind in self.g.number:
                self._number(node)
            elif kind in self.g.booleans:
                self._add(node, "constant", "false" if kind == "true" else "true")
            elif kind in self.g.strings:
                self._string(node)
            elif kind == "unary_expression" and node.children and node.children[0].type == "!":
                operand = node.named_children[-1] if node.named_children else None
                if operand is not None:
                    self._add(node, "negate-condition", node_text(operand))
            if kind in self.g.conditions:
                self._condition(node)
            if kind in self.g.statements:
                self._statement(node)
            if kind == "return_statement":
                self._return(node)

    def _mark_arid(self, root) -> None:
        """Lines whose mutants say nothing: output calls, String()/toString(), flags,
        `pragma: no mutate` comments."""
        for node in walk(root):
            if node.type == self.g.comment and any(m in node_text(node) for m in self.rules.comment_markers):
                self.arid.add(node.start_point[0] + 1)
            elif node.type in self.g.functions and node_text(node.child_by_field_name("name")) \
                    in self.g.arid_functions:
                self.arid.update(_lines(node))
            elif node.type == "expression_statement" and node.named_children:
                inner = node.named_children[0]
                if inner.type == "await_expression" and inner.named_children:
                    inner = inner.named_children[0]
                if inner.type == "call_expression" and self._arid_call(inner):
                    self.arid.update(_lines(node))
            elif node.type in self.g.conditions and node.type != "ternary_expression":
                condition = _unwrap(node.child_by_field_name("condition"))
                if node_text(condition) in self.rules.condition_flags:
                    self.arid.update(_lines(condition))

    def _arid_call(self, call) -> bool:
        name = re.sub(r"\s+", "", node_text(call.child_by_field_name("function")))
        return self.rules.is_arid_call(name)

    # --- operators --------------------------------------------------------------------------

    def _binary(self, node) -> None:
        token = node.child_by_field_name("operator")
        if token is None:
            return
        op = token.type
        if op in COMPARISON:
            self._add(token, "comparison", COMPARISON[op])
            if op in BOUNDARY:
                self._add(token, "boundary", BOUNDARY[op])
        elif op in BOOLEAN:
            self._add(token, "boolean", BOOLEAN[op])
        elif op in ARITHMETIC:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op in ("+", "-") and any(_is_text(n, self.g) for n in (left, right)):
                return  # building a message, and in Go a `-` on strings does not compile
            self._add(token, "arithmetic", ARITHMETIC[op])

    def _operator_token(self, node, table: dict[str, str], operator: str) -> None:
        for child in node.children:
            if not child.is_named and child.type in table:
                self._add(child, operator, table[child.type])
                return

    def _number(self, node) -> None:
        text = node_text(node)
        if not _DECIMAL.fullmatch(text) or (len(text) > 1 and text.startswith("0")):
            return  # hex, octal, floats, separators: left alone
        value = int(text)
        self._add(node, "constant", str(value + 1))
        if value > 0:
            self._add(node, "constant", str(value - 1))

    def _string(self, node) -> None:
        parent = node.parent
        if parent is None or parent.type in ("import_spec", "import_statement", "export_statement",
                                             "field_declaration", "pair", "literal_type",
                                             "expression_statement"):
            return  # import paths, struct tags, object keys, TS literal types, directives
        if parent.type == "arguments" and parent.parent is not None and \
                node_text(parent.parent.child_by_field_name("function")) in ("require", "import"):
            return
        text = node_text(node)
        if len(text) < 2:
            return
        self._add(node, "string", text[0] + "XX" + text[1:-1] + "XX" + text[-1])

    def _condition(self, node) -> None:
        condition = node.child_by_field_name("condition")
        if condition is None:
            return
        inner = _unwrap(condition)
        if node_text(inner) in self.rules.condition_flags:
            return
        self._add(inner, "negate-condition", f"!({node_text(inner)})")

    def _statement(self, node) -> None:
        if node.parent is not None and node.parent.type == "for_clause":
            return  # a loop's own update: deleting it only makes the loop endless
        if self.language == "go":
            if node.type == "assignment_statement" and \
                    node_text(node.child_by_field_name("left")).strip() == "_":
                return
        elif not node.named_children or node.named_children[0].type not in (
                "call_expression", "assignment_expression", "augmented_assignment_expression",
                "update_expression", "await_expression") or \
                re.match(r"(module\.)?exports\b", node_text(node)):
            return  # declarations, directives, what a module exports
        self._add(node, "statement-deletion", "")

    def _return(self, node) -> None:
        values = [c for c in node.named_children if c.type != self.g.comment]
        if not values:
            return
        if self.language != "go":
            if node_text(values[0]) not in ("undefined", "null"):
                self._add(values[0], "return-value", "undefined")
            return
        items = values[0].named_children if values[0].type == "expression_list" else values
        zeros = self._go_results(node)
        if zeros is None or len(zeros) != len(items):
            return
        for item, zero in zip(items, zeros, strict=True):
            text = node_text(item)
            if zero is not None and text not in ("0", '""', "false", "nil"):
                self._add(item, "return-value", zero.format(text))

    def _go_results(self, node) -> list[str | None] | None:
        """Zero values of the enclosing Go function's results (None where not a basic type)."""
        fn = node.parent
        while fn is not None and fn.type not in self.g.functions:
            fn = fn.parent
        result = fn.child_by_field_name("result") if fn is not None else None
        if result is None:
            return None
        if result.type != "parameter_list":
            return [_GO_ZERO.get(node_text(result))]
        zeros: list[str | None] = []
        for p in result.named_children:
            names = len(p.children_by_field_name("name")) or 1
            zeros += [_GO_ZERO.get(node_text(p.child_by_field_name("type")))] * names
        return zeros

    # --- one mutant -------------------------------------------------------------------------

    def _add(self, node, operator: str, replacement: str) -> None:
        line = node.start_point[0] + 1
        if line not in self.lines or line in self.arid or not self.operators.enabled(operator):
            return
        start, end = self._offset(node.start_byte), self._offset(node.end_byte)
        original = self.source[start:end]
        if operator == "statement-deletion":
            replacement = "\n" * original.count("\n")  # every line keeps its number
        if original == replacement:
            return
        key = f"{self.path}\0{start}\0{end}\0{replacement}".encode()
        mutant = Mutant(
            id=hashlib.sha1(key).hexdigest()[:12], file=self.path, line=line, operator=operator,
            start=start, end=end, original=original, replacement=replacement, scopes=(),
            function_lines=self._function_lines(node))
        self.mutants.setdefault(mutant.id, mutant)

    def _offset(self, byte: int) -> int:
        return byte if self.ascii else len(self.data[:byte].decode("utf-8", "replace"))

    def _function_lines(self, node) -> tuple[int, int] | None:
        outer = None
        while node is not None:
            if node.type in self.g.functions:
                outer = node
            node = node.parent
        return (outer.start_point[0] + 1, outer.end_point[0] + 1) if outer is not None else None


def _lines(node) -> range:
    return range(node.start_point[0] + 1, node.end_point[0] + 2)


def _loop_update(node) -> bool:
    """`i++` in `for (...; ...; i++)`: its mutants make the loop endless, a timeout."""
    parent = node.parent
    if parent is not None and parent.type == "expression_statement":
        parent = parent.parent
    return parent is not None and (parent.type == "for_clause" or (
        parent.type == "for_statement" and parent.child_by_field_name("increment") == node))


def _unwrap(node):
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _is_text(node, g: Grammar) -> bool:
    return node is not None and (node.type in g.strings or node.type in (
        "template_string", "raw_string_literal"))
