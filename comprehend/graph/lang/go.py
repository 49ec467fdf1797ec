"""Go: packages are folders named by go.mod's module path; a method belongs to its
receiver's type; tests are TestXxx/BenchmarkXxx/FuzzXxx/ExampleXxx in _test.go files."""

from __future__ import annotations

import posixpath
import re

from comprehend.graph.facts import Import
from comprehend.graph.lang import Rules
from comprehend.graph.layout import Binding, Module, PlaceContext, Placement, World, external_id

SELF_NAMES: frozenset[str] = frozenset()  # a receiver's name is per method: Definition.self_name
NOT_GUESSED = frozenset("""
Error String Len Close Read Write Lock Unlock Add Done Wait Get Set Println Printf Sprintf
Errorf Fatal Fatalf Run Helper append len cap make new panic recover copy delete
""".split())

_MODULE_LINE = re.compile(r"^\s*module\s+(\S+)", re.MULTILINE)
_TEST_FUNCTION = re.compile(r"^(Test|Benchmark|Fuzz|Example)([A-Z_]|$)")


class GoRules(Rules):
    language = "go"
    test_markers = (b"func Test", b"func Benchmark", b"func Fuzz")

    def definition(self, kind, node, caps):
        name = self.text(caps["name"][0])
        receiver_name = ""
        if node.type == "method_declaration":
            receiver_type, receiver_name = self._receiver(node)
            if receiver_type:
                name = f"{receiver_type}.{name}"
        return (name, kind, node.start_point[0] + 1, (), False, receiver_name)

    def _receiver(self, node) -> tuple[str, str]:
        params = node.child_by_field_name("receiver")
        if params is None:
            return "", ""
        for param in params.named_children:
            if param.type != "parameter_declaration":
                continue
            name = param.child_by_field_name("name")
            kind = param.child_by_field_name("type")
            while kind is not None and kind.type in ("pointer_type", "generic_type"):
                kind = kind.named_children[0] if kind.type == "pointer_type" else kind.child_by_field_name("type")
            type_name = self.text(kind) if kind is not None and kind.type == "type_identifier" else ""
            return type_name, self.text(name) if name is not None else ""
        return "", ""

    def imports(self, node, caps):
        path_node = node.child_by_field_name("path")
        if path_node is None:
            return []
        path = self.text(path_node).strip('"`')
        name = node.child_by_field_name("name")
        line = node.start_point[0] + 1
        if name is None:
            return [Import(line, path, (), None, 0, "import", False, False)]
        alias = self.text(name)
        if alias == ".":
            return [Import(line, path, (("*", None),), None, 0, "import", False, False)]
        if alias == "_":
            return [Import(line, path, (), "_", 0, "import", False, False)]
        return [Import(line, path, (), alias, 0, "import", False, False)]


def rules(language: str) -> Rules:
    return GoRules()


# --- placing files in the repository ------------------------------------------------------

SEPARATOR = "."


def is_test_path(path: str) -> bool:
    return path.endswith("_test.go")


def is_test_function(qualname: str, marked: bool) -> bool:
    return marked or bool(_TEST_FUNCTION.match(qualname))


def module_paths(manifests: dict[str, str]) -> dict[str, str]:
    """go.mod folder -> its module path, from the go.mod texts by their file path."""
    found = {}
    for path, text in manifests.items():
        if posixpath.basename(path) != "go.mod":
            continue
        match = _MODULE_LINE.search(text)
        if match:
            found[posixpath.dirname(path)] = match.group(1).strip('"')
    return found


def place(paths: list[str], context: PlaceContext) -> Placement:
    """Each folder is a package named by its import path (go.mod's module path + folder);
    files whose clause says `package x_test` form the folder's external test package."""
    placement = Placement()
    names = placement.package_names
    mods = module_paths(context.manifests)
    packages = context.packages
    for path in paths:
        folder = posixpath.dirname(path)
        import_path = _import_path(folder, mods)
        declared = packages.get(path, "")
        package_id = import_path
        if declared.endswith("_test") and is_test_path(path):
            package_id = f"{import_path}_test"
        elif declared:
            names.setdefault(import_path, declared)
        if package_id not in placement.packages:
            placement.packages[package_id] = Module(
                id=package_id, path=folder or ".", language="go", kind="package",
                ns=package_id + SEPARATOR, sep=SEPARATOR, parent=None,
            )
        placement.modules[path] = Module(id=path, path=path, language="go", kind="module",
                                         ns=package_id + SEPARATOR, sep=SEPARATOR, parent=package_id)
    return placement


def _import_path(folder: str, mods: dict[str, str]) -> str:
    probe = folder
    while True:
        if probe in mods:
            rest = folder[len(probe):].lstrip("/")
            return f"{mods[probe]}/{rest}" if rest else mods[probe]
        if not probe:
            return folder or "."
        probe = posixpath.dirname(probe)


def resolve_import(imp: Import, module: Module, world: World) -> tuple[list[str], list[Binding]]:
    if world.is_module(imp.module) and world.by_id[imp.module].language == "go":
        target = imp.module
        name = world.package_names.get(target) or target.rsplit("/", 1)[-1]
    else:
        target = external_id(imp.module)
        name = imp.module.rsplit("/", 1)[-1]
    if imp.alias == "_":
        return [target], []
    if imp.names:
        return [target], [Binding("*", target, None)]
    return [target], [Binding(imp.alias or name, target, None)]
