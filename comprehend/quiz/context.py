"""What question kinds read: the repository, its code graph at one commit, that commit's
files, and (for kinds that run code) a copy of those files on disk, made on first use in the
adversary's sandbox and removed by close()."""

from __future__ import annotations

import gc
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
    about: Any | None = None  # quiz.targets.About: what --about narrowed the quiz to
    llm: Any | None = None  # quiz.language_model.QuizModel: None without a model configured
    _sources: dict[str, str] = field(default_factory=dict, repr=False)
    _sandbox: Any | None = field(default=None, repr=False)
    _copy: Path | None = field(default=None, repr=False)
    _bank_files: list[tuple[str, str]] | None = field(default=None, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)  # kinds' shared caches
    _reader: Any | None = field(default=None, repr=False)  # one git cat-file for every source()

    def source(self, path: str) -> str:
        """The text of `path` at head ('' when it is not there or not text)."""
        if path not in self._sources:
            blobs = self._memo.get("blobs")
            if blobs is None:  # the graph lists head's source files with their blobs
                blobs = self._memo["blobs"] = {row[0]: row[1] for row in self.graph.files}
            blob = blobs.get(path)
            if blob is None:
                tracked = git.paths_at(self.repo, self.head, [path]).get(path)
                blob = tracked.blob if tracked else None
            data = b""
            if blob is not None:
                if self._reader is None:
                    self._reader = git.BlobReader(self.repo)
                data = dict(self._reader.read([blob])).get(blob, b"")
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
        gc.unfreeze()
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = self._copy = None


def open_context(repo: Repository, config: Config, store: Any | None, rev: str = "HEAD",
                 progress=None) -> QuizContext:
    """The context for questions about `rev`: its graph (cached in the store) and the hash
    of the quiz policy in force (the shipped policy files and the repository's own bank)."""
    from comprehend.graph.build import build_graph
    from comprehend.quiz.bank import bank_files

    head = git.resolve_ref(repo, rev, option="revision")
    # The graph is a million objects that live as long as the session: left to the cyclic
    # collector, they are traversed again by each generation's next collection (a quarter
    # of the CPU time to the first question on SQLAlchemy). They are made with the collector
    # off and frozen before it is back on; close() hands them back to it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        graph = build_graph(repo, config, store, rev=head, progress=progress)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    ctx = QuizContext(repo=repo, config=config, graph=graph, head=head, policy_hash="", store=store)
    ctx.policy_hash = quiz_policy_hash(ctx, bank_files(ctx))
    return ctx


def quiz_policy_hash(ctx: QuizContext, bank: list[tuple[str, str]]) -> str:
    """One hash over the shipped quizzes/ policy and the repository's bank files at head."""
    import hashlib

    from comprehend.policy import builtin_dir

    digest = hashlib.sha256()
    shipped = builtin_dir("quizzes")
    for path in sorted(shipped.glob("*.toml")) if shipped.is_dir() else []:
        digest.update(b"shipped/" + path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for path, text in sorted(bank):
        digest.update(path.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()[:16]
