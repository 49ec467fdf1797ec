"""What one file says, independent of where it sits: definitions, imports, references.

Facts depend only on a blob's bytes and its language, never on its path or on other files,
so they are cached by blob sha and shared by every revision and worktree that holds the
blob. Records are NamedTuples (immutable, and cheap to build by the hundred thousand);
`encode`/`decode` turn a FileFacts into bytes for the store and back: marshal, which a
cold build of Django writes in half the time of JSON and reads in 0.02 s less. The cache
is private to comprehend, and what does not decode is parsed again."""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from typing import NamedTuple


class Definition(NamedTuple):
    qualname: str  # dotted within the file: "Shape.area", "suite.adds numbers"
    kind: str  # class | function | constant | module (Rust inline mod) | scope (impl, describe)
    start_line: int  # 1-based, decorators and annotations included
    end_line: int
    parent: int  # index of the enclosing definition in FileFacts.definitions, -1 if none
    bases: tuple[str, ...]  # superclasses / implemented traits as written: ("Base", "m.Mixin")
    test: bool  # the code itself marks it a test: #[test], @Test, it("..."), #[cfg(test)] mod
    self_name: str  # a Go method's receiver variable ("c" in `func (c *Circle)`), else ""


class Import(NamedTuple):
    line: int
    module: str  # as written: "a.b", "./m", "fmt", "crate::a::b", "com.a.B"
    names: tuple[tuple[str, str | None], ...]  # (name, alias); ("*", None) for a wildcard
    alias: str | None  # `import a.b as x`; a Go package alias
    level: int  # Python's leading dots of a relative import
    kind: str  # import | from | reexport | use | mod | static | dynamic | dynamic-name (see
    # python.py: importlib with a literal name, relative to __package__ or to __name__)
    type_checking: bool  # under `if TYPE_CHECKING:`: never runs
    deferred: bool  # inside a function body: runs on call, not at import time
    path: str = ""  # Rust: the file a `#[path = "..."] mod` names, as written


class Reference(NamedTuple):
    scope: int  # index of the innermost enclosing definition, -1 at module level
    chain: str  # "save", "self.save", "os.path.join"; "?.save" when the receiver is unknown
    line: int
    kind: str  # call (or construction) | name (passed or compared) | fixture (a pytest
    # test's parameter: pytest calls the fixture function of that name for it)


@dataclass(frozen=True)
class FileFacts:
    language: str
    definitions: tuple[Definition, ...] = ()
    imports: tuple[Import, ...] = ()
    references: tuple[Reference, ...] = ()
    parse_errors: int = 0  # ERROR and MISSING nodes: what did not parse (the rest is kept)
    lines: int = 0
    package: str = ""  # Go's `package x` / Java's `package a.b;`
    default_export: str = ""  # JS/TS: the name of `export default NAME`
    skipped: str = ""  # binary | invalid-utf8: not parsed, and nothing else is known
    # JS/TS CommonJS: (name, local) a module exposes under another name (`module.exports =
    # { b: c }`, `exports.b = c`); ("*", local) for `module.exports = local`: what require()
    # returns, and the default export for ES imports
    exports: tuple[tuple[str, str], ...] = ()


def encode(facts: FileFacts) -> bytes:
    # marshal takes plain tuples only, not their NamedTuple subclasses
    return marshal.dumps(
        (facts.language, tuple(map(tuple, facts.definitions)), tuple(map(tuple, facts.imports)),
         tuple(map(tuple, facts.references)), facts.parse_errors, facts.lines, facts.package,
         facts.default_export, facts.skipped, facts.exports),
    )


class Undecodable(ValueError):
    """Bytes that `encode` did not write (another format, a damaged row)."""


def decode(data: bytes) -> FileFacts:
    try:
        lang, defs, imports, refs, errors, lines, package, default, skipped, *exports = marshal.loads(data)
        return FileFacts(
            language=lang,
            definitions=tuple(map(Definition._make, defs)),
            imports=tuple(map(Import._make, imports)),
            references=tuple(map(Reference._make, refs)),
            parse_errors=errors,
            lines=lines,
            package=package,
            default_export=default,
            skipped=skipped,
            exports=tuple(map(tuple, exports[0])) if exports else (),
        )
    except (EOFError, ValueError, TypeError) as exc:
        raise Undecodable(f"cached facts: {exc}") from exc
