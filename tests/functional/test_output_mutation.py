"""Lines that only print are mutated where a test that runs them captures output (a click
CLI tested through CliRunner), and stay arid where none does (a library): real git
repositories, real pytest processes in the sandbox."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from gitrepo import GitRepo
from mutation_repos import change_of

from comprehend.adversary.mutation import run_mutation
from comprehend.config import Config


@pytest.fixture(autouse=True)
def _lean_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


CLI_V1 = '''import click


@click.command()
@click.argument("name")
def main(name):
    pass
'''
# Line 7 is checked by the test; line 8 is printed and never read.
CLI_V2 = '''import click


@click.command()
@click.argument("name")
def main(name):
    click.echo(f"Hello {name}!")
    click.echo(f"Your name has {len(name)} letters")
'''
CLI_TEST = '''from click.testing import CliRunner

from greet.cli import main


def test_greets_by_name():
    result = CliRunner().invoke(main, ["Ada"])
    assert result.exit_code == 0
    assert "Hello Ada!" in result.output
'''
LIB_V2 = '''def greeting(name):
    print(f"Hello {name}!")
    print(f"Your name has {len(name)} letters")
    return f"Hello {name}!"
'''
LIB_TEST = '''from greet.lib import greeting


def test_greeting():
    assert greeting("Ada") == "Hello Ada!"
'''


def cli_repo(path: Path, with_lib: bool = False) -> GitRepo:
    repo = GitRepo.create(path)
    repo.write("greet/__init__.py", "")
    repo.write("greet/cli.py", CLI_V1)
    repo.write("tests/test_cli.py", CLI_TEST.replace('    assert "Hello Ada!" in result.output\n', ""))
    if with_lib:
        repo.write("greet/lib.py", "def greeting(name):\n    return name\n")
        repo.write("tests/test_lib.py", "from greet.lib import greeting\n\n\n"
                                        "def test_greeting():\n    assert greeting('Ada') == 'Ada'\n")
    repo.commit("base")
    return repo


def test_a_cli_echo_checked_by_clirunner_is_killed_and_the_unread_one_survives(tmp_path: Path) -> None:
    fixture = cli_repo(tmp_path / "r")
    fixture.write("greet/cli.py", CLI_V2)
    fixture.write("tests/test_cli.py", CLI_TEST)
    fixture.commit("Greet", author="Claude", email="noreply@anthropic.com")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    assert [(f.file, f.start_line, f.title) for f in report.findings] == [
        ("greet/cli.py", 8, "No test fails when `click.echo(f\"Your name has {len(name)} letters\")` -> "
                            "`pass` (statement-deletion)")]
    assert report.findings[0].evidence["tests"] == ["tests/test_cli.py::test_greets_by_name"]
    # line 7: deleted, None, emptied, and each of its three f-string parts dropped: all caught
    assert report.stats == dataclasses.replace(report.stats, mutants=12, killed=6, survived=1,
                                               timed_out=0, skipped=5)


def test_print_lines_of_a_library_whose_tests_capture_nothing_stay_arid(tmp_path: Path) -> None:
    fixture = GitRepo.create(tmp_path / "r")
    fixture.write("greet/__init__.py", "")
    fixture.write("greet/lib.py", "def greeting(name):\n    return name\n")
    fixture.write("tests/test_lib.py", "from greet.lib import greeting\n\n\n"
                                       "def test_greeting():\n    assert greeting('Ada') == 'Ada'\n")
    fixture.commit("base")
    fixture.write("greet/lib.py", LIB_V2)
    fixture.write("tests/test_lib.py", LIB_TEST)
    fixture.commit("Greeting", author="Claude", email="noreply@anthropic.com")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    assert report.findings == []
    assert report.notes[0] == ("mutation: 2 changed lines left alone as arid (logging, print, time, "
                               "flags, __repr__...: adversary/arid.toml)")


def test_print_lines_only_a_non_capturing_test_runs_are_left_alone(tmp_path: Path) -> None:
    """The repository captures output elsewhere (its CLI's test), but the library's print
    lines run only under a test that reads the return value: they are not judged."""
    fixture = cli_repo(tmp_path / "r", with_lib=True)
    fixture.write("greet/lib.py", LIB_V2)
    fixture.write("tests/test_lib.py", LIB_TEST)
    fixture.commit("Greeting", author="Claude", email="noreply@anthropic.com")
    repo, change = change_of(fixture)
    report = run_mutation(repo, Config(), change, None, None)
    assert report.findings == []
    assert report.notes[0] == ("mutation: 2 changed lines that only print were left alone: no test "
                               "that runs them captures output (CliRunner, capsys, capfd, a "
                               "subprocess's stdout)")
    assert (report.stats.mutants, report.stats.killed, report.stats.survived) == (1, 1, 0)  # its return
