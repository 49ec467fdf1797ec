"""Lines that only print (comprehend/adversary/mutation/output.py, mutate.py's `output`):
what their mutants are, and which tests are read as capturing output."""

from __future__ import annotations

from pathlib import Path

from comprehend.adversary.mutation.arid import load_arid_rules
from comprehend.adversary.mutation.mutate import load_operators, mutate_file
from comprehend.adversary.mutation.output import OutputCapture, judge
from comprehend.adversary.mutation.select import BaselineTest, CoverageMap

OPS, _ = load_operators(None)
RULES, _ = load_arid_rules(None)

CLI = (
    "import click\n"                                     # 1
    "def main(name, n):\n"                               # 2
    "    if n > 1:\n"                                    # 3
    "        click.echo(f'Hello {name}!')\n"             # 4
    "    print('done')\n"                                # 5
    "    x = n + 1\n"                                    # 6
    "    return x\n"                                     # 7
)


def test_printing_lines_stay_arid_unless_asked() -> None:
    plan = mutate_file("cli.py", CLI, frozenset(range(1, 8)), OPS, RULES)
    assert sorted(plan.arid_changed_lines) == [4, 5]
    assert plan.printing == frozenset()
    assert sorted({m.line for m in plan.mutants}) == [3, 6, 7]


def test_printed_strings_and_fstring_parts_are_mutated_when_asked() -> None:
    plan = mutate_file("cli.py", CLI, frozenset(range(1, 8)), OPS, RULES, output=True)
    assert plan.arid_changed_lines == frozenset()
    assert plan.printing == frozenset({4, 5})
    printed = [(m.line, m.operator, m.replacement) for m in plan.mutants if m.line in (4, 5)]
    assert printed == [
        (4, "statement-deletion", "pass"),
        (4, "none-value", "None"),
        (4, "output", '""'),
        (4, "output", "f'{name}!'"),
        (4, "output", "f'Hello !'"),
        (4, "output", "f'Hello {name}'"),
        (5, "statement-deletion", "pass"),
        (5, "string", "'XXdoneXX'"),
        (5, "none-value", "None"),
        (5, "output", '""'),
    ]
    # the condition around a print keeps the usual operators
    assert [m.operator for m in plan.mutants if m.line == 3] == [
        "negate-condition", "drop-condition", "comparison", "boundary", "constant", "constant"]


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_capture_is_read_from_the_test_its_helpers_and_its_fixtures(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "tests/conftest.py": ("import pytest\nfrom click.testing import CliRunner\n\n"
                              "@pytest.fixture\ndef runner():\n    return CliRunner()\n"),
        "tests/test_cli.py": (
            "import subprocess\n\n"
            "def run(args):\n    return subprocess.run(args, capture_output=True, text=True)\n\n"
            "def test_invoke(runner):\n    assert runner is not None\n\n"
            "def test_capsys(capsys):\n    main()\n    assert capsys.readouterr().out == 'x\\n'\n\n"
            "def test_helper():\n    assert run(['x']).returncode == 0\n\n"
            "def test_plain():\n    assert main() is None\n\n"
            "def test_asserted(result):\n    assert 'Hi' in result.output\n\n"
            "def test_unittest_style(self_run):\n    self.assertIn('Hi', self_run().stdout)\n\n"
            "def test_model(model):\n    out = model.output\n    assert out == 3\n\n"
            "class TestCli:\n"
            "    def check(self):\n        return run(['y'])\n"
            "    def test_method(self):\n        assert self.check()\n"
            "    def test_quiet(self):\n        assert 1 + 1 == 2\n"),
        "tests/test_lib.py": "def test_add():\n    assert 1 + 1 == 2\n",
    })
    capture = OutputCapture(root, RULES)
    assert capture.any() is True
    assert {t: capture.captures(f"tests/test_cli.py::{t}") for t in (
        "test_invoke", "test_capsys", "test_helper", "test_plain", "test_asserted",
        "test_unittest_style", "test_model", "TestCli::test_method",
        "TestCli::test_quiet", "test_capsys[param]", "missing")} == {
        "test_invoke": True, "test_capsys": True, "test_helper": True, "test_plain": False,
        "test_asserted": True, "test_unittest_style": True,
        "test_model": False,  # an attribute named output, never asserted: not printed output
        "TestCli::test_method": True, "TestCli::test_quiet": False, "test_capsys[param]": True,
        "missing": False}
    assert capture.captures("tests/test_lib.py::test_add") is False


def test_a_suite_that_never_captures_output_keeps_printing_lines_arid(tmp_path: Path) -> None:
    root = write(tmp_path, {"tests/test_lib.py": "def test_add(m):\n    x = m.output\n    assert x == 2\n",
                            "lib.py": "def f():\n    print(sys.stdout)\n"})  # not a test file
    assert OutputCapture(root, RULES).any() is False
    write(root, {"tests/test_run.py": "def test_run(r):\n    assert r.stdout == 'x'\n"})
    assert OutputCapture(root, RULES).any() is True


def test_without_coverage_printing_lines_are_left_alone_and_the_note_says_why(tmp_path: Path) -> None:
    root = write(tmp_path, {"tests/test_cli.py": "def test_capsys(capsys):\n    assert capsys.readouterr().out == 'x'\n"})
    plan = mutate_file("cli.py", CLI, frozenset(range(1, 8)), OPS, RULES, output=True)
    kept, note = judge({"cli.py": plan}, list(plan.mutants), None, OutputCapture(root, RULES))
    assert sorted({m.line for m in kept}) == [3, 6, 7]
    # unmeasured is not "no test captures": the suite above does capture output
    assert note == ("mutation: 2 changed lines that only print were left alone: which tests run "
                    "them was not measured (no per-line coverage), so none is known to capture output")


def test_printing_lines_no_test_runs_are_left_alone_and_the_note_says_so(tmp_path: Path) -> None:
    root = write(tmp_path, {"tests/test_cli.py": "def test_capsys(capsys):\n    assert capsys.readouterr().out == 'x'\n"})
    plan = mutate_file("cli.py", CLI, frozenset(range(1, 8)), OPS, RULES, output=True)
    test = "tests/test_cli.py::test_capsys"
    # the capturing test runs line 5 only; line 4 (under `if n > 1`) runs in no test
    cmap = CoverageMap({test: BaselineTest(test, "passed", 0.1)},
                       {"cli.py": {3: frozenset({test}), 5: frozenset({test})}}, {}, None)
    kept, note = judge({"cli.py": plan}, list(plan.mutants), cmap, OutputCapture(root, RULES))
    assert sorted({m.line for m in kept}) == [3, 5, 6, 7]
    assert note == "mutation: 1 changed lines that only print were left alone: no passing test runs them"
