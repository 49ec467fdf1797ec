"""Risky changes: `new-dependency` (a name added to a manifest), `ci-config-change` (a
changed pipeline or hook) and `secret` (a credential in an added line). Patterns and
manifest names come from adversary/risky.toml."""

from __future__ import annotations

import ast
import configparser
import fnmatch
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from comprehend.adversary.changes import Sources
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.rules import rule_finding
from comprehend.adversary.secrets import SecretScanner, load_secret_scanner, masked
from comprehend.policy import PolicyFile, policy_file


@dataclass(frozen=True)
class RiskyPolicy:
    manifests: tuple[tuple[str, str], ...]  # (file name glob, kind)
    ci_paths: tuple[str, ...]
    secrets: SecretScanner


def load_risky_policy(repo_root: Path | None) -> tuple[RiskyPolicy, PolicyFile]:
    source = policy_file("adversary", "risky.toml", repo_root)
    data = source.toml()
    scanner, _ = load_secret_scanner(repo_root)
    policy = RiskyPolicy(
        manifests=tuple((m["name"], m["kind"]) for m in data.get("dependencies", {}).get("manifests", [])),
        ci_paths=tuple(data.get("ci", {}).get("paths", ())),
        secrets=scanner,
    )
    return policy, source


def find_risky(change: Change, sources: Sources, policy: RiskyPolicy) -> list[Finding]:
    findings: list[Finding] = []
    for f in change.files:
        if f.binary:
            continue
        kind = next((k for glob, k in policy.manifests
                     if fnmatch.fnmatchcase(PurePosixPath(f.path).name, glob)), None)
        if kind is not None:
            findings += _new_dependencies(f, kind, sources)
        if any(fnmatch.fnmatchcase(f.path, glob) for glob in policy.ci_paths):
            findings.append(_ci_change(f))
        findings += _secrets(f, policy)
    return findings


# --- new-dependency -------------------------------------------------------------------

_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _py_name(requirement: str) -> str | None:
    m = _REQ_NAME.match(requirement)
    return re.sub(r"[-_.]+", "-", m.group(1)).lower() if m else None


def _requirements(text: str) -> list[str]:
    names = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "git+", "http:", "https:", "file:")):
            continue
        names.append(line)
    return names


def _pyproject(text: str) -> list[str]:
    data = tomllib.loads(text)
    project = data.get("project", {})
    found = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        found += extra
    for group in data.get("dependency-groups", {}).values():
        found += [g for g in group if isinstance(g, str)]
    found += data.get("build-system", {}).get("requires", [])
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in poetry.get("group", {}).values()]
    found += [k for t in tables for k in t if k != "python"]
    return found


def _setup_cfg(text: str) -> list[str]:
    parser = configparser.ConfigParser()
    parser.read_string(text)
    found = []
    if parser.has_option("options", "install_requires"):
        found += parser.get("options", "install_requires").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            found += value.splitlines()
    return [r for r in found if r.strip()]


def _setup_py(text: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.keyword) and node.arg in ("install_requires", "extras_require",
                                                          "setup_requires", "tests_require"):
            for c in ast.walk(node.value):
                if isinstance(c, ast.Constant) and isinstance(c.value, str):
                    found.append(c.value)
    return found


def _pipfile(text: str) -> list[str]:
    data = tomllib.loads(text)
    return [*data.get("packages", {}), *data.get("dev-packages", {})]


def _package_json(text: str) -> list[str]:
    data = json.loads(text)
    keys = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
    return [name for k in keys for name in (data.get(k) or {})]


def _go_mod(text: str) -> list[str]:
    found, in_block = [], False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if line.startswith("require ("):
            in_block = True
        elif in_block and line == ")":
            in_block = False
        elif in_block and line:
            found.append(line.split()[0])
        elif line.startswith("require "):
            found.append(line.split()[1])
    return found


def _cargo(text: str) -> list[str]:
    data = tomllib.loads(text)
    tables = [data.get(k, {}) for k in ("dependencies", "dev-dependencies", "build-dependencies")]
    tables.append(data.get("workspace", {}).get("dependencies", {}))
    for target in data.get("target", {}).values():
        tables += [target.get(k, {}) for k in ("dependencies", "dev-dependencies")]
    return [name for t in tables for name in t]


_PARSERS: dict[str, tuple[Callable[[str], list[str]], bool]] = {
    # kind -> (parser, Python requirement strings that need name normalization)
    "pyproject": (_pyproject, True),
    "requirements": (_requirements, True),
    "setup-cfg": (_setup_cfg, True),
    "setup-py": (_setup_py, True),
    "pipfile": (_pipfile, True),
    "package-json": (_package_json, False),
    "go-mod": (_go_mod, False),
    "cargo": (_cargo, False),
}


def _dependency_names(text: str | None, kind: str) -> dict[str, str]:
    """Normalized name -> name as written; {} when the manifest does not parse."""
    if text is None:
        return {}
    parser, python = _PARSERS[kind]
    try:
        raw = parser(text)
    except (ValueError, SyntaxError, configparser.Error, tomllib.TOMLDecodeError, AttributeError):
        return {}
    names = {}
    for item in raw:
        if python:
            key = _py_name(item)
            if key:
                names[key] = _REQ_NAME.match(item).group(1)  # type: ignore[union-attr]
        else:
            names[item] = item
    return names


def _new_dependencies(f: ChangedFile, kind: str, sources: Sources) -> list[Finding]:
    before = _dependency_names(sources.old_text(f), kind)
    after = _dependency_names(sources.new_text(f), kind)
    added_lines = dict(line for h in f.hunks for line in h.added)
    findings = []
    for key, name in sorted(after.items()):
        if key in before:
            continue
        line, text = _line_of(name, added_lines)
        findings.append(rule_finding(
            "new-dependency",
            confidence=0.9,
            file=f.path,
            line=line,
            title=f"new dependency {name} in {f.path}",
            evidence={"dependency": name, "manifest": f.path, "line": text.strip(),
                      "why": "check that the package is the one intended (not a look-alike or "
                             "an invented name), maintained, and needed"},
        ).with_fingerprint(key))
    return findings


def _line_of(name: str, added: dict[int, str]) -> tuple[int, str]:
    pattern = re.compile(rf"(?<![A-Za-z0-9_.-]){re.escape(name)}(?![A-Za-z0-9_-])", re.IGNORECASE)
    # A comment that names the dependency is not where it is declared: prefer code lines.
    ordered = sorted(added.items(), key=lambda item: (_is_comment(item[1]), item[0]))
    for number, text in ordered:
        if pattern.search(text):
            return number, text
    first = min(added, default=1)
    return first, added.get(first, "")


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith(("#", "//", ";"))


# --- ci-config-change --------------------------------------------------------------------

def _ci_change(f: ChangedFile) -> Finding:
    added = sorted(n for h in f.hunks for n, _ in h.added)
    start, end = (added[0], added[-1]) if added else (1, 1)
    removed = [t for h in f.hunks for _, t in h.removed]
    plus = [t for h in f.hunks for _, t in h.added]
    return rule_finding(
        "ci-config-change",
        confidence=1.0,
        file=f.path,
        line=start,
        end_line=end,
        title=f"CI configuration {f.status}: {f.path} (+{len(plus)} -{len(removed)} lines)",
        evidence={"status": f.status, "added": plus[:20], "removed": removed[:20],
                  "why": "a pipeline change can switch off the checks that guard everything "
                         "else: read it as carefully as code"},
    ).with_fingerprint("ci")


# --- secret --------------------------------------------------------------------------------

def _secrets(f: ChangedFile, policy: RiskyPolicy) -> list[Finding]:
    findings = []
    for number, text in _added(f):
        for m in policy.secrets.find(text):
            findings.append(rule_finding(
                "secret",
                confidence=0.6 if m.pattern.entropy else 0.9,
                file=f.path,
                line=number,
                title=f"possible {m.pattern.description} added in {f.path}",
                evidence={"pattern": m.pattern.id, "match": masked(m.value),
                          "line": policy.secrets.mask(text).strip()[:200],
                          "why": "revoke and rotate it if real, then remove it from history; "
                                 "keep secrets in the CI's secret store"},
            ).with_fingerprint(f"{m.pattern.id}:{m.digest}"))
    return findings


def _added(f: ChangedFile) -> Iterable[tuple[int, str]]:
    for h in f.hunks:
        yield from h.added
