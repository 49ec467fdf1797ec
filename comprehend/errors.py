"""Errors a user can act on. Each prints as one line and exits 2; --debug shows the traceback."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """Bad input: a file, ref or option the user can fix. The message names it and the fix."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(UserError):
    """A configuration file that does not parse or does not match the schema."""


class RepositoryError(UserError):
    """Not a repository, a bare one, one without commits, a bad ref."""


class StoreError(UserError):
    """The SQLite store cannot be used as it is: newer schema, corrupt file."""

