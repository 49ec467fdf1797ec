"""JavaScript, TypeScript and TSX: ES imports, re-exports, require(), default exports,
CommonJS exports (exports.x, module.exports), jest/mocha/vitest test cases; relative paths
resolved with extensions and index files, aliases through tsconfig (and what it extends),
package names through the repository's own package.json files (workspaces, monorepos)."""

from __future__ import annotations

import json
import posixpath
import re

from comprehend.graph.facts import Import
from comprehend.graph.lang import Rules, normalize_chain
from comprehend.graph.layout import (
    Binding,
    Module,
    NamedPackage,
    PlaceContext,
    Placement,
    World,
    external_id,
)

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "generator_function", "function"})
_CLASSES = frozenset({"class"})  # a class expression: `exports.A = class A {}`
_SUITES = frozenset({"describe", "context", "suite"})
_CASES = frozenset({"it", "test", "specify"})
_BODIES = frozenset({"function_declaration", "function_expression", "arrow_function",
                     "method_definition", "generator_function", "generator_function_declaration"})
_OPTIONAL = re.compile(r"\?\.")
_COMMENT = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_DECLARATION = re.compile(r"\.d\.[cm]?ts$")

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
        text = self.text(node)
        if "require(" in text and node.type == "member_expression":
            call = _required_object(node)
            if call is not None:  # require("./m").a.b(): the unnamed import's name, then a.b
                rest = node.text[call.end_byte - node.start_byte:].decode("utf-8", "replace")
                chain = normalize_chain(_OPTIONAL.sub(".", rest).lstrip("."))
                return f"{_unnamed(call)}.{chain}" if chain and not chain.startswith("?") else None
        return normalize_chain(_OPTIONAL.sub(".", text))

    def definition(self, kind, node, caps):
        start = node.start_point[0] + 1
        if kind == "constant":
            value = caps["value"][0]
            if value.type in _FUNCTIONS:
                return None  # `const f = () => ...` is a function, found by its own pattern
            if _is_require(value):
                return None  # `const m = require("./m")` binds a module: an import
            return (self.text(caps["name"][0]), kind, start, (), False, "")
        if kind == "export":
            return self._exported_definition(node, caps, start)
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

    def _exported_definition(self, node, caps, start):
        """`exports.x = value`, `module.exports.x = value` and `module.exports = { x: value }`
        define x (a function or a constant); `module.exports = function f() {}` defines f.
        A value that is a require() or another definition's name defines nothing: it is an
        import, or an export of that definition (see `exports`)."""
        value = caps["value"][0]
        name = caps["name"][0] if "name" in caps else None
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            if _is_module_exports(left):
                if value.type in ("function_expression", "generator_function"):
                    name = value.child_by_field_name("name")
                    return None if name is None else (self.text(name), "function", start, (), False, "")
                return None
            if not _is_exports_object(left.child_by_field_name("object")):
                return None  # `Foo.prototype.bar = ...` and the like
            name = left.child_by_field_name("property")
        if name is None or name.type != "property_identifier":
            return None
        if _is_require(value) or _definition_name(value, _CLASSES) is not None:
            return None
        kind = "function" if value.type in _FUNCTIONS else "constant"
        return (self.text(name), kind, start, (), False, "")

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

    def exports(self, node) -> list[tuple[str, str]]:
        """(name, local) for what a CommonJS assignment exposes under another name:
        `module.exports = { b: c }` and `exports.b = c` give ("b", "c"); `module.exports = c`
        (or a named function or class) gives ("*", "c"). Function values are definitions
        of their own (tags.scm), so they need no pair."""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.type != "member_expression":
            return []
        if _is_module_exports(left):
            if right.type == "object":
                return [pair for part in right.named_children if part.type == "pair"
                        for pair in self._exported_pair(part.child_by_field_name("key"),
                                                         part.child_by_field_name("value"))]
            if right.type == "call_expression" and _is_require(right):  # = require("./other")
                return [("*", _unnamed(right))]
            local = _definition_name(right, _FUNCTIONS | _CLASSES)
            return [("*", self.text(local))] if local is not None else []
        if not _is_exports_object(left.child_by_field_name("object")):
            return []
        return self._exported_pair(left.child_by_field_name("property"), right)

    def _exported_pair(self, key, value) -> list[tuple[str, str]]:
        if key is None or key.type != "property_identifier" or value is None:
            return []
        local = _definition_name(value, _CLASSES)
        name = self.text(key)
        if local is None or self.text(local) == name:
            return []  # a shorthand `{ a }` or `exports.a = a`: the name is already the module's
        return [(name, self.text(local))]

    def _require_names(self, call) -> tuple[tuple[str, str | None], ...]:
        """The names a require() binds: `const m = require(..)`, `const { a, b: c } =`,
        `const a = require(..).a`, and CommonJS re-exports: `exports.x = require(..)`,
        `module.exports = { x: require(..) }`, `module.exports = require(..)`."""
        node, attrs = call, []
        while (node.parent is not None and node.parent.type == "member_expression"
               and node.parent.child_by_field_name("object") == node):
            node = node.parent
            attrs.append(self.text(node.child_by_field_name("property")))
        attr = ".".join(attrs)
        parent = node.parent
        if parent is None:
            return ()
        if parent.type == "variable_declarator":
            return self._declared_names(parent.child_by_field_name("name"), attr)
        if parent.type == "assignment_expression" and _is_module_exports(parent.child_by_field_name("left")):
            # its members (a star binding), and the module itself under a hidden name that
            # `exports` pairs with `*`: what require() of this module returns
            return () if attr else (("*", None), ("*", _unnamed(call)))
        key = _exported_key(parent)
        if key is not None:
            return ((attr, self.text(key)),) if attr else (("*", self.text(key)),)
        return (("*", _unnamed(call)),) if attr else ()

    def _declared_names(self, target, attr: str) -> tuple[tuple[str, str | None], ...]:
        if target is None:
            return ()
        prefix = attr + "." if attr else ""
        if target.type == "identifier":
            return ((attr, self.text(target)),) if attr else (("*", self.text(target)),)
        names = []
        if target.type == "object_pattern":
            for part in target.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    name = self.text(part)
                    names.append((prefix + name, name if attr else None))
                elif part.type == "pair_pattern":
                    key, value = part.child_by_field_name("key"), part.child_by_field_name("value")
                    if key is not None and value is not None:
                        names.append((prefix + self.text(key), self.text(value)))
        return tuple(names)

    def _string(self, node) -> str:
        if node is None:
            return ""
        text = self.text(node)
        return text[1:-1] if len(text) >= 2 and text[0] in "'\"`" else text


def _is_require(value) -> bool:
    """`require("m")`, `await import("m")`, or a property of one: `require("m").a.b`."""
    while value.type == "member_expression" and value.child_by_field_name("object") is not None:
        value = value.child_by_field_name("object")
    call = value.named_children[0] if value.type == "await_expression" and value.named_children else value
    function = call.child_by_field_name("function") if call.type == "call_expression" else None
    return function is not None and (function.type == "import" or function.text == b"require")


def _required_object(member):
    """The require() call a property chain starts from (`require("./m").a.b`), else None."""
    node = member
    while node is not None and node.type == "member_expression":
        node = node.child_by_field_name("object")
    if node is None or node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    return node if function is not None and function.text == b"require" else None


def _unnamed(call) -> str:
    """The name `require("./m").a()` binds the module to, for `callee` to resolve through:
    one no identifier can be (no dots either, since chains split on them)."""
    return f"require({call.start_byte})"


def _is_module_exports(node) -> bool:
    return node is not None and node.type == "member_expression" and b"".join(node.text.split()) == b"module.exports"


def _exported_key(node):
    """The x of `exports.x = <node>`, `module.exports.x = <node>` or `module.exports =
    { x: <node> }`, else None."""
    if node.type == "pair":
        holder = node.parent.parent if node.parent is not None else None
        if (holder is not None and holder.type == "assignment_expression"
                and _is_module_exports(holder.child_by_field_name("left"))):
            return node.child_by_field_name("key")
        return None
    if node.type != "assignment_expression":
        return None
    left = node.child_by_field_name("left")
    if left is None or left.type != "member_expression":
        return None
    if _is_exports_object(left.child_by_field_name("object")):
        return left.child_by_field_name("property")
    return None


def _is_exports_object(node) -> bool:
    """`exports` or `module.exports`: the object a CommonJS module's names are set on."""
    return node is not None and (node.text == b"exports" or _is_module_exports(node))


def _definition_name(value, named: frozenset[str]):
    """The node naming the definition a value is: an identifier, or the name of a
    function or class expression of one of the `named` types."""
    if value.type == "identifier":
        return value
    if value.type in named:
        return value.child_by_field_name("name")
    return None



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
    jsconfig.json (with the configs they extend) give `baseUrl` and `paths` aliases
    (`@/lib/a` -> src/lib/a); package.json files name the repository's own packages."""
    placement = Placement()
    placement.import_maps.update(import_maps(context.manifests))
    placement.named_packages.update(named_packages(context.manifests))
    for path in paths:
        placement.modules[path] = Module(id=path, path=path, language=context.language, kind="module",
                                         ns=path + ":", sep=SEPARATOR, parent=None)
    return placement


def import_maps(manifests: dict[str, str]) -> dict[str, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]]:
    maps = {}
    for path in manifests:
        if posixpath.basename(path) not in ("tsconfig.json", "jsconfig.json"):
            continue
        options = _compiler_options(path, manifests, frozenset())
        base_url, paths = options.get("baseUrl"), options.get("paths") or {}
        if base_url is None and not paths:
            continue
        base = base_url if base_url is not None else options["pathsFolder"]
        aliases = tuple((pattern, tuple(t for t in targets if isinstance(t, str)))
                        for pattern, targets in paths.items() if isinstance(targets, list))
        if base_url is not None:  # baseUrl alone makes `lib/a` mean <baseUrl>/lib/a
            aliases += (("*", ("*",)),)
        maps[posixpath.dirname(path)] = (base, aliases)
    return maps


def named_packages(manifests: dict[str, str]) -> dict[str, NamedPackage]:
    """Each package.json's `name` -> its package. Node reaches these through node_modules
    links a workspace install makes (never committed), so the repository's own files stand
    in for them. When two share a name, the one nearest the top wins. `exports` is not
    read: its conditions depend on the importer (import/require/types) and its patterns are
    rarely needed to find a package's source; types / module / main and index files are."""
    found: dict[str, NamedPackage] = {}
    for path in sorted(manifests, key=lambda p: (p.count("/"), p)):
        if posixpath.basename(path) != "package.json":
            continue
        data = _read_config(manifests[path])
        name = data.get("name") if data is not None else None
        if not isinstance(name, str) or not name or name in found:
            continue
        folder = posixpath.dirname(path)
        entries = tuple(_repository_path(folder, data[key]) for key in ("types", "typings", "module", "main")
                        if isinstance(data.get(key), str) and data[key])
        found[name] = NamedPackage(folder, entries, _source_folders(folder, manifests))
    return found


def _source_folders(folder: str, manifests: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """(outDir, rootDir) of the package's own tsconfigs: where its compiled entries (dist/)
    come from. Without rootDir tsc uses the inputs' common folder, most often src/."""
    pairs = []
    for path in sorted(manifests):
        name = posixpath.basename(path)
        if posixpath.dirname(path) != folder or not name.startswith(("tsconfig", "jsconfig")):
            continue
        options = _compiler_options(path, manifests, frozenset())
        if "outDir" in options:
            pairs.append((options["outDir"], options.get("rootDir", _repository_path(folder, "src"))))
    return tuple(dict.fromkeys(pairs))


def _compiler_options(path: str, manifests: dict[str, str], seen: frozenset[str]) -> dict:
    """baseUrl, paths, outDir and rootDir of one config, over those of the configs it
    extends (child over parent, TypeScript's rule). Each is relative to the config that sets
    it, so baseUrl, outDir and rootDir are made repository-relative here and paths keep their
    config's folder (their base when no baseUrl is set). `seen` cuts cycles of extends."""
    config = _read_config(manifests.get(path))
    if config is None or path in seen:
        return {}
    merged: dict = {}
    for parent in _extended(config.get("extends"), path, manifests):
        merged.update(_compiler_options(parent, manifests, seen | {path}))
    own = config.get("compilerOptions")
    own = own if isinstance(own, dict) else {}
    folder = posixpath.dirname(path)
    if isinstance(own.get("baseUrl"), str) and own["baseUrl"]:
        merged["baseUrl"] = _repository_path(folder, own["baseUrl"])
    if isinstance(own.get("paths"), dict):
        merged["paths"], merged["pathsFolder"] = own["paths"], folder
    for key in ("outDir", "rootDir"):
        if isinstance(own.get(key), str) and own[key]:
            merged[key] = _repository_path(folder, own[key])
    return merged


def _read_config(text: str | None) -> dict | None:
    if text is None:
        return None
    try:
        config = json.loads(_without_comments(text))
    except ValueError:
        return None  # not JSON: tsc would refuse it too
    return config if isinstance(config, dict) else None


def _extended(value, path: str, manifests: dict[str, str]) -> list[str]:
    """The repository's configs an `extends` names (a path, or a list of them since TS 5.0;
    later ones win). Package names (`@tsconfig/node18`) live outside the repository."""
    names = value if isinstance(value, list) else [value]
    found = []
    for name in names:
        if not isinstance(name, str) or not name.startswith(("./", "../")):
            continue
        candidate = _repository_path(posixpath.dirname(path), name)
        for option in (candidate, candidate + ".json"):  # tsc adds .json when it must
            if option in manifests:
                found.append(option)
                break
    return found


def _repository_path(folder: str, relative: str) -> str:
    joined = posixpath.normpath(posixpath.join(folder, relative))
    return "" if joined == "." else joined


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
    if base in (".", ""):  # require('../') from a folder at the top: the repository's index
        return _first_module([f"index{e}" for e in _SCRIPT_EXTENSIONS], world)
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


def _split_package(spec: str) -> tuple[str, str]:
    """`@org/util/lib/a` -> ("@org/util", "lib/a"); `lodash` -> ("lodash", "")."""
    parts = spec.split("/")
    size = 2 if spec.startswith("@") else 1
    return "/".join(parts[:size]), "/".join(parts[size:])


def _named_package_module(spec: str, world: World) -> Module | None:
    """The module a package of the repository gives for `name` (its entry, else its index
    file) or `name/sub/path` (that path in its folder)."""
    name, sub = _split_package(spec)
    package = world.named_packages.get(name)
    if package is None:
        return None
    if sub:
        return _first_module(_package_paths(package, posixpath.join(package.folder, sub)), world)
    found = _first_module([p for entry in package.entries for p in _package_paths(package, entry)], world)
    return found or _first_module([posixpath.join(package.folder, f"index{e}") for e in _SCRIPT_EXTENSIONS], world)


def _package_paths(package: NamedPackage, path: str) -> list[str]:
    """A path in a package, then the source a compiled path was built from (dist/a.js ->
    src/a.js, whose .ts `_module_for` finds); a declaration file also as its module's stem."""
    paths = [path]
    for built, source in package.sources:
        if path == built or path.startswith(built + "/"):
            paths.append(source + path[len(built):])
    return [q for p in paths for q in ([p, _DECLARATION.sub("", p)] if _DECLARATION.search(p) else [p])]


def _target(spec: str, importer: str, world: World) -> str | None:
    """The node an import specifier names, None for a relative path to no file."""
    if spec.startswith("."):
        found = resolve_path(spec, importer, world)
        return found.id if found is not None else None
    found = _first_module(_aliased(spec, importer, world), world) or _named_package_module(spec, world)
    if found is not None:
        return found.id
    package, _ = _split_package(spec)
    return external_id(package.split(":")[-1] if spec.startswith("node:") else package)


def resolve_import(imp: Import, module: Module, world: World) -> tuple[list[str], list[Binding]]:
    target = _target(imp.module, module.path, world)
    if target is None:
        return [], []
    bindings: list[Binding] = []
    for name, alias in imp.names:
        if name == "*":
            bindings.append(Binding(alias or "*", target, None))
        else:
            bindings.append(Binding(alias or name, target, name))
    return [target], bindings
