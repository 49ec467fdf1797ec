from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gitrepo import BASE_ENV, GitRepo  # noqa: E402

# A CI runner's marks: with them, commands print plain progress lines on stderr. Tests run
# as on a developer's machine; the progress tests set them themselves.
CI_MARKS = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE")


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """comprehend's own git calls in tests see no user or system git config either, and
    commands see no CI runner around them."""
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    for key in CI_MARKS:
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A fresh repository with one commit."""
    r = GitRepo.create(tmp_path / "repo")
    r.write("README.md", "# fixture\n")
    r.commit("Initial commit")
    return r


@pytest.fixture
def comprehend_bin() -> list[str]:
    """The command line that runs this checkout's comprehend in a subprocess."""
    return [sys.executable, "-m", "comprehend"]


@pytest.fixture
def clean_env() -> dict[str, str]:
    return {**os.environ, **BASE_ENV}


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo repository of comprehend/demo (a DemoRepo), built once per session in a
    folder named shopcart. Shared: read it, never change it (copy it to change it)."""
    from comprehend.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo") / "shopcart")
