"""What question kinds read: the repository, its code graph at one commit, that commit's
files, and (for kinds that run code) a copy of those files on disk, made on first use in the
adversary's sandbox and removed by close()."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from comprehend import git
from comprehend.config import Config
from comprehend.git import Repository
from comprehend.graph.codegraph import CodeGraph


@dataclass
class QuizContext:
    repo: Repository
    config: Config
    graph: CodeGraph  # at `head`
    head: str  # the commit the questions are about (a full sha)
    policy_hash: str  # content hash of the quiz policy in force
    store: Any | None = None  # comprehend.store.Store, when there is one
    _sources: dict[str, str] = field(default_factory=dict, repr=False)
    _sandbox: Any | None = field(default=None, repr=False)
    _copy: Path | None = field(default=None, repr=False)

    def source(self, path: str) -> str:
        """The text of `path` at head ('' when it is not there or not text)."""
        if path not in self._sources:
            tracked = git.paths_at(self.repo, self.head, [path])
            blob = tracked.get(path)
            data = git.read_blobs(self.repo, [blob.blob]).get(blob.blob, b"") if blob else b""
            self._sources[path] = data.decode("utf-8", "replace")
        return self._sources[path]

    def checkout(self) -> Path:
        """A copy of head's files on disk, outside the repository, for kinds that run code."""
        if self._copy is None:
            from comprehend.adversary.sandbox import Sandbox

            self._sandbox = Sandbox(self.repo, self.head)
            self._copy = self._sandbox.build()
        return self._copy

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = self._copy = None
