"""Python: reading files (imports, importlib with literal names, bases, decorators) and
placing them (dotted module names from package folders, src/ layouts, namespace packages;
relative and aliased imports)."""

from __future__ import annotations

import builtins
import io
import pathlib
import posixpath
import re
import subprocess
import threading
from fnmatch import fnmatch

from comprehend.graph.facts import Import
from comprehend.graph.lang import Rules, normalize_chain
from comprehend.graph.layout import Binding, Module, PlaceContext, Placement, World, external_id

# Names never worth a name-match guess: builtins, and the methods of the builtin and
# standard types an unknown receiver (`items.append(x)`, `proc.stdout.close()`) most often is.
NOT_GUESSED = frozenset(dir(builtins)) | frozenset(
    name
    for kind in (object, str, bytes, list, dict, set, tuple, int, float, io.TextIOWrapper,
                 io.BytesIO, pathlib.Path, subprocess.Popen, threading.Thread)
    for name in dir(kind)
) | {"self", "cls", "super"}

SELF_NAMES = frozenset({"self", "cls"})


class PythonRules(Rules):
    language = "python"
    test_markers = (b"def test",)

    def definition(self, kind, node, caps):
        name = self.text(caps["name"][0])
        start = node
        bases: tuple[str, ...] = ()
        if kind == "class":
            supers = node.child_by_field_name("superclasses")
            if supers is not None:
                bases = tuple(
                    chain for child in supers.named_children
                    if child.type in ("identifier", "attribute")
                    and (chain := normalize_chain(self.text(child)))
                )
        if kind != "constant":
            parent = node.parent
            if parent is not None and parent.type == "decorated_definition":
                start = parent
        return (name, kind, start.start_point[0] + 1, bases, False, "")

    def imports(self, node, caps):
        if node.type == "call":
            return self._dynamic_import(node)
        type_checking, deferred = _guards(node)
        line = node.start_point[0] + 1
        if node.type == "import_statement":
            out = []
            for child in node.children_by_field_name("name"):
                if child.type == "aliased_import":
                    module = self.text(child.child_by_field_name("name"))
                    alias = self.text(child.child_by_field_name("alias"))
                else:
                    module, alias = self.text(child), None
                out.append(Import(line, module, (), alias, 0, "import", type_checking, deferred))
            return out
        source = node.child_by_field_name("module_name")
        if source is None:
            return []
        level, module = 0, ""
        if source.type == "relative_import":
            for part in source.named_children:
                if part.type == "import_prefix":
                    level = len(self.text(part).strip())
                else:
                    module = self.text(part)
        else:
            module = self.text(source)
        names: list[tuple[str, str | None]] = []
        for child in node.named_children:
            if child.type == "wildcard_import":
                names.append(("*", None))
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                names.append((self.text(child.child_by_field_name("name")),
                              self.text(child.child_by_field_name("alias"))))
            else:
                names.append((self.text(child), None))
        return [Import(line, module, tuple(names), None, level, "from", type_checking, deferred)]

    def _dynamic_import(self, call) -> list[Import]:
        """`importlib.import_module(name[, package])`, `import_module(...)` after `from
        importlib import import_module`, `__import__(name)`, with a literal name: an import
        that binds nothing (the module is a value), deferred when it sits in a function,
        as a plain import there is; at module level it runs at import time.
        A relative name counts from the package argument, `__package__` or `__name__`."""
        function = call.child_by_field_name("function")
        builtin = function.text == b"__import__"
        if function.type == "identifier" and not builtin and not _binds_import_module(call):
            return []
        arguments = call.child_by_field_name("arguments").named_children
        name = self._literal(arguments[0])
        if name is None:
            return []
        module = name.lstrip(".")
        level = len(name) - len(module)
        if not _DOTTED.fullmatch(module) and not (level and not module):
            return []
        kind = "dynamic"
        if builtin:  # relative only through a level argument, which is left alone
            if level or _argument(arguments, 4, "level") is not None:
                return []
        elif level:
            package = _argument(arguments, 1, "package")
            anchor = package.text if package is not None else b""
            if anchor not in _ANCHORS:
                return []
            kind = _ANCHORS[anchor]
        type_checking, deferred = _guards(call)
        return [Import(call.start_point[0] + 1, module, (), None, level, kind, type_checking, deferred)]

    def _literal(self, node) -> str | None:
        """A plain string's text; None for f-strings and bytes."""
        if node.type != "string" or set(node.named_children[0].text.lower()) & set(b"fb"):
            return None
        return "".join(self.text(part) for part in node.named_children if part.type == "string_content")


# the package argument of import_module -> the Import kind that says what it is
_ANCHORS = {b"__package__": "dynamic", b"__name__": "dynamic-name"}
_DOTTED = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*")
# statements whose blocks run in the scope around them
_COMPOUND = frozenset({"if_statement", "elif_clause", "else_clause", "try_statement", "except_clause",
                       "finally_clause", "with_statement", "for_statement", "while_statement", "block"})


def _argument(arguments, position: int, keyword: str):
    """The node passed as a call's argument, by keyword or position, else None."""
    positional = []
    for argument in arguments:
        if argument.type == "keyword_argument":
            if argument.child_by_field_name("name").text == keyword.encode():
                return argument.child_by_field_name("value")
        else:
            positional.append(argument)
    return positional[position] if len(positional) > position else None


def _binds_import_module(node) -> bool:
    """Whether `from importlib import import_module` is in the scopes around a node: the
    module's statements and those of the functions enclosing it."""
    parent = node.parent
    while parent is not None:
        if parent.type == "module" or (parent.type == "block" and parent.parent is not None
                                       and parent.parent.type == "function_definition"):
            if _imports_import_module(parent):
                return True
        parent = parent.parent
    return False


def _imports_import_module(block) -> bool:
    for statement in block.named_children:
        if statement.type == "import_from_statement":
            source = statement.child_by_field_name("module_name")
            if source is not None and source.text == b"importlib" and any(
                    name.text == b"import_module" for name in statement.children_by_field_name("name")):
                return True
        elif statement.type in _COMPOUND and _imports_import_module(statement):
            return True
    return False


def _guards(node) -> tuple[bool, bool]:
    """(under `if TYPE_CHECKING:`, inside a function body)."""
    type_checking = deferred = False
    parent = node.parent
    while parent is not None and parent.type != "module":
        if parent.type == "function_definition":
            deferred = True
        elif parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            if condition is not None and condition.text in (b"TYPE_CHECKING", b"typing.TYPE_CHECKING"):
                type_checking = True
        parent = parent.parent
    return type_checking, deferred


def rules(language: str) -> Rules:
    return PythonRules()


# --- placing files in the repository ------------------------------------------------------

TEST_PATTERNS = ("test_*.py", "*_test.py", "conftest.py")
# Not "test" or "testing": django/test and numpy/testing are libraries for tests, not tests.
TEST_FOLDERS = frozenset({"tests"})
SEPARATOR = "."


def is_test_path(path: str) -> bool:
    name = posixpath.basename(path)
    if any(fnmatch(name, pattern) for pattern in TEST_PATTERNS):
        return True
    return any(part in TEST_FOLDERS for part in path.split("/")[:-1])


def is_test_function(qualname: str, marked: bool) -> bool:
    return marked or qualname.rsplit(".", 1)[-1].startswith("test")


def place(paths: list[str], context: PlaceContext) -> Placement:
    """Dotted module names. A file's package is the chain of folders holding __init__.py
    above it; its import root is the folder above that chain, widened to a configured root
    (src/) above it, which makes the folders between namespace packages. Two files that
    would take one name both fall back to their dotted path from the repository root."""
    roots = tuple(r.strip("/") for r in context.python_roots if r.strip("/") not in ("", "."))
    all_paths = context.all_paths
    names: dict[str, str] = {}
    for path in paths:
        folder = posixpath.dirname(path)
        top = folder
        while top and f"{top}/__init__.py" in all_paths:
            top = posixpath.dirname(top)
        for root in roots:
            if top == root or top.startswith(root + "/"):
                top = root
                break
        rel = path[len(top) + 1:] if top else path
        names[path] = _dotted(rel)
    taken: dict[str, list[str]] = {}
    for path, name in names.items():
        taken.setdefault(name, []).append(path)
    for holders in taken.values():
        if len(holders) > 1:
            for path in holders:
                names[path] = _dotted(path)
    placement = Placement()
    module_names = set(names.values())
    for path, name in sorted(names.items()):
        if not name:
            continue
        is_package = path == "__init__.py" or path.endswith("/__init__.py")
        parts = name.split(".")
        # folders of the packages in the name, innermost first, then reversed
        folder = posixpath.dirname(posixpath.dirname(path) if is_package else path)
        folders = [folder]
        for _ in range(len(parts) - 2):
            folders.append(posixpath.dirname(folders[-1]))
        folders.reverse()
        parent = None
        for depth in range(1, len(parts)):
            package = ".".join(parts[:depth])
            if package not in module_names and package not in placement.packages:
                placement.packages[package] = Module(
                    id=package, path=folders[depth - 1], language="python", kind="package",
                    ns=package + SEPARATOR, sep=SEPARATOR, parent=parent,
                )
            parent = package
        placement.modules[path] = Module(
            id=name, path=path, language="python", kind="package" if is_package else "module",
            ns=name + SEPARATOR, sep=SEPARATOR, parent=parent,
        )
    return placement


def _dotted(rel: str) -> str:
    stem = posixpath.splitext(rel)[0]  # .py, or an extension the config maps to Python
    if stem == "__init__" or stem.endswith("/__init__"):
        stem = stem[: -len("__init__")].rstrip("/")
    return stem.replace("/", ".")


def resolve_import(imp: Import, module: Module, world: World) -> tuple[list[str], list[Binding]]:
    """(import edge targets, bindings) of one import statement, as Python runs it."""
    if imp.kind == "import":
        target = _longest_module(imp.module, world)
        if target is None:
            ext = external_id(imp.module.split(".")[0])
            return [ext], [Binding(imp.alias or imp.module.split(".")[0], ext, None)]
        if imp.alias:
            return [target], [Binding(imp.alias, target, None)]
        head = imp.module.split(".")[0]
        return [target], [Binding(head, head if world.is_module(head) else target, None)]
    base = _base(imp, module)
    if base is None:
        return [], []
    if imp.kind in _ANCHORS.values():
        return _dynamic_targets(base, imp, world), []
    edges: list[str] = []
    bindings: list[Binding] = []
    base_module = _longest_module(base, world) if base else None
    if base_module is None and not imp.level:
        ext = external_id(base.split(".")[0])
        return [ext], [Binding(alias or name, ext, None) for name, alias in imp.names if name != "*"]
    for name, alias in imp.names:
        if name == "*":
            if base_module is not None:
                edges.append(base_module)
                bindings.append(Binding("*", base_module, None))
            continue
        sub = f"{base}.{name}" if base else name
        if world.is_module(sub):
            edges.append(sub)
            bindings.append(Binding(alias or name, sub, None))
        elif base_module is not None:
            edges.append(base_module)
            # a name defined in (or re-exported by) a module deeper than the one found
            # is still looked up through that module's attributes
            bindings.append(Binding(alias or name, base_module, _rest(base, base_module, name)))
    return edges, bindings


def _dynamic_targets(name: str, imp: Import, world: World) -> list[str]:
    found = _longest_module(name, world) if name else None
    if found is not None:
        return [found]
    return [] if imp.level else [external_id(name.split(".")[0])]


def _base(imp: Import, module: Module) -> str | None:
    if not imp.level:
        return imp.module
    # importlib counts a relative name from its package argument: __package__ is what
    # `from .` counts from, __name__ the module itself
    relative_to_self = module.kind == "package" or imp.kind == "dynamic-name"
    package = module.id if relative_to_self else module.id.rpartition(".")[0]
    parts = package.split(".") if package else []
    up = imp.level - 1
    if up > len(parts):
        return None
    parts = parts[: len(parts) - up] if up else parts
    if imp.module:
        parts.append(imp.module)
    return ".".join(parts)


def _longest_module(name: str, world: World) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if world.is_module(candidate):
            return candidate
    return None


def _rest(base: str, found: str, name: str) -> str:
    extra = base[len(found) + 1:] if len(base) > len(found) else ""
    return f"{extra}.{name}" if extra else name
