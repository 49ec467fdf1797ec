"""Where files sit in a repository's module structure: the records the language modules
(graph/lang/) produce when placing files, and the view of the whole repository they
resolve imports against."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class Module:
    """A module or package node: a source file, or a folder that is a package."""

    id: str  # Python: dotted import name; JS/TS and Java files: the path; Go: path or import path
    path: str  # repository-relative file or folder
    language: str
    kind: str  # module | package
    ns: str  # prefix of its top-level symbols' ids: "pkg.mod.", "src/app.ts:", "crate::m::"
    sep: str  # separator between nested names in symbol ids: "." or "::"
    parent: str | None  # id of the package that contains it


@dataclass(frozen=True)
class NamedPackage:
    """JS/TS: a package.json in the repository, which imports of its `name` reach."""

    folder: str
    entries: tuple[str, ...]  # repository paths its types / module / main name, in that order
    # (compiled folder, source folder) pairs from its tsconfigs' outDir / rootDir
    sources: tuple[tuple[str, str], ...]


@dataclass
class Placement:
    modules: dict[str, Module] = field(default_factory=dict)  # file path -> its module
    packages: dict[str, Module] = field(default_factory=dict)  # id -> folder package
    package_names: dict[str, str] = field(default_factory=dict)  # Go: import path -> `package x`
    # JS/TS: tsconfig/jsconfig folder -> (baseUrl folder, ((pattern, targets), ...))
    import_maps: dict[str, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]] = field(default_factory=dict)
    named_packages: dict[str, NamedPackage] = field(default_factory=dict)  # JS/TS: name -> package


@dataclass(frozen=True)
class PlaceContext:
    """What placing one language's files may look at besides their paths."""

    language: str
    all_paths: frozenset[str]  # every file of the tree (Python looks for __init__.py)
    manifests: dict[str, str]  # go.mod / Cargo.toml path -> text
    packages: dict[str, str]  # file path -> its package clause (Go, Java)
    python_roots: tuple[str, ...]
    imports: dict[str, tuple] = field(default_factory=dict)  # file path -> its Imports
    # (Rust: a `#[path]` mod places the file it names)


class Binding(NamedTuple):
    """A name an import makes visible in a module: `target` (a node id) or, when `attr`
    is set, the attribute `attr` (dotted) of that target, looked up once all is known."""

    name: str  # "*" for a wildcard import
    target: str
    attr: str | None


def external_id(name: str) -> str:
    return f"external:{name}"


class World:
    """Every module and package of the repository, for resolving imports across files."""

    def __init__(self, placements: list[Placement]) -> None:
        self.by_id: dict[str, Module] = {}
        self.by_path: dict[str, Module] = {}
        # Go: import path -> the name its files declare (`package x`)
        self.package_names: dict[str, str] = {}
        self.import_maps: dict[str, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {}
        self.named_packages: dict[str, NamedPackage] = {}
        for placement in placements:
            self.package_names.update(placement.package_names)
            self.import_maps.update(placement.import_maps)
            self.named_packages.update(placement.named_packages)
            for module in placement.packages.values():
                self.by_id.setdefault(module.id, module)
            for module in placement.modules.values():
                self.by_path[module.path] = module
                self.by_id[module.id] = module
        self.symbols: set[str] = set()
        self.symbol_module: dict[str, str] = {}  # symbol id -> id of the module defining it

    def is_module(self, node_id: str) -> bool:
        return node_id in self.by_id

    def module_at(self, path: str) -> Module | None:
        return self.by_path.get(path)
