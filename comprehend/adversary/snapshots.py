"""Snapshot and golden files rewritten in the same change as the code they describe: syrupy
`.ambr` files (compared snapshot by snapshot), files under `__snapshots__/` or `snapshots/`,
`*.golden` (as in `testdata/`) and `*.snap`. A regenerated snapshot is an expectation
rewritten to agree with the new code, exactly like an edited `assert`.

The test that owns a snapshot: for syrupy, the module the `__snapshots__` file is named after;
otherwise the Python tests near the file that name it. The finding needs that test to reach
the changed code; without an owning test it stands on the change also modifying code, and
says so with a lower confidence."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath

from comprehend import git
from comprehend.adversary.changes import MAX_TEXT_BYTES, Sources, is_python
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.links import ChangedCode
from comprehend.adversary.pytests import PyTestFunction, SmellPolicy, find_tests, parse
from comprehend.adversary.rules import rule_finding

SNAPSHOT_DIRS = frozenset({"__snapshots__", "snapshots"})
SNAPSHOT_SUFFIXES = (".ambr", ".golden", ".snap")
_ROOT_DIRS = SNAPSHOT_DIRS | {"testdata", "golden", "goldens", "fixtures"}
_MAX_OWNER_SCAN = 300  # test files read to find who names a snapshot


def is_snapshot(path: str) -> bool:
    p = PurePosixPath(path)
    return p.suffix in SNAPSHOT_SUFFIXES or any(part in SNAPSHOT_DIRS for part in p.parts[:-1])


@dataclass(frozen=True)
class _Block:
    name: str  # syrupy snapshot name, e.g. test_render or TestPage.test_title[dark]
    start: int
    end: int


def snapshot_rewrites(change: Change, sources: Sources, policy: SmellPolicy,
                      code: ChangedCode) -> list[Finding]:
    snapshots = [f for f in change.files if f.old_path and f.status in ("modified", "renamed")
                 and is_snapshot(f.path) and (f.hunks or f.binary)]
    if not snapshots or not (code.changed or code.graph_symbols):
        return []
    heads = _HeadFiles(change, sources)
    found: list[Finding] = []
    for f in snapshots:
        if f.path.endswith(".ambr") and not f.binary:
            found += _ambr(f, sources, policy, code, heads)
        else:
            found += _whole_file(change, f, policy, code, heads)
    return found


# --- syrupy .ambr: one finding per snapshot whose value changed -------------------------------


def _blocks(text: str | None) -> list[_Block]:
    if text is None:
        return []
    lines = text.splitlines()
    starts = [(n, m.group(1).strip()) for n, line in enumerate(lines, start=1)
              if (m := re.match(r"^# name: (.+)$", line))]
    return [_Block(name, start, (starts[i + 1][0] - 1) if i + 1 < len(starts) else len(lines))
            for i, (start, name) in enumerate(starts)]


def _ambr(f: ChangedFile, sources: Sources, policy: SmellPolicy, code: ChangedCode,
          heads: _HeadFiles) -> list[Finding]:
    old_blocks = {b.name: b for b in _blocks(sources.old_text(f))}
    new_blocks = {b.name: b for b in _blocks(sources.new_text(f))}
    module = _syrupy_module(f.path)
    tests = heads.tests(module, policy) if module else {}
    found = []
    for name, new in new_blocks.items():
        old = old_blocks.get(name)
        if old is None:
            continue  # a new snapshot: a new test, nothing rewritten
        added = [t for h in f.hunks for n, t in h.added if new.start <= n <= new.end]
        removed = [t for h in f.hunks for n, t in h.removed if old.start <= n <= old.end]
        if not added and not removed:
            continue
        test_name = name.split("[", 1)[0]
        fn = tests.get(test_name) or tests.get(test_name.replace("::", "."))
        link, confidence = _link(module, fn, code)
        if link is None:
            continue
        node = name.replace(".", "::")
        rerun = pytest_command(module, node) if module else _diff_command(heads.change, f.path)
        found.append(_finding(f, new.start, f"{test_name}: snapshot {name} was rewritten in the "
                              "same change as the code it describes", name, removed, added,
                              link, confidence, code, rerun, module))
    return found


def _syrupy_module(path: str) -> str | None:
    """tests/__snapshots__/test_x.ambr -> tests/test_x.py (syrupy's layout)."""
    p = PurePosixPath(path)
    if len(p.parts) >= 2 and p.parent.name == "__snapshots__":
        return str(p.parent.parent / f"{p.stem}.py")
    if len(p.parts) >= 3 and p.parent.parent.name == "__snapshots__":
        return str(p.parent.parent.parent / f"{p.parent.name}.py")  # single-file snapshots
    return None


# --- other snapshot and golden files: one finding per file -----------------------------------


def _whole_file(change: Change, f: ChangedFile, policy: SmellPolicy, code: ChangedCode,
                heads: _HeadFiles) -> list[Finding]:
    p = PurePosixPath(f.path)
    owner_module = _syrupy_module(f.path)
    owners: list[tuple[str, PyTestFunction]] = []
    if owner_module:
        tests = heads.tests(owner_module, policy)
        wanted = p.stem if p.parent.parent.name == "__snapshots__" else None
        owners = [(owner_module, t) for t in tests.values()
                  if wanted is None or t.name.rsplit(".", 1)[-1] == wanted.split("[")[0]]
    if not owners:
        owners = heads.naming(f.path, policy)
    link, confidence, rerun = None, 0.5, _diff_command(change, f.path)
    for module, fn in owners:
        link, confidence = _link(module, fn, code)
        if link is not None and confidence > 0.5:
            rerun = pytest_command(module, fn.pytest_id)
            break
    if link is None:
        link, confidence = _link(None, None, code)
    if link is None:
        return []
    removed = [t for h in f.hunks for _, t in h.removed]
    added = [t for h in f.hunks for _, t in h.added]
    line = next((n for h in f.hunks for n, _ in h.added), 1)
    kind = "golden file" if p.suffix == ".golden" else "snapshot"
    return [_finding(f, line, f"{p.name}: {kind} rewritten in the same change as the code it "
                     "describes", p.name, removed, added, link, confidence, code, rerun, None)]


def _link(module: str | None, fn: PyTestFunction | None,
          code: ChangedCode) -> tuple[str | None, float]:
    if module and fn is not None:
        link = code.link(module, fn)
        if link is not None:
            return f"{link} (the snapshot's test, {module}::{fn.pytest_id})", 0.8
    if code.changed:
        return ("no test that owns the snapshot reaches the changed code, but the change also "
                f"modified {', '.join(code.changed[:3])}"), 0.5
    return None, 0.0


def _finding(f: ChangedFile, line: int, title: str, name: str, removed: list[str],
             added: list[str], link: str, confidence: float, code: ChangedCode, rerun: str,
             module: str | None) -> Finding:
    evidence = {
        "snapshot": f.path,
        "name": name,
        "removed": removed[:20],
        "added": added[:20],
        "link": link,
        "changed_code": list(code.changed[:10]),
        "why": "a snapshot regenerated in the same change as the code it describes agrees "
               "with the new code by construction: read the old and new values and check "
               "which one the specification wants",
        "rerun": rerun,
    }
    if module:
        evidence["test_module"] = module
    return rule_finding("rewritten-expectation", confidence=confidence, file=f.path, line=line,
                        title=title, evidence=evidence) \
        .with_fingerprint(f"snapshot:{name}:{'|'.join(added)}")


def _diff_command(change: Change, path: str) -> str:
    head = f" {change.head[:12]}" if change.head else ""
    return f"git diff {change.base[:12]}{head} -- {shell_word(path)}"


def shell_word(text: str) -> str:
    """One shell word, always quoted (so it reads the same for every id)."""
    return f"'{text}'" if "'" not in text else shlex.quote(text)


def pytest_command(path: str, node_id: str) -> str:
    """The command that re-runs exactly this test (or parametrize row)."""
    return f"python -m pytest {shell_word(f'{path}::{node_id}')}"


class _HeadFiles:
    """Python test files as they are at head (committed or in the working tree), read when
    first needed: the snapshot's owners are usually not part of the change."""

    def __init__(self, change: Change, sources: Sources) -> None:
        self.change, self.sources = change, sources
        self._paths: list[str] | None = None
        self._texts: dict[str, str | None] = {}

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            changed = next((f for f in self.change.files if f.path == path), None)
            if changed is not None:
                self._texts[path] = self.sources.new_text(changed)
            elif self.change.head is None:
                target = self.sources.repo.root / path
                try:
                    ok = target.is_file() and not target.is_symlink() \
                        and target.stat().st_size <= MAX_TEXT_BYTES
                    self._texts[path] = target.read_text("utf-8", "replace") if ok else None
                except OSError:
                    self._texts[path] = None
            else:
                spec = f"{self.change.head}:{path}"
                data = git.read_blobs(self.sources.repo, [spec]).get(spec)
                self._texts[path] = data.decode("utf-8", "replace") \
                    if data is not None and len(data) <= MAX_TEXT_BYTES else None
        return self._texts[path]

    def tests(self, path: str, policy: SmellPolicy) -> dict[str, PyTestFunction]:
        return {t.name: t for t in find_tests(parse(self.text(path)), policy)}

    def paths(self) -> list[str]:
        if self._paths is None:
            repo = self.sources.repo
            self._paths = git.worktree_paths(repo) if self.change.head is None else \
                [f.path for f in git.list_files(repo, self.change.head)]
        return self._paths

    def naming(self, snapshot: str, policy: SmellPolicy) -> list[tuple[str, PyTestFunction]]:
        """Python tests near the snapshot whose source names its file."""
        p = PurePosixPath(snapshot)
        root = p.parent
        while root.name in _ROOT_DIRS or any(part in _ROOT_DIRS for part in root.parts[-1:]):
            root = root.parent
        prefix = "" if str(root) == "." else f"{root}/"
        candidates = [q for q in self.paths() if q.startswith(prefix) and is_python(q)
                      and policy.layout.is_test_file(q)][:_MAX_OWNER_SCAN]
        found = []
        for path in candidates:
            text = self.text(path)
            if not text or (p.name not in text and p.stem not in text):
                continue
            lines = text.splitlines()
            for fn in find_tests(parse(text), policy):
                body = "\n".join(lines[fn.start_line - 1:fn.end_line])
                if p.name in body or p.stem in body:
                    found.append((path, fn))
        return found
