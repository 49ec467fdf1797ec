"""Which calls in a test check something though they are no `assert`: calls that raise on
bad input (a validator such as pydantic's `TypeAdapter(T).validate_python(d)`,
`jsonschema.validate`, the `[assertions] raising_calls` of adversary/smells.toml) and the
repository's own helpers whose body asserts or raises: in the test's module, in the modules
it imports from the repository (read at head), and, through those, the helpers they call.

A test whose only check is such a call can fail, so `test-cannot-fail` must not say it
cannot."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import PurePosixPath

from comprehend import git
from comprehend.adversary.pytests import (
    SmellPolicy,
    assertion_of_call,
    dotted,
    last_name,
    parse,
    walk_own,
)
from comprehend.git import Repository

MAX_MODULES = 40  # imported modules read per test file: enough for helpers, bounded for speed


@dataclass(frozen=True)
class Checkers:
    """Names a test can call to check something."""

    helpers: frozenset[str]  # local or imported names of helpers that assert or raise
    raising: frozenset[str]  # policy: last names ("validate_python") or dotted names
    modules: frozenset[str] = frozenset()  # names the test module bound by `import x`

    def is_check(self, call: ast.Call, policy: SmellPolicy) -> bool:
        if assertion_of_call(call, policy) is not None:
            return True
        name, last = dotted(call.func) or "", last_name(call.func)
        return (last in self.helpers or last in self.raising or name in self.raising
                or raises_by_name(last, policy))


def raises_by_name(last: str, policy: SmellPolicy) -> bool:
    """A validator by its name (`validate_mount`, `self._validate`): it raises on bad input."""
    return bool(policy.raising_prefixes) and last.lstrip("_").startswith(policy.raising_prefixes)


def checkers_for(tree: ast.Module, path: str, policy: SmellPolicy, repo: Repository | None,
                 rev: str | None) -> Checkers:
    """The checkers a test module can call: its own asserting helpers and (when `repo` is
    given) those it imports from the repository's own modules, read at `rev`."""
    raising = policy.raising_calls
    own = _asserting_defs([tree], policy, raising, frozenset())
    bound = frozenset((a.asname or a.name).split(".")[0] for node in tree.body
                      if isinstance(node, ast.Import) for a in node.names)
    imported: dict[str, str] = {}  # local name -> name in its module
    modules: dict[str, list[str]] = {}  # candidate file paths -> names wanted
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for candidate in _module_files(path, node.module, node.level):
                for a in node.names:
                    imported[a.asname or a.name] = a.name
                modules.setdefault(candidate, []).extend(a.name for a in node.names)
    if repo is None or not modules:
        return Checkers(own, raising, bound)
    texts = _read(repo, rev, list(modules)[:MAX_MODULES])
    trees = [t for t in (parse(text) for text in texts.values()) if t is not None]
    found = _asserting_defs(trees, policy, raising, frozenset())
    names = {local for local, original in imported.items() if original in found}
    return Checkers(own | names, raising, bound)


def _asserting_defs(trees: list[ast.Module], policy: SmellPolicy, raising: frozenset[str],
                    known: frozenset[str]) -> frozenset[str]:
    """Names of functions and methods (not tests) whose body asserts, raises, calls an
    assertion or a raising call, or calls such a function: to a fixpoint, so a helper that
    calls a helper that asserts counts."""
    direct: set[str] = set(known)
    calls: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or (
                    node.name.startswith(policy.function_prefixes)):
                continue
            called = calls.setdefault(node.name, set())
            for n in walk_own(node):
                if isinstance(n, ast.Assert | ast.Raise):
                    direct.add(node.name)
                elif isinstance(n, ast.Call):
                    last = last_name(n.func)
                    if (last in raising or (dotted(n.func) or "") in raising
                            or _assertion_name(n, last, policy) or raises_by_name(last, policy)):
                        direct.add(node.name)
                    called.add(last)
    found = set(direct)
    grew = True
    while grew:
        grew = False
        for name, called in calls.items():
            if name not in found and called & found:
                found.add(name)
                grew = True
    return frozenset(found)


def _assertion_name(call: ast.Call, last: str, policy: SmellPolicy) -> bool:
    """Whether assertion_of_call could call this an assertion, from names alone (cheap: it
    runs on every call of every module read)."""
    return (last.lstrip("_").startswith(policy.assert_call_prefixes) or last in ("raises", "fail")
            or (dotted(call.func) or "") in policy.assert_calls)


def _module_files(test_path: str, module: str | None, level: int) -> list[str]:
    """Files at head that `from <level dots><module> import ...` may name in a repository:
    relative to the test's folder, or absolute from the root or a src/ folder."""
    parts = module.split(".") if module else []
    if level:
        base = PurePosixPath(test_path).parent
        for _ in range(level - 1):
            base = base.parent
        stems = [base.joinpath(*parts)] if parts else [base]
    else:
        if not parts:
            return []
        stems = [PurePosixPath(*parts), PurePosixPath("src", *parts)]
    out = []
    for stem in stems:
        text = str(stem)
        if text in ("", "."):
            continue
        out += [f"{text}.py", f"{text}/__init__.py"]
    return out


def _read(repo: Repository, rev: str | None, paths: list[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    if rev is None:
        for p in paths:
            file = repo.root / p
            if file.is_file():
                texts[p] = file.read_text("utf-8", "replace")
        return texts
    blobs = git.read_blobs(repo, [f"{rev}:{p}" for p in paths if "\n" not in p])
    for spec, data in blobs.items():
        if data is not None and b"\0" not in data[:8000]:
            texts[spec.split(":", 1)[1]] = data.decode("utf-8", "replace")
    return texts
