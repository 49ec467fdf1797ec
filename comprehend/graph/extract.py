"""Bytes -> FileFacts: parse one file with tree-sitter and read it through our queries.

The queries (graph/queries/<lang>/) find definitions, calls, references and imports; the
language's rules (graph/lang/) read the details a query cannot (qualified callees, import
forms, test markers). Nesting comes from byte ranges in one sorted sweep, not from walking
parents, which keeps a cold build of a large repository fast."""

from __future__ import annotations

from comprehend.graph.facts import Definition, FileFacts, Import, Reference
from comprehend.graph.lang import rules_for
from comprehend.graph.languages import parser, query, run_query


def extract(language: str, source: bytes) -> FileFacts:
    """The facts of one file. Never raises on bad input: what does not parse is counted in
    `parse_errors` and the rest is kept. One query (tags.scm + imports.scm) walks the tree
    once; references.scm runs only on files that look like tests."""
    rules = rules_for(language)
    tree = parser(language).parse(source)
    root = tree.root_node
    errors = _count_errors(language, root) if root.has_error else 0

    raw_defs: list[tuple[int, int, str, str, int, int, tuple[str, ...], bool, str]] = []
    raw_refs: list[tuple[int, str, int, str]] = []
    imports: list[Import] = []
    exports: list[tuple[str, str]] = []
    package = default_export = ""
    for _, caps in run_query(query(language, "facts"), root):
        call = caps.get("call")
        if call is not None:
            node = call[0]
            chain = rules.callee(node)
            if chain:
                raw_refs.append((node.start_byte, chain, node.start_point[0] + 1, "call"))
            continue
        statement = caps.get("import")
        if statement is not None:
            imports.extend(rules.imports(statement[0], caps))
            continue
        if "package" in caps:
            package = rules.package(caps["package"][0])
            continue
        if "export.default" in caps:
            default_export = rules.text(caps["export.default"][0])
            continue
        if "exports" in caps:  # JS/TS CommonJS assignments; the match may define a name too
            exports.extend(rules.exports(caps["exports"][0]))
        for capture, nodes in caps.items():
            if capture.startswith("definition."):
                node = nodes[0]
                found = rules.definition(capture[11:], node, caps)
                if found is not None:
                    name, kind, start_line, bases, test, self_name = found
                    raw_defs.append((node.start_byte, node.end_byte, name, kind, start_line,
                                     node.end_point[0] + 1, bases, test, self_name))
                break

    if rules.has_tests(source):
        refs_query = query(language, "references")
        if refs_query is not None:
            for _, caps in run_query(refs_query, root):
                kind = "fixture" if "fixture" in caps else "name"
                node = caps[kind if kind == "fixture" else "reference"][0]
                chain = rules.callee(node)
                if chain:
                    raw_refs.append((node.start_byte, chain, node.start_point[0] + 1, kind))

    definitions, scopes = _nest(raw_defs)
    references = _scope_references(raw_refs, scopes)
    return FileFacts(
        language=language,
        definitions=definitions,
        imports=tuple(imports),
        references=references,
        parse_errors=errors,
        lines=source.count(b"\n") + (1 if source and not source.endswith(b"\n") else 0),
        package=package,
        default_export=default_export,
        exports=tuple(exports),
    )


def _nest(raw_defs) -> tuple[tuple[Definition, ...], list[tuple[int, int]]]:
    """Qualified names and parents from byte ranges: sorted by start (outer first on ties),
    a definition's parent is the innermost open one that contains it."""
    raw_defs.sort(key=lambda d: (d[0], -d[1]))
    out: list[Definition] = []
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for start, end, name, kind, start_line, end_line, bases, test, self_name in raw_defs:
        while stack and spans[stack[-1]][1] <= start:
            stack.pop()
        if stack and spans[stack[-1]] == (start, end):
            continue  # two patterns matched one node: keep the first
        parent = stack[-1] if stack else -1
        qualname = f"{out[parent].qualname}.{name}" if parent >= 0 else name
        out.append(Definition(qualname, kind, start_line, end_line, parent, bases, test, self_name))
        spans.append((start, end))
        stack.append(len(out) - 1)
    return tuple(out), spans


def _scope_references(raw_refs, spans: list[tuple[int, int]]) -> tuple[Reference, ...]:
    """Each reference's innermost enclosing definition, in one merge of two sorted lists."""
    raw_refs.sort()
    out: list[Reference] = []
    stack: list[int] = []
    following = 0
    seen: set[tuple[int, str, bool]] = set()
    for start, chain, line, kind in raw_refs:
        while following < len(spans) and spans[following][0] <= start:
            while stack and spans[stack[-1]][1] <= spans[following][0]:
                stack.pop()
            stack.append(following)
            following += 1
        while stack and spans[stack[-1]][1] <= start:
            stack.pop()
        scope = stack[-1] if stack else -1
        key = (scope, chain, kind)
        if key in seen:  # the same name called twice in one scope: one fact is enough
            continue
        seen.add(key)
        out.append(Reference(scope, chain, line, kind))
    return tuple(out)


def _count_errors(language: str, root) -> int:
    """ERROR and MISSING nodes: the places tree-sitter had to recover."""
    return sum(len(nodes) for _, caps in run_query(query(language, "errors"), root)
               for nodes in caps.values())
