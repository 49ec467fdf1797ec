"""Which command runs the repository's tests, with which interpreter and why, and what to tell
the user when that command cannot run them (the check then fails closed)."""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from comprehend.config import Config
from comprehend.errors import UserError

# Set by the GitHub Action to the python that was on PATH before it installed comprehend
# in a virtualenv of its own: the project's environment.
PYTHON_ENV = "COMPREHEND_PYTHON"


@dataclass(frozen=True)
class TestCommand:
    argv: tuple[str, ...]
    interpreter: str | None  # the python that runs the tests, when known
    why: str  # how it was chosen, for the report

    @property
    def pytest(self) -> bool:
        names = [Path(a).name for a in self.argv]
        return any(n in ("pytest", "py.test") for n in names) or any(
            a == "-m" and b == "pytest" for a, b in zip(self.argv, self.argv[1:], strict=False))

    def shown(self) -> str:
        return shlex.join(self.argv)

    def describe(self) -> str:
        who = self.interpreter or self.argv[0]
        return f"tests ran with {who} ({self.why})"

    def prefix(self) -> Path | None:
        """The interpreter's environment (a virtualenv's folder), mounted read-only."""
        if self.interpreter is None:
            return None
        folder = Path(self.interpreter).parent.parent
        return folder if (folder / "pyvenv.cfg").is_file() else None


def resolve_test_command(config: Config, repo_root: Path) -> TestCommand:
    """[adversary] test_command, else `python -m pytest` with the project's python."""
    if config.adversary.test_command:
        argv = shlex.split(config.adversary.test_command)
        if not argv:
            raise UserError("[adversary] test_command is empty; set it to the command that runs "
                            "the tests, e.g. \"python -m pytest\"")
        python = argv[0] if re.fullmatch(r"python[\d.]*", Path(argv[0]).name) else None
        return TestCommand(tuple(argv), python, "[adversary] test_command")
    python, why = project_python(repo_root)
    return TestCommand((python, "-m", "pytest"), python, why)


def project_python(repo_root: Path) -> tuple[str, str]:
    """The python that has the project's dependencies, and why it was chosen."""
    named = os.environ.get(PYTHON_ENV)
    if named:
        return named, f"${PYTHON_ENV}"
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        found = _venv_python(Path(venv))
        if found:
            return found, "the active virtualenv, $VIRTUAL_ENV"
    for name in (".venv", "venv"):
        found = _venv_python(repo_root / name)
        if found:
            return found, f"the project's own {name}"
    return sys.executable, "the python running comprehend: no virtualenv is active"


def _venv_python(folder: Path) -> str | None:
    if not (folder / "pyvenv.cfg").is_file():
        return None
    for candidate in (folder / "bin" / "python", folder / "Scripts" / "python.exe"):
        if candidate.exists():
            return str(candidate)
    return None


def why_tests_cannot_run(command: TestCommand, exit_code: int | None, output: str) -> str:
    """One line: what stopped the baseline run and how to fix it."""
    who = command.interpreter or command.argv[0]
    missing = re.search(r"No module named '?([\w.]+)'?", output)
    if missing and missing.group(1).split(".")[0] == "pytest":
        return (f"pytest is not installed for {who} ({command.why}); install the project's test "
                "dependencies there, activate the project's virtualenv, or set [adversary] "
                "test_command")
    if missing:
        return (f"the tests cannot import '{missing.group(1)}' under {who} ({command.why}); "
                "install the project and its test dependencies into that environment "
                f"(e.g. `{who} -m pip install -e .`), activate the project's virtualenv, or set "
                "$COMPREHEND_PYTHON or [adversary] test_command")
    unknown = re.search(r"unrecognized arguments: ([^\n]+)", output)
    if unknown:
        return (f"pytest under {who} does not know {unknown.group(1).strip()} (a plugin the "
                "project's configuration needs is missing there); install the project's test "
                "dependencies into that environment")
    if exit_code == 2 or "errors during collection" in output or "ERROR collecting" in output:
        return (f"the tests under {who} fail to collect: {last_error(output)}; run "
                f"`{command.shown()}` to see the error, fix it, or run with --no-exec")
    return (f"`{command.shown()}` failed (exit {exit_code}) before any mutant: "
            f"{last_error(output)}; make the tests pass at the head, or run with --no-exec")


def last_error(output: str) -> str:
    """What a failed run said: its first error (pytest's `E   ...` lines) and its last line."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    if not lines:
        return "no output"
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    named = [e for e in errors if re.match(r"[\w.]*(Error|Exception)\b", e)]
    first_error = (named or errors or [None])[0]
    last = lines[-1].strip("= ")
    return (f"{first_error[:200]} ({last[:100]})" if first_error else last[:200])
