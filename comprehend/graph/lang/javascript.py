"""JavaScript, TypeScript and TSX: ES imports, re-exports, require(), default exports,
jest/mocha/vitest test cases; relative paths resolved with extensions and index files."""

from __future__ import annotations

import json
import posixpath
import re

from comprehend.graph.facts import Import
from comprehend.graph.lang import Rules, normalize_chain
from comprehend.graph.layout import Binding, Module, PlaceContext, Placement, World, external_id

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "generator_function", "function"})
_SUITES = frozenset({"describe", "context", "suite"})
_CASES = frozenset({"it", "test", "specify"})
_BODIES = frozenset({"function_declaration", "function_expression", "arrow_function",
                     "method_definition", "generator_function", "generator_function_declaration"})
_OPTIONAL = re.compile(r"\?\.")
_COMMENT = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")

# Methods of the built-in objects an unknown receiver most often is (arrays, strings,
# promises, maps, assertion chains): never guessed by name.
NOT_GUESSED = frozenset("""
push pop shift unshift slice splice map filter reduce forEach find findIndex some every
includes indexOf join concat sort reverse keys values entries flat flatMap fill at
split trim replace replaceAll toLowerCase toUpperCase startsWith endsWith match padStart
then catch finally resolve reject all race get set has delete clear add toString valueOf
log warn error info debug apply call bind assign freeze parse stringify expect toBe
toEqual toThrow require describe it test beforeEach afterEach beforeAll afterAll
""".split())

SELF_NAMES = frozenset({"this"})


class ScriptRules(Rules):
    test_markers = (b"it(", b"test(", b"describe(")

    def __init__(self, language: str) -> None:
        self.language = language

    def callee(self, node):
        return normalize_chain(_OPTIONAL.sub(".", self.text(node)))

    def definition(self, kind, node, caps):
        start = node.start_point[0] + 1
        if kind == "constant":
            value = caps["value"][0]
            if value.type in _FUNCTIONS:
                return None  # `const f = () => ...` is a function, found by its own pattern
            if value.type in ("call_expression", "await_expression") and _is_require(value):
                return None  # `const m = require("./m")` binds a module: an import
            return (self.text(caps["name"][0]), kind, start, (), False, "")
        if kind == "test":
            runner = "".join(self.text(caps["runner"][0]).split())
            base = runner.split(".")[0]
            title = self.text(caps["name"][0])[1:-1]
            if base in _CASES:
                return (title, "function", start, (), True, "")
            if base in _SUITES:
                return (title, "scope", start, (), True, "")
            return None
        bases: tuple[str, ...] = ()
        if kind == "class":
            bases = tuple(self._bases(node))
            parent = node.parent
            if parent is not None and parent.type == "export_statement":
                start = parent.start_point[0] + 1
        return (self.text(caps["name"][0]), kind, start, bases, False, "")

    def _bases(self, node):
        for child in node.named_children:
            if child.type != "class_heritage":
                continue
            for clause in child.named_children:
                targets = clause.named_children if clause.type.endswith("_clause") else [clause]
                for target in targets:
                    if target.type in ("identifier", "member_expression", "type_identifier",
                                       "nested_type_identifier"):
                        chain = normalize_chain(self.text(target))
                        if chain:
                            yield chain

    def imports(self, node, caps):
        line = node.start_point[0] + 1
        if node.type == "call_expression":
            spec = self._string(node.child_by_field_name("arguments").named_children[0])
            deferred = _inside_function(node)
            if node.child_by_field_name("function").type == "import":
                return [Import(line, spec, (), None, 0, "import", False, True)]
            return [Import(line, spec, self._require_names(node), None, 0, "import", False, deferred)]
        if node.type == "export_statement":
            names: list[tuple[str, str | None]] = []
            for child in node.named_children:
                if child.type == "export_clause":
                    for spec in child.named_children:
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        if name is not None:
                            names.append((self.text(name), self.text(alias) if alias else None))
                elif child.type == "namespace_export":
                    names.append(("*", self.text(child.named_children[-1])))
            if not names:
                names.append(("*", None))
            source = self._string(node.child_by_field_name("source"))
            return [Import(line, source, tuple(names), None, 0, "reexport", False, False)]
        # import_statement
        type_only = any(child.type == "type" for child in node.children)
        source_node = node.child_by_field_name("source")
        names = []
        for child in node.named_children:
            if child.type == "import_require_clause":  # TS: import fs = require("fs")
                ident = child.named_children[0]
                source_node = child.child_by_field_name("source") or source_node
                names.append(("*", self.text(ident)))
            elif child.type == "import_clause":
                for part in child.named_children:
                    if part.type == "identifier":
                        names.append(("default", self.text(part)))
                    elif part.type == "namespace_import":
                        names.append(("*", self.text(part.named_children[-1])))
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            name = spec.child_by_field_name("name")
                            alias = spec.child_by_field_name("alias")
                            if name is not None:
                                names.append((self.text(name), self.text(alias) if alias else None))
        if source_node is None:
            return []
        return [Import(line, self._string(source_node), tuple(names), None, 0, "import",
                       type_only, False)]

    def _require_names(self, call) -> tuple[tuple[str, str | None], ...]:
        parent = call.parent
        if parent is None or parent.type != "variable_declarator":
            return ()
        target = parent.child_by_field_name("name")
        if target is None:
            return ()
        if target.type == "identifier":
            return (("*", self.text(target)),)
        names = []
        if target.type == "object_pattern":
            for part in target.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    names.append((self.text(part), None))
                elif part.type == "pair_pattern":
                    key, value = part.child_by_field_name("key"), part.child_by_field_name("value")
                    if key is not None and value is not None:
                        names.append((self.text(key), self.text(value)))
        return tuple(names)

    def _string(self, node) -> str:
        if node is None:
            return ""
        text = self.text(node)
        return text[1:-1] if len(text) >= 2 and text[0] in "'\"`" else text


def _is_require(value) -> bool:
    call = value.named_children[0] if value.type == "await_expression" and value.named_children else value
    function = call.child_by_field_name("function") if call.type == "call_expression" else None
    return function is not None and (function.type == "import" or function.text == b"require")


def _inside_function(node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _BODIES:
            return True
        parent = parent.parent
    return False


def rules(language: str) -> Rules:
    return ScriptRules(language)


# --- placing files in the repository ------------------------------------------------------

SEPARATOR = "."
_SCRIPT_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".d.ts")
_TEST_NAME = re.compile(r"\.(test|spec)\.[cm]?[jt]sx?$")
_TEST_FOLDERS = frozenset({"__tests__", "test", "tests"})


def is_test_path(path: str) -> bool:
    if _TEST_NAME.search(path):
        return True
    return any(part in _TEST_FOLDERS for part in path.split("/")[:-1])


def is_test_function(qualname: str, marked: bool) -> bool:
    return marked


def place(paths: list[str], context: PlaceContext) -> Placement:
    """Each file is a module named by its path; there are no packages. tsconfig.json and
    jsconfig.json give `baseUrl` and `paths` aliases (`@/lib/a` -> src/lib/a)."""
    placement = Placement()
    placement.import_maps.update(import_maps(context.manifests))
    for path in paths:
        placement.modules[path] = Module(id=path, path=path, language=context.language, kind="module",
                                         ns=path + ":", sep=SEPARATOR, parent=None)
    return placement


def import_maps(manifests: dict[str, str]) -> dict[str, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]]:
    maps = {}
    for path, text in manifests.items():
        if posixpath.basename(path) not in ("tsconfig.json", "jsconfig.json"):
            continue
        try:
            options = json.loads(_without_comments(text)).get("compilerOptions") or {}
        except (ValueError, AttributeError):
            continue  # not JSON (or not an object): tsc would refuse it too
        folder = posixpath.dirname(path)
        base_url = options.get("baseUrl")
        paths = options.get("paths") or {}
        if not isinstance(paths, dict) or not (base_url or paths):
            continue
        base = posixpath.normpath(posixpath.join(folder, base_url if isinstance(base_url, str) else "."))
        aliases = tuple((pattern, tuple(t for t in targets if isinstance(t, str)))
                        for pattern, targets in paths.items() if isinstance(targets, list))
        if isinstance(base_url, str):  # baseUrl alone makes `lib/a` mean <baseUrl>/lib/a
            aliases += (("*", ("*",)),)
        maps[folder] = (base if base != "." else "", aliases)
    return maps


def _without_comments(text: str) -> str:
    """tsconfig is JSON with comments and trailing commas."""
    return _TRAILING_COMMA.sub(r"\1", _COMMENT.sub(lambda m: m.group(1) or "", text))


def _aliased(spec: str, importer: str, world: World) -> list[str]:
    """Repository paths a non-relative specifier names through the nearest tsconfig."""
    folder = posixpath.dirname(importer)
    while folder not in world.import_maps:
        if not folder:
            return []
        folder = posixpath.dirname(folder)
    base, aliases = world.import_maps[folder]
    found = []
    for pattern, targets in aliases:
        if pattern.endswith("*") and spec.startswith(pattern[:-1]):
            rest = spec[len(pattern) - 1:]
        elif pattern == spec:
            rest = ""
        else:
            continue
        found += [posixpath.normpath(posixpath.join(base, t.replace("*", rest))) for t in targets]
    return found


def resolve_path(spec: str, importer: str, world: World) -> Module | None:
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    return _first_module([base], world)


def _first_module(bases: list[str], world: World) -> Module | None:
    for base in bases:
        found = _module_for(base, world)
        if found is not None:
            return found
    return None


def _module_for(base: str, world: World) -> Module | None:
    candidates = [base]
    stem, ext = posixpath.splitext(base)
    if ext in (".js", ".jsx", ".mjs", ".cjs"):  # TS sources import their compiled names
        candidates += [stem + ".ts", stem + ".tsx", stem + ".mts", stem + ".cts"]
    candidates += [base + e for e in _SCRIPT_EXTENSIONS]
    candidates += [f"{base}/index{e}" for e in _SCRIPT_EXTENSIONS]
    for candidate in candidates:
        module = world.module_at(candidate)
        if module is not None and module.language in ("javascript", "typescript", "tsx"):
            return module
    return None


def resolve_import(imp: Import, module: Module, world: World) -> tuple[list[str], list[Binding]]:
    spec = imp.module
    aliased = None if spec.startswith(".") else _first_module(_aliased(spec, module.path, world), world)
    if spec.startswith("."):
        found = resolve_path(spec, module.path, world)
        if found is None:
            return [], []
        target = found.id
    elif aliased is not None:
        target = aliased.id
    else:
        parts = spec.split("/")
        package = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
        target = external_id(package.split(":")[-1] if spec.startswith("node:") else package)
    bindings: list[Binding] = []
    for name, alias in imp.names:
        if name == "*":
            bindings.append(Binding(alias or "*", target, None))
        else:
            bindings.append(Binding(alias or name, target, name))
    return [target], bindings
