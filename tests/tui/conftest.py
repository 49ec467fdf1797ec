"""The demo repository after `check` ran on its Claude Code commit, so the store holds that
run's findings (the rewritten expectation, the tests that cannot fail, surviving mutants)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from comprehend.adversary.review import CheckOptions, CheckResult, run_check
from comprehend.demo import DemoRepo
from comprehend.graph.build import build_graph
from comprehend.history.share import line_share
from comprehend.workspace import open_workspace


@dataclass(frozen=True)
class CheckedDemo:
    demo: DemoRepo
    path: Path  # a copy of the demo, folder named shopcart like the demo's
    result: CheckResult  # the check of the Claude Code commit against its parent

    def copy(self, folder: Path) -> Path:
        """A private copy (store included) for a test that writes: acknowledgments, checks."""
        target = folder / "shopcart"
        shutil.copytree(self.path, target, symlinks=True)
        return target


@pytest.fixture(scope="session")
def checked_demo(demo: DemoRepo, tmp_path_factory: pytest.TempPathFactory) -> CheckedDemo:
    path = tmp_path_factory.mktemp("checked") / "shopcart"
    shutil.copytree(demo.path, path, symlinks=True)
    workspace = open_workspace(path)
    claude = demo.rewritten.commit
    with workspace.open_store() as store:
        result = run_check(workspace.repo, workspace.config, store,
                           CheckOptions(base=f"{claude}^", head=claude))
        # Warm, as after a first review: the line attribution and the graph are cached, so
        # each copy opens as fast as a second start would.
        line_share(workspace, store, workspace.repo.head)
        build_graph(workspace.repo, workspace.config, store, rev=workspace.repo.head)
    return CheckedDemo(demo, path, result)
