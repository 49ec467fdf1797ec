"""What every command starts from: the repository, its configuration and its store path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from comprehend.config import Config, load_config
from comprehend.git import Repository, open_repository
from comprehend.store import Store, open_store


@dataclass(frozen=True)
class Workspace:
    repo: Repository
    config: Config
    store_path: Path

    def open_store(self) -> Store:
        return open_store(self.store_path)


def open_workspace(path: Path | str, db: Path | None = None, config_file: Path | None = None) -> Workspace:
    repo = open_repository(path)
    config = load_config(repo.root, config_file)
    if db is not None:
        store_path = Path(db).expanduser().resolve()
    elif config.store:
        store_path = (repo.root / config.store).resolve()
    else:
        store_path = repo.default_store_path()
    return Workspace(repo=repo, config=config, store_path=store_path)
