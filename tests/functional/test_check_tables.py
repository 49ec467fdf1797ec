"""`comprehend check` on a pull request that rewrites a parametrize row with the code: the
finding, its row-exact re-run command, and the command kept whole in text output."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

from gitrepo import GitRepo

CLAUDE = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"
WORDS = 'NAMES = {1: "one", 9: "nine"}\n\n\ndef words(n):\n    return NAMES.get(n, str(n))\n'
TESTS = textwrap.dedent("""\
    import pytest

    from numbers_in_words_for_a_rather_long_module_name import words


    @pytest.mark.parametrize("number_of_items_in_the_basket, expected_words_for_the_receipt", [
        (1, "one"),
        (9, "nine"),
    ])
    def test_words_are_spelled_out_on_the_printed_receipt(number_of_items_in_the_basket,
                                                          expected_words_for_the_receipt):
        assert words(number_of_items_in_the_basket) == expected_words_for_the_receipt
    """)
MODULE = "numbers_in_words_for_a_rather_long_module_name.py"
TEST_FILE = "tests/receipts/printing/test_numbers_in_words_for_a_rather_long_module_name.py"


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_parametrize_row_rewritten_by_an_ai_commit(repo: GitRepo, clean_env) -> None:
    repo.write(MODULE, WORDS)
    repo.write(TEST_FILE, TESTS)
    base = repo.commit("Spell numbers out")
    repo.write(MODULE, WORDS.replace("NAMES.get(n, str(n))", "str(n)"))
    repo.write(TEST_FILE, TESTS.replace('(9, "nine")', '(9, "9")'))
    repo.commit("Use digits" + CLAUDE, author="Dana Kim", email="dana@example.com")

    proc = run(["check", "--no-exec", "--format", "json", "--base", base], repo.path, clean_env)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert [(f["rule"], f["severity"], f["file"], f["start_line"]) for f in report["findings"]] == [
        ("rewritten-expectation", "high", TEST_FILE, 8)]
    rerun = report["findings"][0]["evidence"]["rerun"]
    node = f"{TEST_FILE}::test_words_are_spelled_out_on_the_printed_receipt[9-9]"
    assert rerun == f"python -m pytest '{node}'"
    collected = subprocess.run([sys.executable, *shlex.split(rerun)[1:], "--collect-only", "-q",
                                "-p", "no:cacheprovider"], cwd=repo.path, capture_output=True,
                               text=True, timeout=120)
    assert collected.stdout.splitlines()[0] == node

    text = run(["check", "--no-exec", "--base", base], repo.path, clean_env).stdout
    # on one line, however long: a terminal wraps it visually, a copy takes it whole
    assert f"      rerun: {rerun}" in text.splitlines()
