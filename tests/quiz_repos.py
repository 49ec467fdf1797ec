"""A small repository for the quiz kinds' tests: a call graph, tests, co-changes and a
line whose origin commit is known."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitrepo import GitRepo

CORE_V1 = '''def parse(text):
    return [int(x) for x in text.split(",")]


def total(values):
    result = 0
    for value in values:
        result = result + value
    return result


def summary(text):
    values = parse(text)
    return total(values), largest(values)


def largest(values):
    best = None
    for value in values:
        if best is None or value > best:
            best = value
    return best
'''
CORE_V2 = CORE_V1.replace("        result = result + value\n", "        result += value\n")
CORE_V3 = CORE_V2 + '''

def has_negative(values):
    found = False
    for value in values:
        if value < 0:
            found = True
    return found
'''
CORE_V4 = CORE_V3 + '''

def count_up(limit):
    step = 0
    while step < limit:
        step += 1
    return step
'''
REPORT = '''from pkg.core import summary


def render(text):
    count, top = summary(text)
    return f"{count} {top}"


def banner(title):
    return title.upper()


def shout(title):
    return banner(title) + "!"
'''
WIDGET = '''class Widget:
    def frobnicate(self):
        return 1


def poke(thing):
    return thing.frobnicate()
'''
TEST_CORE = '''from pkg.core import parse, total


def test_total():
    assert total([1, 2]) == 3


def test_parse():
    assert parse("1,2") == [1, 2]
'''
TEST_REPORT = '''from pkg.report import banner, render, shout


def test_render():
    assert render("1,2") == "3 2"


def test_banner():
    assert banner("a") == "A"


def test_shout():
    assert shout("a") == "A!"
'''


@dataclass(frozen=True)
class QuizRepo:
    path: Path
    commits: dict[str, str]  # role -> sha


def build_quiz_repo(path: Path) -> QuizRepo:
    repo = GitRepo.create(path)
    shas = {}
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.py", CORE_V1)
    repo.write("pkg/report.py", REPORT.replace("!", "?"))
    repo.write("tests/test_core.py", TEST_CORE)
    repo.write("tests/test_report.py", TEST_REPORT.replace("A!", "A?"))
    shas["first"] = repo.commit("Parse and total numbers")
    repo.write("pkg/core.py", CORE_V2)
    repo.write("tests/test_core.py", TEST_CORE + "\n\ndef test_total_empty():\n    assert total([]) == 0\n")
    shas["augmented"] = repo.commit("Add in place", author="Claude", email="noreply@anthropic.com")
    repo.write("pkg/core.py", CORE_V3)
    repo.write("tests/test_core.py", TEST_CORE + "\n\ndef test_total_empty():\n    assert total([]) == 0\n\n")
    shas["negative"] = repo.commit("Spot negative numbers")
    repo.write("pkg/report.py", REPORT)
    repo.write("tests/test_report.py", TEST_REPORT)
    shas["shout"] = repo.commit("Shout with a bang")
    repo.write("pkg/core.py", CORE_V4)
    repo.write("pkg/report.py", REPORT + "\n\ndef whisper(title):\n    return title.lower()\n")
    shas["count"] = repo.commit("Count up and whisper")
    repo.write("pkg/widget.py", WIDGET)
    repo.write("pkg/constants.py", "LIMIT = 10\n")
    repo.write("docs/notes.md", "# Notes\n")
    shas["widget"] = repo.commit("A widget")
    return QuizRepo(repo.path, shas)
