"""Java: classes are named by their package declaration (com.example.Calc), imports name
classes (or their static members), tests are @Test methods or src/test/ files."""

from __future__ import annotations

import posixpath
import re

from comprehend.graph.facts import Import
from comprehend.graph.lang import Rules, normalize_chain
from comprehend.graph.layout import Binding, Module, PlaceContext, Placement, World, external_id

SELF_NAMES = frozenset({"this"})
CLASS_MEMBERS_VISIBLE = True  # inside a class, its members (and its nested classes) need no `this.`
NOT_GUESSED = frozenset("""
toString equals hashCode getClass get set add put remove size isEmpty contains stream map
filter collect forEach iterator next hasNext length charAt substring append println printf
format valueOf of asList close run call apply accept test assertEquals assertTrue
assertFalse assertNull assertNotNull assertThrows fail
""".split())

_TEST_ANNOTATIONS = frozenset({"Test", "ParameterizedTest", "RepeatedTest", "TestFactory",
                               "TestTemplate"})
_TEST_FILE = re.compile(r"(^Test\w*|\w*(Test|Tests|IT|TestCase))\.java$")


class JavaRules(Rules):
    language = "java"
    test_markers = (b"@Test", b"junit")

    def callee(self, node):
        if node.type != "method_invocation":
            return normalize_chain(self.text(node))
        name = self.text(node.child_by_field_name("name"))
        target = node.child_by_field_name("object")
        if target is None:
            return name
        receiver = normalize_chain(self.text(target)) if target.type in (
            "identifier", "field_access", "this", "super", "scoped_identifier") else None
        return f"{receiver}.{name}" if receiver and not receiver.startswith("?") else f"?.{name}"

    def definition(self, kind, node, caps):
        name = self.text(caps["name"][0])
        if kind == "constant":
            modifiers = caps["modifiers"][0].text.split()
            if b"static" not in modifiers or b"final" not in modifiers:
                return None
            return (name, kind, node.start_point[0] + 1, (), False, "")
        test = False
        bases: tuple[str, ...] = ()
        if kind == "function":
            for child in node.named_children:
                if child.type == "modifiers":
                    for annotation in child.named_children:
                        if annotation.type in ("marker_annotation", "annotation"):
                            label = annotation.child_by_field_name("name")
                            if label is not None and self.text(label).rsplit(".", 1)[-1] in _TEST_ANNOTATIONS:
                                test = True
                    break
        elif kind == "class":
            bases = tuple(self._bases(node))
        return (name, kind, node.start_point[0] + 1, bases, test, "")

    def _bases(self, node):
        for child in node.named_children:
            if child.type in ("superclass", "super_interfaces", "extends_interfaces"):
                stack = list(child.named_children)
                while stack:
                    item = stack.pop(0)
                    if item.type == "type_list":
                        stack.extend(item.named_children)
                    elif item.type == "generic_type":
                        stack.insert(0, item.named_children[0])
                    elif item.type in ("type_identifier", "scoped_type_identifier"):
                        chain = normalize_chain(self.text(item))
                        if chain:
                            yield chain

    def imports(self, node, caps):
        line = node.start_point[0] + 1
        static = any(child.type == "static" for child in node.children)
        wildcard = any(child.type == "asterisk" for child in node.children)
        path = next((self.text(c) for c in node.named_children
                     if c.type in ("scoped_identifier", "identifier")), "")
        if not path:
            return []
        names = (("*", None),) if wildcard else ()
        return [Import(line, path, names, None, 0, "static" if static else "import", False, False)]


def rules(language: str) -> Rules:
    return JavaRules()


# --- placing files in the repository ------------------------------------------------------

SEPARATOR = "."


def is_test_path(path: str) -> bool:
    return "/src/test/" in f"/{path}" or bool(_TEST_FILE.search(posixpath.basename(path)))


def is_test_function(qualname: str, marked: bool) -> bool:
    return marked


def place(paths: list[str], context: PlaceContext) -> Placement:
    """Files are modules named by their path; their classes live in the namespace of the
    package they declare, which is a package node (folder: the first file's folder)."""
    placement = Placement()
    for path in sorted(paths):
        package = context.packages.get(path, "")
        if package and package not in placement.packages:
            placement.packages[package] = Module(
                id=package, path=posixpath.dirname(path) or ".", language="java", kind="package",
                ns=package + SEPARATOR, sep=SEPARATOR, parent=None,
            )
        placement.modules[path] = Module(
            id=path, path=path, language="java", kind="module",
            ns=package + SEPARATOR if package else "", sep=SEPARATOR, parent=package or None,
        )
    return placement


def resolve_import(imp: Import, module: Module, world: World) -> tuple[list[str], list[Binding]]:
    path = imp.module
    if imp.names:  # wildcard: a package's classes, or a class's static members
        if world.is_module(path):
            return [path], [Binding("*", path, None)]
        if path in world.symbols:
            return [world.symbol_module[path]], [Binding("*", path, None)]
        return [external_id(_package_prefix(path))], []
    owner = path if imp.kind == "import" else path.rpartition(".")[0]
    if owner in world.symbols:
        name = path.rsplit(".", 1)[-1]
        attr = None if imp.kind == "import" else name
        return [world.symbol_module[owner]], [Binding(name, owner, attr)]
    target = external_id(_package_prefix(path))
    return [target], [Binding(path.rsplit(".", 1)[-1], target, None)]


def _package_prefix(path: str) -> str:
    """java.util.List -> java.util: the lower-case leading segments name the package."""
    parts = path.split(".")
    kept = [p for p in parts[:-1] if p[:1].islower()] or parts[:1]
    return ".".join(kept)
