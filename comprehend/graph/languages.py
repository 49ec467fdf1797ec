"""The grammar registry: which file is which language, its tree-sitter grammar (one official
wheel per language), its queries, and the one helper every query runs through.

py-tree-sitter changed its query API twice (0.22, 0.25); `run_query` is the only code that
touches Query/QueryCursor, so the next change touches one function."""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

QUERY_DIR = Path(__file__).parent / "queries"


@dataclass(frozen=True)
class LanguageSpec:
    name: str  # the language as facts, nodes and `scan` name it
    extensions: tuple[str, ...]
    grammar: str  # the official grammar wheel's module
    loader: str  # its function returning the language pointer
    queries: str  # folder under graph/queries/


LANGUAGES: dict[str, LanguageSpec] = {
    spec.name: spec
    for spec in (
        LanguageSpec("python", (".py",), "tree_sitter_python", "language", "python"),
        LanguageSpec("javascript", (".js", ".mjs", ".cjs", ".jsx"), "tree_sitter_javascript",
                     "language", "javascript"),
        LanguageSpec("typescript", (".ts", ".mts", ".cts"), "tree_sitter_typescript",
                     "language_typescript", "typescript"),
        # TSX is TypeScript with JSX; its grammar differs, so it is its own language here.
        LanguageSpec("tsx", (".tsx",), "tree_sitter_typescript", "language_tsx", "typescript"),
        LanguageSpec("go", (".go",), "tree_sitter_go", "language", "go"),
        LanguageSpec("rust", (".rs",), "tree_sitter_rust", "language", "rust"),
        LanguageSpec("java", (".java",), "tree_sitter_java", "language", "java"),
    )
}

_BY_EXTENSION = {ext: spec.name for spec in LANGUAGES.values() for ext in spec.extensions}


def language_for(path: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The language of a repository path by its extension (config may add extensions),
    or None for files the graph does not parse. TypeScript declaration files (.d.ts)
    count as TypeScript."""
    suffix = PurePosixPath(path).suffix.lower()
    if extra:
        wanted = extra.get(suffix) or extra.get(suffix.lstrip("."))
        if wanted in LANGUAGES:
            return wanted
    return _BY_EXTENSION.get(suffix)


def unknown_extension_languages(extra: Mapping[str, str]) -> list[str]:
    """Config entries naming a language that does not exist (reported by the caller)."""
    return sorted(f"{ext} = {lang!r}" for ext, lang in extra.items() if lang not in LANGUAGES)


@functools.cache
def grammar(name: str):
    """The tree_sitter.Language of a registered language (loaded once per process)."""
    from tree_sitter import Language

    spec = LANGUAGES[name]
    module = importlib.import_module(spec.grammar)
    return Language(getattr(module, spec.loader)())


@functools.cache
def parser(name: str):
    from tree_sitter import Parser

    return Parser(grammar(name))


# Queries every grammar answers the same way.
_COMMON_QUERIES = {"errors": "(ERROR) @error\n(MISSING) @missing\n"}


# Queries run together: one walk of the tree finds definitions, calls and imports.
_COMBINED = {"facts": ("tags", "imports")}


def query_text(name: str, kind: str) -> str:
    """The text of queries/<lang>/<kind>.scm, or "" when the language has none of that kind."""
    if kind in _COMBINED:
        return "\n".join(query_text(name, part) for part in _COMBINED[kind])
    path = QUERY_DIR / LANGUAGES[name].queries / f"{kind}.scm"
    if path.is_file():
        return _with_inherited(path, kind)
    return _COMMON_QUERIES.get(kind, "")


def _with_inherited(path: Path, kind: str) -> str:
    """A query file whose first line is `; inherits: <folder>` starts with that folder's
    file of the same kind (TypeScript's queries are JavaScript's plus its own)."""
    text = path.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    if first.startswith("; inherits:"):
        parent = QUERY_DIR / first.split(":", 1)[1].strip() / f"{kind}.scm"
        return _with_inherited(parent, kind) + "\n" + text
    return text


@functools.cache
def query(name: str, kind: str):
    """The compiled query queries/<lang>/<kind>.scm for a language, or None if it has none."""
    from tree_sitter import Query

    text = query_text(name, kind)
    return Query(grammar(name), text) if text.strip() else None


def run_query(compiled, node) -> list[tuple[int, dict]]:
    """Every match of a compiled query under `node`: (pattern index, capture name -> nodes)."""
    from tree_sitter import QueryCursor

    return QueryCursor(compiled).matches(node)


@functools.cache
def grammar_versions() -> str:
    """The installed grammar wheels' versions: a grammar upgrade changes the trees, so it
    invalidates cached facts."""
    parts = []
    for module in sorted({spec.grammar for spec in LANGUAGES.values()}):
        dist = module.replace("_", "-")
        try:
            parts.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{dist}=?")
    return ",".join(parts)


def queries_digest() -> str:
    digest = hashlib.sha1()
    for path in sorted(QUERY_DIR.rglob("*.scm")):
        digest.update(path.relative_to(QUERY_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
