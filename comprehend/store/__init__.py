"""The SQLite store: one file per repository under study. Only this package writes SQL."""

from comprehend.store.connection import Store, open_store

__all__ = ["Store", "open_store"]
