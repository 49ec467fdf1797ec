"""Facts of many files -> one graph: module and symbol nodes, and the edges between them.

Imports resolve through each language's layout (graph/lang/). A reference resolves through
the enclosing scopes, the file's own definitions, its import bindings (following
re-exports), its wildcard imports; what stays unknown falls back to a name defined exactly
once in the repository, marked `name-match`."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from fnmatch import fnmatch

from comprehend.config import GraphConfig
from comprehend.graph.facts import FileFacts
from comprehend.graph.files import SourceFile
from comprehend.graph.lang import layout_module
from comprehend.graph.layout import Binding, Module, PlaceContext, Placement, World

RESOLVED, NAME_MATCH = "resolved", "name-match"
_SYMBOL_KINDS = {"class": "class", "function": "function", "constant": "constant", "module": "module"}
_MAX_DEPTH = 12  # bases and re-export chains deeper than this are cut (and cycles with them)


@dataclass
class Resolved:
    nodes: dict[str, dict] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=lambda: defaultdict(list))
    parse_error_files: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class _File:
    source: SourceFile
    module: Module
    facts: FileFacts | None
    is_test: bool
    ids: list[str | None] = field(default_factory=list)  # definition index -> node id
    tests: list[bool] = field(default_factory=list)  # definition index -> is test code


def family(language: str) -> str:
    """Languages that import each other share names: JS, TS and TSX are one family."""
    return "script" if language in ("javascript", "typescript", "tsx") else language


def resolve(
    files: list[SourceFile], facts: dict[tuple[str, str], FileFacts], manifests: dict[str, str],
    config: GraphConfig,
) -> Resolved:
    out = Resolved()
    placed = _place(files, facts, manifests, config, out)
    world = World([p for p, _ in placed])
    for placement, _ in placed:
        for package in placement.packages.values():
            _add_node(out, package.id, "package", package.path, package.language, 0, 0, False)
    files_by_path: dict[str, _File] = {}
    for placement, by_path in placed:
        for path, module in placement.modules.items():
            source, file_facts = by_path[path]
            test = _is_test_path(path, module.language, config)
            files_by_path[path] = _File(source, module, file_facts, test)
            _add_node(out, module.id, module.kind, path, module.language, 1,
                      file_facts.lines if file_facts else 0, test)
    for module in world.by_id.values():
        if module.parent and module.parent in out.nodes:
            _edge(out, module.parent, module.id, "contains", RESOLVED, 0)

    for file in files_by_path.values():
        _add_symbols(out, world, file)
    for file in files_by_path.values():
        _contain_symbols(out, file)

    resolver = _Resolver(out, world)
    for file in files_by_path.values():
        if file.facts is not None:
            _add_imports(out, resolver, file)
    for file in files_by_path.values():
        if file.facts is not None:
            resolver.register_file(file)
    resolver.index_names()
    for file in files_by_path.values():
        if file.facts is not None:
            _add_references(out, resolver, file)
            _add_inherits(out, resolver, file)
    return out


def _place(files, facts, manifests, config, out) -> list[tuple[Placement, dict]]:
    """Each language's files placed in its module structure (symlinks, submodules and
    excluded files are not; too large, binary and undecodable files are, without symbols)."""
    by_language: dict[str, dict[str, tuple[SourceFile, FileFacts | None]]] = defaultdict(dict)
    skipped: dict[str, int] = defaultdict(int)
    for source in files:
        if source.skipped in ("symlink", "submodule") or (source.skipped and source.language):
            skipped[source.skipped] += 1
        if source.language is None or source.skipped in ("symlink", "submodule", "excluded",
                                                          "undecodable-name"):
            continue
        file_facts = facts.get((source.blob, source.language))
        if file_facts is not None:
            if file_facts.skipped:
                skipped[file_facts.skipped] += 1
            elif file_facts.parse_errors:
                out.parse_error_files.append(source.path)
        by_language[source.language][source.path] = (source, file_facts)
    out.skipped = dict(sorted(skipped.items()))
    all_paths = frozenset(source.path for source in files)
    placed: list[tuple[Placement, dict]] = []
    for language, by_path in sorted(by_language.items()):
        context = PlaceContext(
            language=language, all_paths=all_paths, manifests=manifests,
            packages={p: f.package for p, (_, f) in by_path.items() if f is not None},
            python_roots=config.python_roots,
            imports={p: f.imports for p, (_, f) in by_path.items() if f is not None},
        )
        placed.append((layout_module(language).place(sorted(by_path), context), by_path))
    return placed


def _is_test_path(path: str, language: str, config: GraphConfig) -> bool:
    if any(fnmatch(path, pattern) for pattern in config.test_patterns):
        return True
    return layout_module(language).is_test_path(path)


def _add_node(out: Resolved, node_id: str, kind: str, path: str, language: str, start: int,
              end: int, is_test: bool, test_case: bool = False, qualname: str = "") -> bool:
    if node_id in out.nodes:
        return False
    out.nodes[node_id] = {"kind": kind, "path": path, "language": language, "start_line": start,
                          "end_line": end, "is_test": is_test, "test_case": test_case,
                          "qualname": qualname}
    return True


def _edge(out: Resolved, src: str, dst: str, kind: str, confidence: str, line: int, **extra) -> None:
    key = (src, dst, kind)
    known = out.edges.get(key)
    if known is None:
        out.edges[key] = {"kind": kind, "confidence": confidence, "line": line, **extra}
        return
    if confidence == RESOLVED:
        known["confidence"] = RESOLVED
    for flag, value in extra.items():  # an import is type-only / deferred only if every one is
        known[flag] = known.get(flag, value) and value


def _add_symbols(out: Resolved, world: World, file: _File) -> None:
    facts, module = file.facts, file.module
    if facts is None:
        return
    layout = layout_module(module.language)
    for definition in facts.definitions:
        parent_test = file.tests[definition.parent] if definition.parent >= 0 else False
        test = file.is_test or definition.test or parent_test
        file.tests.append(test)
        if definition.kind == "scope":
            file.ids.append(None)
            continue
        qualname = definition.qualname if module.sep == "." else definition.qualname.replace(".", module.sep)
        node_id = module.ns + qualname
        file.ids.append(node_id)
        test_case = (definition.kind == "function" and (file.is_test or definition.test)
                     and layout.is_test_function(definition.qualname, definition.test))
        if _add_node(out, node_id, _SYMBOL_KINDS[definition.kind], module.path, module.language,
                     definition.start_line, definition.end_line, test, test_case, definition.qualname):
            world.symbols.add(node_id)
            world.symbol_module[node_id] = module.id
        out.spans[module.path].append((definition.start_line, definition.end_line, node_id))


def _contain_symbols(out: Resolved, file: _File) -> None:
    """contains edges: the nearest enclosing definition that is a node, else the longest
    qualified-name prefix that is one (Go methods, Rust impl methods), else the module."""
    if file.facts is None:
        return
    definitions = file.facts.definitions
    for index, node_id in enumerate(file.ids):
        if node_id is None:
            continue
        parent = definitions[index].parent
        while parent >= 0 and file.ids[parent] is None:
            parent = definitions[parent].parent
        container = file.ids[parent] if parent >= 0 else None
        if container is None:
            name = node_id[len(file.module.ns):]
            while file.module.sep in name and container is None:
                name = name.rsplit(file.module.sep, 1)[0]
                if file.module.ns + name in out.nodes:
                    container = file.module.ns + name
        _edge(out, container or file.module.id, node_id, "contains", RESOLVED, 0)


def _add_imports(out: Resolved, resolver: _Resolver, file: _File) -> None:
    module = file.module
    layout = layout_module(module.language)
    for imp in file.facts.imports:
        targets, bindings = layout.resolve_import(imp, module, resolver.world)
        for target in targets:
            if target not in out.nodes:
                _add_node(out, target, "external", "", module.language, 0, 0, False)
            if target != module.id:
                _edge(out, module.id, target, "imports", RESOLVED, imp.line,
                      type_checking=imp.type_checking, deferred=imp.deferred)
        for binding in bindings:
            resolver.bind(module.id, binding)


def _add_references(out: Resolved, resolver: _Resolver, file: _File) -> None:
    for ref in file.facts.references:
        source = resolver.scope_node(file, ref.scope)
        if ref.kind == "fixture":
            fixture = resolver.fixture(file, ref.chain)
            if fixture is not None:
                _edge(out, source, fixture, "calls", RESOLVED, ref.line)
            continue
        found = resolver.resolve(file, ref.scope, ref.chain, call=ref.kind == "call")
        if found is None:
            continue
        target, confidence = found
        if target == source:
            continue
        if ref.kind == "call":
            _edge(out, source, target, "calls", confidence, ref.line)
        node = out.nodes[source]
        if node["test_case"] and not out.nodes[target]["is_test"]:
            _edge(out, source, target, "tests", confidence, ref.line)


def _add_inherits(out: Resolved, resolver: _Resolver, file: _File) -> None:
    for index, definition in enumerate(file.facts.definitions):
        if not definition.bases:
            continue
        source = resolver.class_of_definition(file, index)
        if source is None:
            continue
        for base in resolver.bases_of(source):
            target, confidence = base
            if target != source:
                _edge(out, source, target, "inherits", confidence, definition.start_line)


class _Resolver:
    """Name lookups across the repository, memoized: bindings, members, bases."""

    def __init__(self, out: Resolved, world: World) -> None:
        self.out = out
        self.world = world
        self.bindings: dict[str, dict[str, Binding]] = defaultdict(dict)
        self.stars: dict[str, list[Binding]] = defaultdict(list)
        self.raw_bases: dict[str, list[tuple[_File, int, str]]] = defaultdict(list)
        self.default_exports: dict[str, str] = {}
        self.exported_as: dict[str, dict[str, str]] = defaultdict(dict)  # CommonJS: name -> local
        self.module_objects: dict[str, str] = {}  # CommonJS `module.exports = local`: local
        self._members: dict[tuple[str, str], str | None] = {}
        self._bound: dict[tuple[str, str], str | None] = {}
        self._bases: dict[str, list[tuple[str, str]]] = {}
        self._busy: set = set()
        self.by_name: dict[str, dict[tuple[str, str], list[str]]] = {}
        self._rules: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {}

    def rules(self, language: str) -> tuple[frozenset[str], frozenset[str], bool]:
        """(self names, names never guessed, class members visible unqualified)."""
        found = self._rules.get(language)
        if found is None:
            layout = layout_module(language)
            found = (layout.SELF_NAMES, layout.NOT_GUESSED, getattr(layout, "CLASS_MEMBERS_VISIBLE", False))
            self._rules[language] = found
        return found

    # --- registration ------------------------------------------------------------------

    def bind(self, module_id: str, binding: Binding) -> None:
        if binding.name == "*":
            self.stars[module_id].append(binding)
        else:
            self.bindings[module_id].setdefault(binding.name, binding)

    def register_file(self, file: _File) -> None:
        """Its exports (JS/TS) and its classes' bases, resolved later on demand."""
        for name, local in file.facts.exports:
            if name == "*":  # `module.exports = local`: also the default, as for ES imports
                self.module_objects[file.module.id] = local
            else:
                self.exported_as[file.module.id].setdefault(name, local)
        if file.facts.default_export:
            self.default_exports[file.module.id] = file.module.ns + file.facts.default_export
        for index, definition in enumerate(file.facts.definitions):
            if definition.bases:
                owner = self.class_of_definition(file, index)
                if owner is not None:
                    scope = definition.parent
                    for chain in definition.bases:
                        self.raw_bases[owner].append((file, scope, chain))

    def index_names(self) -> None:
        """The names a guess may pick, by where they are defined: members of a class for
        `x.name()`, top-level functions and classes for a bare `name()`, either for a name
        a test passes along (a loose token in a Rust macro may be a method). A definition
        in a function body is visible only there, so no other code reaches it by name."""
        container = {dst: src for src, dst, kind in self.out.edges if kind == "contains"}
        members: dict[tuple[str, str], list[str]] = defaultdict(list)
        free: dict[tuple[str, str], list[str]] = defaultdict(list)
        for node_id, node in self.out.nodes.items():
            if node["kind"] not in ("function", "class") or node["test_case"]:
                continue
            owner = self.kind(container.get(node_id, ""))
            index = members if owner == "class" else free if owner in ("module", "package") else None
            if index is not None:
                index[(family(node["language"]), _last_name(node_id))].append(node_id)
        either: dict[tuple[str, str], list[str]] = defaultdict(list, members)
        for key, found in free.items():
            either[key] = either[key] + found
        self.by_name = {"member": members, "free": free, "either": either}

    # --- lookups -------------------------------------------------------------------------

    def kind(self, node_id: str) -> str | None:
        node = self.out.nodes.get(node_id)
        return node["kind"] if node else None

    def scope_node(self, file: _File, scope: int) -> str:
        definitions = file.facts.definitions
        while scope >= 0 and file.ids[scope] is None:
            scope = definitions[scope].parent
        return file.ids[scope] if scope >= 0 else file.module.id

    def class_of_definition(self, file: _File, index: int) -> str | None:
        definition = file.facts.definitions[index]
        if definition.kind == "class":
            return file.ids[index]
        if definition.kind == "scope":  # a Rust impl block: its type, if defined here
            candidate = file.module.ns + definition.qualname.replace(".", file.module.sep)
            return candidate if self.kind(candidate) == "class" else None
        return None

    def enclosing_class(self, file: _File, scope: int) -> str | None:
        definitions = file.facts.definitions
        while scope >= 0:
            definition = definitions[scope]
            if definition.kind in ("class", "scope"):
                found = self.class_of_definition(file, scope)
                if found is not None:
                    return found
            elif definition.kind == "function" and definition.parent < 0 and "." in definition.qualname:
                owner = file.module.ns + definition.qualname.rsplit(".", 1)[0]  # a Go method
                if self.kind(owner) == "class":
                    return owner
            scope = definition.parent
        return None

    def member(self, node_id: str, name: str, depth: int = 0) -> str | None:
        key = (node_id, name)
        if key in self._members:
            return self._members[key]
        if depth > _MAX_DEPTH or key in self._busy:
            return None
        self._busy.add(key)
        try:
            found = self._member(node_id, name, depth)
        finally:
            self._busy.discard(key)
        self._members[key] = found
        return found

    def _member(self, node_id: str, name: str, depth: int) -> str | None:
        kind = self.kind(node_id)
        if kind in ("module", "package"):
            module = self.world.by_id.get(node_id)
            if module is None:  # a Rust inline module: a symbol of kind module
                candidate = f"{node_id}::{name}"
                return candidate if candidate in self.out.nodes else None
            if module.language in ("python", "java") and self.world.is_module(f"{node_id}.{name}"):
                return f"{node_id}.{name}"
            if module.language == "rust" and self.world.is_module(f"{node_id}::{name}"):
                return f"{node_id}::{name}"
            if name == "default":
                if node_id in self.default_exports:
                    return self.default_exports[node_id]
                whole = self.module_object(node_id, depth + 1)
                if whole is not None:
                    return whole
            found = self._commonjs_member(node_id, name, depth)
            if found is not None:
                return found
            candidate = module.ns + name
            if candidate in self.out.nodes and self.kind(candidate) != "external":
                return candidate
            binding = self.bindings.get(node_id, {}).get(name)
            if binding is not None:
                found = self.binding_target(node_id, binding, depth + 1)
                if found is not None:
                    return found
            for star in self.stars.get(node_id, ()):
                target = self.binding_target(node_id, star, depth + 1)
                if target is not None:
                    found = self.member(target, name, depth + 1)
                    if found is not None:
                        return found
            return None
        if kind == "class":
            separator = "::" if self.out.nodes[node_id]["language"] == "rust" else "."
            candidate = f"{node_id}{separator}{name}"
            if candidate in self.out.nodes:
                return candidate
            for base, _ in self.bases_of(node_id, depth + 1):
                found = self.member(base, name, depth + 1)
                if found is not None:
                    return found
        return None

    def _commonjs_member(self, module_id: str, name: str, depth: int) -> str | None:
        """A name a CommonJS module exposes under another (`module.exports = { b: c }`), or
        a member of what it sets module.exports to (`module.exports = Router`)."""
        local = self.exported_as.get(module_id, {}).get(name)
        if local is not None:
            found = self.member(module_id, local, depth + 1)
            if found is not None:
                return found
        whole = self.module_object(module_id, depth + 1)
        if whole is not None and whole != module_id:
            return self.member(whole, name, depth + 1)
        return None

    def module_object(self, module_id: str, depth: int = 0) -> str | None:
        """What require() returns for a module that sets `module.exports = local`, else None."""
        local = self.module_objects.get(module_id)
        if local is None or depth > _MAX_DEPTH:
            return None
        found = self.member(module_id, local, depth + 1)
        if found is not None and found != module_id and found in self.module_objects:
            return self.module_object(found, depth + 1) or found  # = require("./other")
        return found

    def binding_target(self, module_id: str, binding: Binding, depth: int = 0) -> str | None:
        key = (module_id, binding.name, binding.target, binding.attr)
        if key in self._bound:
            return self._bound[key]
        if depth > _MAX_DEPTH or key in self._busy:
            return None
        self._busy.add(key)
        try:
            target: str | None = binding.target
            if binding.attr:
                for part in binding.attr.split("."):
                    if self.kind(target) == "external":
                        break  # a name from outside: known to be external, never guessed
                    target = self.member(target, part, depth + 1)
                    if target is None:
                        break
        finally:
            self._busy.discard(key)
        self._bound[key] = target
        return target

    def bases_of(self, class_id: str, depth: int = 0) -> list[tuple[str, str]]:
        if class_id in self._bases:
            return self._bases[class_id]
        if depth > _MAX_DEPTH or ("bases", class_id) in self._busy:
            return []
        self._busy.add(("bases", class_id))
        found: list[tuple[str, str]] = []
        try:
            for file, scope, chain in self.raw_bases.get(class_id, ()):
                target = self.resolve(file, scope, chain, guess=False, depth=depth + 1)
                if target is not None and self.kind(target[0]) == "class":
                    found.append(target)
        finally:
            self._busy.discard(("bases", class_id))
        self._bases[class_id] = found
        return found

    def lookup(self, file: _File, scope: int, name: str, depth: int = 0) -> str | None:
        """A plain name as code in `scope` sees it."""
        module = file.module
        definitions = file.facts.definitions
        visible_members = self.rules(module.language)[2]
        innermost = True
        while scope >= 0:
            definition = definitions[scope]
            own = file.ids[scope]
            if own is not None:
                if definition.kind in ("function", "module"):
                    candidate = f"{own}{module.sep}{name}"
                    if candidate in self.out.nodes:
                        return candidate
                elif definition.kind == "class" and (visible_members or innermost):
                    found = self.member(own, name, depth + 1)
                    if found is not None:
                        return found
            innermost = False
            scope = definition.parent
        candidate = module.ns + name
        if candidate in self.out.nodes:
            return candidate
        if module.language == "rust" and name in ("crate", "super"):  # paths: crate::a::f()
            target = module.id.split("::")[0] if name == "crate" else module.id.rpartition("::")[0]
            return target or None
        binding = self.bindings.get(module.id, {}).get(name)
        if binding is not None:
            return self.binding_target(module.id, binding, depth + 1)
        for star in self.stars.get(module.id, ()):
            target = self.binding_target(module.id, star, depth + 1)
            if target is not None:
                found = self.member(target, name, depth + 1)
                if found is not None:
                    return found
        return None

    def resolve(self, file: _File, scope: int, chain: str, guess: bool = True,
                depth: int = 0, call: bool = True) -> tuple[str, str] | None:
        parts = chain.split(".")
        head = parts[0]
        language = file.module.language
        self_names = self.rules(language)[0]
        current: str | None = None
        rest = parts[1:]
        if head == "?":  # a member of something the graph cannot name: `make().run()`
            return self.guess(language, parts[-1], "member", self._in_test(file, scope)) if guess else None
        if family(language) == "script" and (head == "exports" or (head == "module" and rest[:1] == ["exports"])):
            current = file.module.id  # CommonJS code using its own exports
            rest = rest[1:] if head == "module" else rest
        elif head in self_names or (head and head == self._receiver(file, scope)):
            current = self.enclosing_class(file, scope)
        elif head == "super" and rest:
            owner = self.enclosing_class(file, scope)
            if owner is not None:
                for base, _ in self.bases_of(owner, depth + 1):
                    current = self.member(base, rest[0], depth + 1)
                    if current is not None:
                        break
            rest = rest[1:]
        else:
            current = self.lookup(file, scope, head, depth)
        for part in rest:
            if current is None:
                break
            if self.kind(current) == "external":
                return None
            current = self.member(current, part, depth + 1)
        if current in self.module_objects:  # calling what require() returned
            current = self.module_object(current, depth + 1) or current
        if current is not None:
            kind = self.kind(current)
            if kind in ("class", "function", "constant") or (kind == "module" and current not in self.world.by_id):
                return current, RESOLVED
            return None
        if not guess:
            return None
        where = "member" if len(parts) > 1 else "free" if call else "either"
        return self.guess(language, parts[-1], where, self._in_test(file, scope))

    def guess(self, language: str, name: str, where: str, from_test: bool) -> tuple[str, str] | None:
        """The one definition of `name` (where: "member", "free" or "either") a reference
        could mean, when the graph cannot follow it. Code outside tests never calls into
        them, so for it test code's definitions do not count."""
        if name in self.rules(language)[1]:
            return None
        found = self.by_name[where].get((family(language), name))
        if found is not None and not from_test:
            found = [node_id for node_id in found if not self.out.nodes[node_id]["is_test"]]
        if found is not None and len(found) == 1:
            return found[0], NAME_MATCH
        return None

    @staticmethod
    def _in_test(file: _File, scope: int) -> bool:
        return file.tests[scope] if scope >= 0 else file.is_test

    def fixture(self, file: _File, name: str) -> str | None:
        """The pytest fixture a test parameter names: a function of that name in the test's
        own module, else in the nearest conftest.py above it (pytest's own order)."""
        candidate = file.module.ns + name
        if self.kind(candidate) == "function":
            return candidate
        folder = posixpath.dirname(file.module.path)
        while True:
            conftest = self.world.module_at(posixpath.join(folder, "conftest.py"))
            if conftest is not None and self.kind(conftest.ns + name) == "function":
                return conftest.ns + name
            if not folder:
                return None
            folder = posixpath.dirname(folder)

    def _receiver(self, file: _File, scope: int) -> str:
        definitions = file.facts.definitions
        while scope >= 0:
            if definitions[scope].self_name:
                return definitions[scope].self_name
            scope = definitions[scope].parent
        return ""


def _last_name(node_id: str) -> str:
    tail = node_id.rsplit(":", 1)[-1]
    return tail.rsplit(".", 1)[-1]
