"""What a check could not judge, and the `incomplete` verdict it leads to.

Test-integrity rules read Python, Go and JavaScript/TypeScript tests; mutation testing
attacks Python always, and Go and JS/TS when their toolchain (go, node) is installed
(mutation/native.py). A change in any other programming language, or (when tests are run)
Go/JS/TS code that no mutant attacked, was not judged: such a check must not say PASS.
It says `incomplete` (exit 2) unless the user passed --allow-incomplete, in which case the
findings decide and the report still names what was not judged. A failing verdict stays
`fail`: the change is blocked either way, and the findings say why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from comprehend.adversary.diff import Change
from comprehend.adversary.gotests import is_go_test
from comprehend.adversary.jstests import is_js_test

STATIC_RULES = frozenset({"python", "go", "javascript", "typescript"})
MUTATED = frozenset({"python"})  # languages mutation testing always attacks (others: per file)

# Programming languages by extension (data, docs, configuration and markup are not listed:
# they have no tests of their own to judge; risky-change rules read them).
LANGUAGE_OF = {
    ".py": "python", ".pyi": "python",
    ".go": "go",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "typescript",
    ".rs": "rust", ".java": "java", ".kt": "kotlin", ".kts": "kotlin", ".scala": "scala",
    ".rb": "ruby", ".php": "php", ".cs": "c#", ".fs": "f#", ".swift": "swift",
    ".c": "c", ".h": "c", ".cc": "c++", ".cpp": "c++", ".cxx": "c++", ".hpp": "c++",
    ".hh": "c++", ".m": "objective-c", ".mm": "objective-c", ".dart": "dart",
    ".ex": "elixir", ".exs": "elixir", ".erl": "erlang", ".hs": "haskell", ".lua": "lua",
    ".clj": "clojure", ".cljs": "clojure", ".ml": "ocaml", ".zig": "zig", ".nim": "nim",
    ".r": "r", ".jl": "julia", ".pl": "perl", ".pm": "perl", ".groovy": "groovy",
    ".vue": "vue", ".svelte": "svelte", ".sol": "solidity",
}
# Code nobody in the repository writes or tests: vendored, generated, built or declarations
_NOT_OWN = ("vendor/", "node_modules/", "third_party/", "dist/", "build/")
_NOT_OWN_SUFFIXES = (".min.js", ".d.ts", ".pb.go", "_generated.go", ".gen.go")


@dataclass(frozen=True)
class Unjudged:
    path: str
    language: str
    missing: str  # "tests" (no rule reads the language) | "mutation"

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "language": self.language, "missing": self.missing}


def unjudged(change: Change, executed: bool, mutated: frozenset[str] = frozenset()) -> list[Unjudged]:
    """The changed files (with added lines, in scope) no part of the check could judge.
    `mutated`: the Go/JS/TS files whose mutation ran in this check (mutation/native.py: when
    their toolchain was installed and their module or package.json was found)."""
    out = []
    for f in change.files:
        if f.binary or f.status == "deleted" or not f.added_lines:
            continue
        language = LANGUAGE_OF.get(PurePosixPath(f.path).suffix.lower())
        if language is None or not is_own_code(f.path):
            continue
        if language not in STATIC_RULES:
            out.append(Unjudged(f.path, language, "tests"))
        elif executed and language not in MUTATED and f.path not in mutated and not _is_test(f.path):
            out.append(Unjudged(f.path, language, "mutation"))
    return out


def is_own_code(path: str) -> bool:
    """False for vendored, generated, built and declaration files: nobody here tests them."""
    return not path.endswith(_NOT_OWN_SUFFIXES) and not any(
        path.startswith(d) or f"/{d}" in path for d in _NOT_OWN)


def _is_test(path: str) -> bool:
    """Tests as the Go and JS/TS rules and mutation read them (`_test.go`; `.test.`/`.spec.`
    files and files under test/, tests/, __tests__/): what runs against mutants, never mutated."""
    return is_go_test(path) or is_js_test(path)


def note(gaps: list[Unjudged]) -> str | None:
    """One line naming what was not judged, or None when everything was."""
    if not gaps:
        return None
    parts = []
    rules = [g for g in gaps if g.missing == "tests"]
    mutation = [g for g in gaps if g.missing == "mutation"]
    if rules:
        parts.append(f"{_files(rules)} in {_languages(rules)}: comprehend reads no tests in "
                     "that language (only risky-change rules ran)")
    if mutation:
        parts.append(f"{_files(mutation)} in {_languages(mutation)}: static test rules ran, "
                     "but no mutant ran against that language's tests (see the mutation note "
                     "for why), so nothing showed the tests would catch a wrong line")
    return "not judged: " + "; ".join(parts)


def _files(gaps: list[Unjudged]) -> str:
    shown = ", ".join(g.path for g in gaps[:5])
    more = f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""
    return f"{len(gaps)} file(s) ({shown}{more})"


def _languages(gaps: list[Unjudged]) -> str:
    return ", ".join(sorted({g.language for g in gaps}))


def settle(outcome: str, gaps: list[Any] | None, allowed: bool | None) -> str:
    """The verdict once what was not judged is counted: a pass with gaps is `incomplete`
    unless the run allowed it (--allow-incomplete)."""
    if outcome == "pass" and gaps and not allowed:
        return "incomplete"
    return outcome
