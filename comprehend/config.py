"""Configuration: `.comprehend.toml` at the repository root, or `[tool.comprehend]` in
pyproject.toml, parsed into frozen dataclasses.

The dataclasses are the schema: a key that is not a field, or a value of the wrong type,
is a ConfigError naming the file, the key and its line. Later capabilities add their
section as a dataclass field of `Config`, and nothing else here changes.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from comprehend.errors import ConfigError

CONFIG_FILE = ".comprehend.toml"


@dataclass(frozen=True)
class AdversaryConfig:
    # The command that runs the repository's tests; None means `python -m pytest` with the
    # python of the active virtual environment (or the one running comprehend).
    test_command: str | None = None
    # Findings at or above this severity make `comprehend check` exit 1.
    fail_on: Literal["info", "low", "medium", "high", "critical"] = "high"
    # Per-rule severity overrides, e.g. { surviving-mutant = "high" }.
    severity: dict[str, str] = field(default_factory=dict)
    # Parallel test processes for mutation testing; 0 means one per CPU core.
    workers: int = 0
    # A mutant's run times out after timeout_factor x the baseline time, plus timeout_slack s.
    timeout_factor: float = 3.0
    timeout_slack: float = 5.0


@dataclass(frozen=True)
class GraphConfig:
    # Files larger than this many bytes are listed but not parsed (minified bundles, dumps).
    max_file_bytes: int = 1_000_000
    # Extra file extensions, e.g. { ".pyw" = "python", ".es6" = "javascript" }.
    extensions: dict[str, str] = field(default_factory=dict)
    # Extra glob patterns (repository-relative) of test files, beyond each language's own.
    test_patterns: tuple[str, ...] = ()
    # Glob patterns of files never parsed (vendored or generated code).
    exclude: tuple[str, ...] = ()
    # Folders that are Python import roots besides the repository root (src/ layouts).
    python_roots: tuple[str, ...] = ("src",)
    # Parallel parse processes on a cold build; 0 means one per CPU core.
    workers: int = 0


@dataclass(frozen=True)
class IdentityRule:
    """A team's own statement about commits: every given matcher must match (globs are
    case-insensitive); the first matching rule decides the class over the catalogue."""

    mark: Literal["ai", "bot", "human", "unknown"] = "ai"
    email: str | None = None  # glob on the author email
    author: str | None = None  # glob on the author name
    committer: str | None = None  # glob on the committer email
    trailer: str | None = None  # glob on any line of the message, e.g. "Agent-Run: *"
    tool: str | None = None  # tool to report for mark = "ai" or "bot"
    model: str | None = None


@dataclass(frozen=True)
class AttributionConfig:
    # The team's own agent accounts, bots and corrections, as [[attribution.rules]].
    rules: tuple[IdentityRule, ...] = ()
    # Revisions `git blame` skips (reformatting commits), read from the blamed revision's tree.
    ignore_revs_file: str = ".git-blame-ignore-revs"
    # A squash commit with AI trailers and at least this many changed lines is flagged mixed.
    mixed_min_lines: int = 300
    # Files larger than this many bytes, and these globs, are left out of the AI share.
    max_file_bytes: int = 1_000_000
    exclude: tuple[str, ...] = ("*.lock", "package-lock.json", "pnpm-lock.yaml", "go.sum")
    # Parallel `git blame` processes; 0 means one per CPU core.
    workers: int = 0


@dataclass(frozen=True)
class Config:
    # Path of the SQLite store, relative to the repository root; None means
    # .git/comprehend/comprehend.db inside the repository's (common) git dir.
    store: str | None = None
    adversary: AdversaryConfig = field(default_factory=AdversaryConfig)
    graph: GraphConfig = field(default_factory=GraphConfig)
    attribution: AttributionConfig = field(default_factory=AttributionConfig)
    # Where the config came from: the file path (or REV:path when read from a commit), or
    # None for built-in defaults.
    source: str | None = field(default=None, metadata={"internal": True})
    # How it was chosen: "explicit" (--config FILE), a commit sha (read from that commit's
    # objects, the base of a change under review), or None (the working tree).
    read_from: str | None = field(default=None, metadata={"internal": True})
    # Where the repository's own adversary/ and quizzes/ policy folders are read from: None
    # means the working tree; `check` points it at a copy of the base commit's folders.
    policy_root: str | None = field(default=None, metadata={"internal": True})

    def policy_dir(self, repo_root: Path) -> Path:
        """The folder whose adversary/ and quizzes/ override the shipped policy."""
        return Path(self.policy_root) if self.policy_root else repo_root


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """The configuration for the repository at `root`; `explicit` is --config FILE."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"--config {explicit}: no such file; pass an existing TOML file")
        chosen = _load_file(explicit, table_path=("tool", "comprehend")
                            if explicit.name == "pyproject.toml" else ())
        return dataclasses.replace(chosen, read_from="explicit")
    own = root / CONFIG_FILE
    if own.is_file():
        return _load_file(own, table_path=())
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        text = _read(pyproject)
        data = _parse(pyproject, text)
        table = data.get("tool", {}).get("comprehend")
        if table is not None:
            return _load_data(pyproject, text, table, ("tool", "comprehend"))
    return Config()


def config_from_texts(own: bytes | None, pyproject: bytes | None, where: str) -> Config:
    """The configuration as `load_config` would choose it, from the contents of
    .comprehend.toml and pyproject.toml (None: absent) stored in `where`, a commit label such
    as "1a2b3c4d5e6f" (errors then name "1a2b3c4d5e6f:.comprehend.toml")."""
    if own is not None:
        label = Path(f"{where}:{CONFIG_FILE}")
        text = _decode(own, label)
        return _load_data(label, text, _parse(label, text), ())
    if pyproject is not None:
        label = Path(f"{where}:pyproject.toml")
        text = _decode(pyproject, label)
        table = comprehend_table(_parse(label, text))
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError(f"{label}: [tool.comprehend] must be a table")
            return _load_data(label, text, table, ("tool", "comprehend"))
    return Config()


def config_file_from_text(data: bytes, label: str) -> Config:
    """The configuration in one file's contents (a pyproject.toml's [tool.comprehend] table,
    or a whole .comprehend.toml-style file); `label` names it in errors."""
    path = Path(label)
    text = _decode(data, path)
    parsed = _parse(path, text)
    if path.name == "pyproject.toml":
        table = comprehend_table(parsed)
        if not isinstance(table, dict):
            return Config()
        return _load_data(path, text, table, ("tool", "comprehend"))
    return _load_data(path, text, parsed, ())


def comprehend_table(pyproject: dict[str, Any]) -> Any:
    """The [tool.comprehend] table of a parsed pyproject.toml, or None."""
    tool = pyproject.get("tool", {})
    return tool.get("comprehend") if isinstance(tool, dict) else None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from exc


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def _load_file(path: Path, table_path: tuple[str, ...]) -> Config:
    text = _read(path)
    data = _parse(path, text)
    for part in table_path:
        data = data.get(part, {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [{'.'.join(table_path)}] must be a table")
    return _load_data(path, text, data, table_path)


def _load_data(path: Path, text: str, data: dict[str, Any], prefix: tuple[str, ...]) -> Config:
    locate = _KeyLocator(text, prefix)
    values = _build(Config, data, (), path, locate)
    return dataclasses.replace(values, source=str(path))


def _build(cls: type, data: dict[str, Any], where: tuple[str, ...], path: Path, locate: _KeyLocator):
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = ".".join((*where, key))
        attr = key.replace("-", "_")
        if attr not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(
                f"{path}:{locate(where, key)}: unknown key '{dotted}' (known keys here: {known})"
            )
        kwargs[attr] = _convert(hints[attr], value, (*where, key), path, locate)
    return cls(**kwargs)


def _convert(hint: Any, value: Any, where: tuple[str, ...], path: Path, locate: _KeyLocator):
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    dotted = ".".join(where)
    line = locate(where[:-1], where[-1])

    def wrong(expected: str) -> ConfigError:
        return ConfigError(
            f"{path}:{line}: '{dotted}' must be {expected}, not {type(value).__name__} {value!r}"
        )

    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _convert(options[0], value, where, path, locate)
        raise TypeError(f"unsupported config union {hint}")  # a schema bug, not user input
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise wrong("a table")
        return _build(hint, value, where, path, locate)
    if origin is tuple:
        if not isinstance(value, list):
            raise wrong("an array")
        item = args[0]
        return tuple(_convert(item, v, where, path, locate) for v in value)
    if origin is dict:
        if not isinstance(value, dict):
            raise wrong("a table")
        key_t, val_t = args
        return types.MappingProxyType(
            {k: _convert(val_t, v, (*where, k), path, locate) for k, v in value.items()}
        )
    if hint is bool:
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong("an integer")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong("a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise wrong("a string")
        return value
    if typing.get_origin(hint) is typing.Literal:
        if value not in args:
            raise wrong("one of " + ", ".join(repr(a) for a in args))
        return value
    raise TypeError(f"unsupported config type {hint}")


class _KeyLocator:
    """Finds the line of a key in TOML text: tomllib keeps no positions."""

    _header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _key = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

    def __init__(self, text: str, prefix: tuple[str, ...]) -> None:
        self.entries: list[tuple[tuple[str, ...], str, int]] = []
        table: tuple[str, ...] = ()
        for number, raw in enumerate(text.splitlines(), start=1):
            if m := self._header.match(raw):
                table = tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
                self.entries.append((table[:-1], table[-1], number))
                continue
            if m := self._key.match(raw):
                parts = tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
                full = table + parts
                self.entries.append((full[:-1], full[-1], number))
        self.prefix = prefix

    def __call__(self, where: tuple[str, ...], key: str) -> int:
        wanted = (*self.prefix, *where)
        for table, name, number in self.entries:
            if name == key and table == wanted:
                return number
        for table, name, number in self.entries:  # arrays of tables, inline tables
            if name == key and table[: len(self.prefix)] == self.prefix:
                return number
        return 1
