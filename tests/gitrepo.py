"""Real git repositories for tests, built with the git CLI in temporary folders.

Every command runs with an explicit identity and dates in GIT_AUTHOR_*/GIT_COMMITTER_*,
and with the user's global and system git config hidden, so tests never depend on the
machine's git setup."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

BASE_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_AUTHOR_DATE": "2026-01-05T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-05T10:00:00+00:00",
    "LC_ALL": "C",
}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> str:
    full_env = {**os.environ, **BASE_ENV, **(env or {})}
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=full_env, input=input, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


@dataclass
class GitRepo:
    path: Path
    _tick: int = field(default=0)

    @classmethod
    def create(cls, path: Path) -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", "main")
        return cls(path)

    def write(self, relpath: str, content: str | bytes) -> Path:
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
        return target

    def commit(
        self,
        message: str,
        *,
        author: str = "Test Author",
        email: str = "author@example.com",
        committer: str | None = None,
        committer_email: str | None = None,
        date: str | None = None,
    ) -> str:
        """Stage everything and commit; dates advance one hour per commit unless given."""
        self._tick += 1
        when = date or f"2026-01-05T{10 + self._tick // 60:02d}:{self._tick % 60:02d}:00+00:00"
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": committer or author,
            "GIT_COMMITTER_EMAIL": committer_email or email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
        git(self.path, "add", "-A", env=env)
        git(self.path, "commit", "-q", "--allow-empty", "-F", "-", env=env, input=message)
        return self.head()

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD").strip()

    def git(self, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> str:
        return git(self.path, *args, env=env, input=input)
