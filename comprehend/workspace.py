"""What every command starts from: the repository, its configuration and its store path."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from comprehend import git
from comprehend.config import CONFIG_FILE, Config, config_from_texts, load_config
from comprehend.git import Repository, open_repository
from comprehend.store import Store, open_store


@dataclass(frozen=True)
class Workspace:
    repo: Repository
    config: Config
    store_path: Path

    def open_store(self) -> Store:
        return open_store(self.store_path)


def open_workspace(path: Path | str, db: Path | None = None, config_file: Path | None = None,
                   config_at: Callable[[Repository], str] | None = None) -> Workspace:
    """`config_at` picks a commit whose committed configuration is used instead of the
    working tree's (`check` uses the base of the change); --config FILE still wins."""
    repo = open_repository(path)
    if config_file is None and config_at is not None:
        config = committed_config(repo, config_at(repo))
    else:
        config = load_config(repo.root, config_file)
    if db is not None:
        store_path = Path(db).expanduser().resolve()
    elif config.store:
        store_path = (repo.root / config.store).resolve()
    else:
        store_path = repo.default_store_path()
    return Workspace(repo=repo, config=config, store_path=store_path)


def committed_config(repo: Repository, rev: str) -> Config:
    """The configuration as committed in `rev`, read from git objects (never the working
    tree): .comprehend.toml, else [tool.comprehend] in pyproject.toml, else defaults."""
    own, pyproject = f"{rev}:{CONFIG_FILE}", f"{rev}:pyproject.toml"
    blobs = git.read_blobs(repo, [own, pyproject])
    config = config_from_texts(blobs.get(own), blobs.get(pyproject), rev[:12])
    return dataclasses.replace(config, read_from=rev)
