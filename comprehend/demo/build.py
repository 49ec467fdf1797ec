"""Build the demo repository with the git CLI, and return a record of what was built so
tests (the adversary's above all) can assert against the planted bug and weak tests."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from comprehend.demo import story
from comprehend.errors import UserError
from comprehend.git import commit_all, init_repository


class DemoFolderError(UserError):
    """The folder given for the demo repository cannot take it."""


@dataclass(frozen=True)
class DemoCommit:
    role: str  # the Step's role in comprehend/demo/story.py
    sha: str
    subject: str
    author_name: str
    author_email: str
    date: str  # ISO 8601 with offset: author and commit date
    origin: story.Origin  # human, ai or bot: the truth attribution should recover
    tool: str | None  # claude-code, copilot-agent, aider, cursor, dependabot


@dataclass(frozen=True)
class PlantedBug:
    commit: str
    file: str
    line: int  # 1-based, at HEAD
    function: str
    buggy: str  # the line as committed
    correct: str  # the line as it should read


@dataclass(frozen=True)
class RewrittenExpectation:
    commit: str  # the same commit as the bug
    file: str
    line: int  # 1-based, at HEAD
    test: str
    old: str  # the assert line before the commit (checks the right value)
    new: str  # the assert line after it (matches the bug)


@dataclass(frozen=True)
class WeakTests:
    commit: str
    function: str  # the new function whose tests cannot catch a wrong result
    file: str
    test_file: str
    tests: tuple[str, ...]


@dataclass(frozen=True)
class DemoRepo:
    path: Path
    commits: tuple[DemoCommit, ...]  # oldest first
    bug: PlantedBug
    rewritten: RewrittenExpectation
    weak_tests: WeakTests

    @property
    def head(self) -> str:
        return self.commits[-1].sha

    def commit(self, role: str) -> DemoCommit:
        for c in self.commits:
            if c.role == role:
                return c
        raise KeyError(f"no demo commit with role {role!r}")


def build_demo(path: Path) -> DemoRepo:
    """Create the demo repository in `path` (a new or empty folder)."""
    path = Path(path).expanduser().absolute()
    _check_folder(path)
    existed = path.exists()
    env = _isolated_env()
    try:
        init_repository(path, env=env)
        commits = tuple(_commit_step(path, step, env) for step in story.STEPS)
    except BaseException as exc:
        # Interrupted or failed: leave no half-built repository. Everything in the folder
        # is ours, since it was new or empty.
        _remove_contents(path, keep_folder=existed)
        if isinstance(exc, OSError):
            raise DemoFolderError(
                f"{path}: cannot write the demo there ({exc.strerror}); pass a folder you can write to"
            ) from exc
        raise
    claude = next(c for c in commits if c.role == "claude-code")
    return DemoRepo(
        path=path,
        commits=commits,
        bug=PlantedBug(
            commit=claude.sha,
            file="shopcart/discounts.py",
            line=_line_of(story.DISCOUNTS_V2, story.BUG_LINE),
            function="bulk_discount",
            buggy=story.BUG_LINE.strip(),
            correct=story.BUG_CORRECT_LINE.strip(),
        ),
        rewritten=RewrittenExpectation(
            commit=claude.sha,
            file="tests/test_discounts.py",
            line=_line_of(story.TEST_DISCOUNTS_V2, story.EXPECTATION_NEW_LINE),
            test=story.EXPECTATION_TEST,
            old=story.EXPECTATION_OLD_LINE.strip(),
            new=story.EXPECTATION_NEW_LINE.strip(),
        ),
        weak_tests=WeakTests(
            commit=claude.sha,
            function="loyalty_discount",
            file="shopcart/discounts.py",
            test_file="tests/test_discounts.py",
            tests=story.WEAK_TESTS,
        ),
    )


def _check_folder(path: Path) -> None:
    if path.is_file():
        raise DemoFolderError(f"{path}: is a file, not a folder; pass a new or empty folder for the demo")
    if path.is_dir() and any(path.iterdir()):
        raise DemoFolderError(
            f"{path}: folder is not empty; pass a new or empty folder for the demo"
        )


def _remove_contents(path: Path, *, keep_folder: bool) -> None:
    if not path.is_dir():
        return
    if not keep_folder:
        shutil.rmtree(path, ignore_errors=True)
        return
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _isolated_env() -> dict[str, str]:
    # The user's global and system git config (hooks, templates, signing, autocrlf) must
    # not change the demo: the same story gives the same commit shas on every machine.
    # GIT_CONFIG_COUNT/GIT_CONFIG_PARAMETERS carry `-c` settings from a parent git process.
    return {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_COUNT": "0", "GIT_CONFIG_PARAMETERS": ""}


def _commit_step(root: Path, step: story.Step, base_env: dict[str, str]) -> DemoCommit:
    for rel, text in step.files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    committer = step.committer or step.author
    env = {
        **base_env,
        "GIT_AUTHOR_NAME": step.author.name,
        "GIT_AUTHOR_EMAIL": step.author.email,
        "GIT_AUTHOR_DATE": step.date,
        "GIT_COMMITTER_NAME": committer.name,
        "GIT_COMMITTER_EMAIL": committer.email,
        "GIT_COMMITTER_DATE": step.date,
    }
    sha = commit_all(root, step.message, env)
    return DemoCommit(
        role=step.role,
        sha=sha,
        subject=step.message.splitlines()[0],
        author_name=step.author.name,
        author_email=step.author.email,
        date=step.date,
        origin=step.origin,
        tool=step.tool,
    )


def _line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1
