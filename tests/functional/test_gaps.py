"""One finding per gap, through `comprehend check` with real mutation testing: survivors in one
untested branch are one finding; survivors on re-indented old lines are none."""

from __future__ import annotations

import json
import subprocess
import sys

from adversary_helpers import two_commits
from gitrepo import GitRepo

from comprehend.adversary.findings import Finding
from comprehend.adversary.gaps import group_survivors

CODE = '''def fee(amount, express):
    if express:
        base = amount * 2
        extra = base + 5
        capped = min(extra, 100)
        rounded = round(capped, 1)
        return rounded - 1
    return amount
'''
TEST = '''from shop import fee


def test_standard_fee():
    assert fee(10, False) == 10
'''


def test_an_untested_branch_of_five_statements_is_one_finding(repo: GitRepo, clean_env) -> None:
    repo.write("shop.py", "def fee(amount, express):\n    return amount\n")
    repo.write("test_shop.py", TEST)
    repo.commit("fee")
    repo.write("shop.py", CODE)
    repo.commit("Express fee")
    proc = subprocess.run([sys.executable, "-m", "comprehend", "check", "--base", "HEAD~1",
                           "--all-authors", "--format", "json"], cwd=repo.path, env=clean_env,
                          capture_output=True, text=True, timeout=600)
    report = json.loads(proc.stdout)
    survivors = [f for f in report["findings"] if f["rule"] == "surviving-mutant"]
    assert [(f["file"], f["start_line"], f["end_line"]) for f in survivors] == [("shop.py", 3, 7)]
    [gap] = survivors
    assert gap["evidence"]["survivors"] == 5
    assert gap["evidence"]["lines"] == "3, 4, 5, 6, 7"
    assert gap["title"] == "5 mutants survive in the block `if express:` (lines 3-7) in fee"
    assert gap["evidence"]["why"].startswith("no test checks what the code does when `express` "
                                             "holds (in fee)")
    assert gap["evidence"]["mutant"].startswith("--- a/shop.py")


def survivor(line: int, confidence: float = 0.8) -> Finding:
    return Finding(rule="surviving-mutant", severity="medium", confidence=confidence,
                   file="calc.py", start_line=line, end_line=line, title=f"No test fails ({line})",
                   evidence={"mutation": f"mutant on {line}", "mutant": f"diff {line}"})


def test_reindented_old_lines_are_not_reported_and_blocks_stay_apart(repo: GitRepo) -> None:
    before = "def f(x):\n    y = x + 1\n    return y\n"
    after = ("def f(x):\n    if x:\n        y = x + 1\n        return y\n"
             "    else:\n        z = x - 1\n        return z * 2\n")
    change, sources = two_commits(repo, {"calc.py": before}, {"calc.py": after})
    notes: list[str] = []
    found = group_survivors([survivor(2), survivor(3), survivor(4), survivor(6),
                             survivor(7, 0.9)], change, sources, notes)
    # 3-4 are old code re-indented under the new `if`; 6-7 are the else arm; 2 (the
    # condition) is a gap of its own
    assert [(f.start_line, f.end_line, f.evidence.get("survivors")) for f in found] == [
        (2, 2, None), (6, 7, 2)]
    assert found[1].evidence["mutant"] == "diff 7"  # the likeliest survivor represents the gap
    assert found[1].evidence["why"] == (
        "no test checks the `else` path (in f): a test that takes that path and asserts its "
        "result or error would catch these mutants")
    assert notes == ["2 surviving mutant(s) on lines the change only re-indented or re-wrapped "
                     "were not reported (that code is not new)"]


def test_a_lone_survivor_keeps_its_finding(repo: GitRepo) -> None:
    change, sources = two_commits(repo, {"calc.py": "def f(x):\n    return x\n"},
                                  {"calc.py": "def f(x):\n    return x + 1\n"})
    lone = survivor(2)
    assert group_survivors([lone], change, sources, []) == [lone]


def test_other_rules_pass_through(repo: GitRepo) -> None:
    change, sources = two_commits(repo, {"calc.py": "x = 1\n"}, {"calc.py": "x = 2\n"})
    other = Finding(rule="secret", severity="high", confidence=1.0, file="calc.py",
                    start_line=1, end_line=1, title="t")
    assert group_survivors([other], change, sources, []) == [other]


