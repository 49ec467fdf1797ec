"""Rust: crates from Cargo.toml, modules from file paths (lib.rs, a.rs, a/mod.rs) or from
`#[path]` mods, `use` paths through crate/self/super, impl blocks naming methods after
their type, #[test]."""

from __future__ import annotations

import posixpath
import re
import tomllib

from comprehend.graph.facts import Import
from comprehend.graph.lang import Rules, normalize_chain
from comprehend.graph.layout import Binding, Module, PlaceContext, Placement, World, external_id

SELF_NAMES = frozenset({"self", "Self"})
NOT_GUESSED = frozenset("""
unwrap expect clone to_string to_owned into iter iter_mut into_iter map collect len push
insert get get_mut remove is_empty as_ref as_mut as_str ok err unwrap_or unwrap_or_else
default from contains join split trim format println print eprintln write writeln vec
assert assert_eq assert_ne panic debug_assert matches todo unimplemented unreachable
and_then or_else filter fold next lock borrow borrow_mut send recv spawn
""".split())

_GENERICS = re.compile(r"<.*>", re.DOTALL)
_ATTRIBUTES_OR_COMMENTS = frozenset({"attribute_item", "line_comment", "block_comment"})
SEPARATOR = "::"
_ROOT_FOLDERS = frozenset({"tests", "benches", "examples", "src/bin"})


class RustRules(Rules):
    language = "rust"
    test_markers = (b"#[test]", b"#[cfg(test)]", b"::test]")

    def callee(self, node):
        return normalize_chain(self.text(node), "::")

    def definition(self, kind, node, caps):
        name_node = caps["name"][0]
        if kind == "scope":  # impl block: `impl<T> Trait for Type<T>`
            name = normalize_chain(_GENERICS.sub("", self.text(name_node)), "::")
            if not name:
                return None
            trait = node.child_by_field_name("trait")
            bases = ()
            if trait is not None:
                base = normalize_chain(_GENERICS.sub("", self.text(trait)), "::")
                bases = (base,) if base else ()
            return (name.rsplit(".", 1)[-1], kind, node.start_point[0] + 1, bases, False, "")
        start, test = node.start_point[0] + 1, False
        if kind in ("function", "module"):
            sibling = node.prev_named_sibling
            while sibling is not None and sibling.type == "attribute_item":
                text = sibling.text
                if kind == "function" and (text == b"#[test]" or text.endswith(b"::test]")):
                    test = True
                elif kind == "module" and b"cfg(test)" in text:
                    test = True
                start = sibling.start_point[0] + 1
                sibling = sibling.prev_named_sibling
        return (self.text(name_node), kind, start, (), test, "")

    def imports(self, node, caps):
        line = node.start_point[0] + 1
        if node.type == "mod_item":
            # named from the file's top through the inline mods around it: "inline::name"
            name = "::".join([*_inline_mods(node), self.text(node.child_by_field_name("name"))])
            return [Import(line, name, (), None, 0, "mod", False, False, self._path_attribute(node))]
        argument = node.child_by_field_name("argument")
        out: list[Import] = []
        if argument is not None:
            self._flatten(argument, "", line, out)
        inline, deferred, parent = 0, False, node.parent
        while parent is not None:
            if parent.type == "mod_item":
                inline += 1
            elif parent.type == "function_item":
                deferred = True
            parent = parent.parent
        if inline or deferred:
            out = [i._replace(level=inline, deferred=deferred) for i in out]
        return out

    def _path_attribute(self, item) -> str:
        """The file of `#[path = "..."]` among an item's attributes, as written, else ""."""
        sibling = item.prev_named_sibling
        while sibling is not None and sibling.type in _ATTRIBUTES_OR_COMMENTS:
            attribute = sibling.named_children[0] if sibling.type == "attribute_item" else None
            if attribute is not None and attribute.named_children[0].text == b"path":
                value = attribute.child_by_field_name("value")
                parts = value.named_children if value is not None else []
                # a path with escapes is left alone rather than unescaped
                if len(parts) == 1 and parts[0].type == "string_content":
                    return self.text(parts[0])
            sibling = sibling.prev_named_sibling
        return ""

    def _flatten(self, node, prefix: str, line: int, out: list[Import]) -> None:
        def join(rest: str) -> str:
            return f"{prefix}::{rest}" if prefix else rest

        kind = node.type
        if kind == "use_as_clause":
            path = node.child_by_field_name("path")
            alias = node.child_by_field_name("alias")
            out.append(Import(line, join(self.text(path)), (), self.text(alias) if alias else None,
                              0, "use", False, False))
        elif kind == "scoped_use_list":
            path = node.child_by_field_name("path")
            inner = join(self.text(path)) if path is not None else prefix
            items = node.child_by_field_name("list")
            if items is not None:
                for item in items.named_children:
                    self._flatten(item, inner, line, out)
        elif kind == "use_list":
            for item in node.named_children:
                self._flatten(item, prefix, line, out)
        elif kind == "use_wildcard":
            inner = node.named_children[0] if node.named_children else None
            path = join(self.text(inner)) if inner is not None else prefix
            out.append(Import(line, path, (("*", None),), None, 0, "use", False, False))
        elif kind == "self":
            out.append(Import(line, prefix, (), None, 0, "use", False, False))
        else:  # identifier, scoped_identifier, crate, super
            out.append(Import(line, join(self.text(node)), (), None, 0, "use", False, False))


def _inline_mods(node) -> list[str]:
    """Names of the inline `mod x { ... }` blocks around a node, outermost first."""
    names = []
    parent = node.parent
    while parent is not None:
        if parent.type == "mod_item":
            names.append(parent.child_by_field_name("name").text.decode("utf-8", "replace"))
        parent = parent.parent
    return names[::-1]


def rules(language: str) -> Rules:
    return RustRules()


# --- placing files in the repository ------------------------------------------------------


def is_test_path(path: str) -> bool:
    return "tests" in path.split("/")[:-1]


def is_test_function(qualname: str, marked: bool) -> bool:
    return marked


def crate_names(manifests: dict[str, str]) -> dict[str, str]:
    """Cargo.toml folder -> crate name ('-' read as '_', as rustc does)."""
    crates = {}
    for path, text in manifests.items():
        if posixpath.basename(path) != "Cargo.toml":
            continue
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            continue
        name = (data.get("lib") or {}).get("name") or (data.get("package") or {}).get("name")
        if isinstance(name, str) and name:
            crates[posixpath.dirname(path)] = name.replace("-", "_")
    return crates


def place(paths: list[str], context: PlaceContext) -> Placement:
    """Module paths from file paths: <crate>/src/lib.rs is the crate, src/a.rs and
    src/a/mod.rs are crate::a; tests/, benches/, examples/ and src/bin/ files are roots of
    their own small crates, named under the crate's. A file a `#[path]` mod names is that
    mod, wherever it sits, and so are the files it declares in turn."""
    placement = Placement()
    crates = crate_names(context.manifests)
    ids: dict[str, str] = {}
    mod_rs: set[str] = set()  # files whose `mod x;` files sit beside them, not below
    for path in paths:
        folder, crate = _crate_of(path, crates)
        rel = path[len(folder) + 1:] if folder else path
        rel = rel[:-3] if rel.endswith(".rs") else rel
        parts = rel.split("/")
        if parts[0] == "src":
            parts = parts[1:]
            if parts and parts[0] == "bin":
                parts = ["bin", *parts[1:]]
        if posixpath.basename(rel) == "mod" or _is_crate_root(rel):
            mod_rs.add(path)
        if parts and parts[-1] == "mod":
            parts = parts[:-1]
        if parts in (["lib"], ["main"]):
            parts = []
        ids[path] = "::".join([crate, *parts])
    declared = _declared_ids(ids, mod_rs, context.imports)
    ids.update(declared)
    # src/main.rs beside src/lib.rs: a binary crate of its own. A declared file keeps the
    # id its declaration gives it; a file that only looks like that module yields.
    seen: dict[str, str] = {}
    for path in sorted(ids, key=lambda p: (p not in declared, p)):
        module_id = ids[path]
        if module_id in seen:
            ids[path] = f"{module_id}::{posixpath.splitext(posixpath.basename(path))[0]}"
        seen[ids[path]] = path
    known = set(ids.values())
    for path, module_id in ids.items():
        parent = module_id.rpartition("::")[0] or None
        while parent and parent not in known:
            parent = parent.rpartition("::")[0] or None
        placement.modules[path] = Module(
            id=module_id, path=path, language="rust",
            kind="package" if "::" not in module_id else "module",
            ns=module_id + SEPARATOR, sep=SEPARATOR, parent=parent,
        )
    return placement


def _is_crate_root(rel: str) -> bool:
    """A crate's own root file (rel from the crate folder, without .rs): a mod-rs file."""
    folder = posixpath.dirname(rel)
    return (rel in ("src/lib", "src/main", "build") or folder in _ROOT_FOLDERS
            or (rel.endswith("/main") and posixpath.dirname(folder) == "src/bin"))


def _declared_ids(ids: dict[str, str], mod_rs: set[str],
                  imports: dict[str, tuple[Import, ...]]) -> dict[str, str]:
    """Module ids of the files `#[path]` mods name, and of the files those declare with
    plain `mod x;` in turn, from their declaring file's id. rustc reads a `#[path]` file
    as a mod.rs: the files its own `mod x;` name sit beside it."""
    pathed = [(path, imp) for path in ids for imp in imports.get(path, ())
              if imp.kind == "mod" and imp.path]
    if not pathed:
        return {}
    declared: dict[str, tuple[str, str]] = {}  # file -> (declaring file, mod name there)
    for _ in range(2):  # a #[path] file being a mod.rs moves the #[path]s of its inline mods
        owners = mod_rs | declared.keys()
        declared = {}
        for path, imp in pathed:
            target = _attribute_file(path, imp, path in owners)
            if target in ids and target != path:
                declared.setdefault(target, (path, imp.module))
    owners = mod_rs | declared.keys()
    pending = list(declared)
    while pending:
        path = pending.pop()
        for imp in imports.get(path, ()):
            if imp.kind == "mod" and not imp.path:
                child = _mod_file(path, imp, path in owners, ids)
                if child is not None and child not in declared:
                    declared[child] = (path, imp.module)
                    pending.append(child)
    return {path: _id_through(path, declared, ids) for path in declared}


def _attribute_file(path: str, imp: Import, mod_rs: bool) -> str:
    """The file `#[path]` names, per the Rust reference: relative to the declaring file's
    folder; inside inline mods, to their folders under it (under a folder named after the
    declaring file, unless it is a mod-rs file)."""
    *inline, _ = imp.module.split("::")
    folder = posixpath.dirname(path)
    if inline:
        folder = posixpath.join(folder, *([] if mod_rs else [_stem(path)]), *inline)
    return posixpath.normpath(posixpath.join(folder, imp.path))


def _mod_file(path: str, imp: Import, mod_rs: bool, ids: dict[str, str]) -> str | None:
    """The file a plain `mod name;` declares: name.rs or name/mod.rs in the declaring
    file's folder (mod-rs) or in the folder named after it."""
    *inline, name = imp.module.split("::")
    folder = posixpath.dirname(path) if mod_rs else posixpath.join(posixpath.dirname(path), _stem(path))
    folder = posixpath.join(folder, *inline)
    for candidate in (posixpath.join(folder, f"{name}.rs"), posixpath.join(folder, name, "mod.rs")):
        if candidate in ids:
            return candidate
    return None


def _id_through(path: str, declared: dict[str, tuple[str, str]], ids: dict[str, str]) -> str:
    """A declared file's id: the first undeclared file up its declarations, then the mod
    names down to it (a declaration cycle stops where it closes)."""
    names: list[str] = []
    seen: set[str] = set()
    while path in declared and path not in seen:
        seen.add(path)
        path, name = declared[path]
        names.append(name)
    return "::".join([ids[path], *reversed(names)])


def _stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def _crate_of(path: str, crates: dict[str, str]) -> tuple[str, str]:
    probe = posixpath.dirname(path)
    while True:
        if probe in crates:
            return probe, crates[probe]
        if not probe:
            return "", "crate"
        probe = posixpath.dirname(probe)


def resolve_import(imp: Import, module: Module, world: World) -> tuple[list[str], list[Binding]]:
    segments = [s for s in imp.module.split("::") if s]
    if imp.kind == "mod":
        child = f"{module.id}::{imp.module}"  # imp.module: "name", or "inline::name"
        return ([], [Binding(imp.module, child, None)]) if world.is_module(child) else ([], [])
    if not segments:
        return [], []
    current: str | None = module.id
    inline = imp.level  # a `use` inside inline `mod` blocks: its first supers stay in the file
    if segments[0] in ("self", "super"):
        while segments and segments[0] in ("self", "super"):
            if segments[0] == "super":
                if inline:
                    inline -= 1
                else:
                    current = current.rpartition("::")[0] or current
            segments = segments[1:]
    elif segments[0] == "crate":
        current = module.id.split("::")[0]
        segments = segments[1:]
    elif world.is_module(f"{module.id}::{segments[0]}"):
        current = f"{module.id}::{segments[0]}"
        segments = segments[1:]
    elif world.is_module(segments[0]) and world.by_id[segments[0]].language == "rust":
        current = segments[0]
        segments = segments[1:]
    else:
        current = None
    rest = segments
    if current is None:
        target = external_id(segments[0])
        name = imp.alias or segments[-1]
        return [target], ([] if imp.names else [Binding(name, target, None)])
    while rest and world.is_module(f"{current}::{rest[0]}"):
        current = f"{current}::{rest[0]}"
        rest = rest[1:]
    if imp.names:  # use path::*;
        return [current], [Binding("*", current, ".".join(rest) or None)]
    name = imp.alias or (rest[-1] if rest else current.rsplit("::", 1)[-1])
    return [current], [Binding(name, current, ".".join(rest) or None)]
