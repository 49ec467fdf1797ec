"""The quiz kinds that run code, on a fixture repository: each key is checked against a
derivation of the test's own (the fixture's source run in this process, lines found by
hand, the mutant applied with `git apply` and pytest run on it), and each question's
evidence, run with `python -c` from the repository root, prints its key."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest
from gitrepo import BASE_ENV
from quiz_exec_repos import OPS, calc_repo, context, rng, target

from comprehend.adversary.mutation.arid import load_arid_rules
from comprehend.adversary.mutation.mutate import load_operators, mutate_file
from comprehend.quiz.callsites import literal_calls, runnable
from comprehend.quiz.kinds import exception_source, output, spot_bug, trace
from comprehend.quiz.model import Question, Refused
from comprehend.store import open_store
from comprehend.store.runs import RunRecord, record_run

OPS_TEXT = textwrap.dedent(OPS).lstrip("\n")


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        folder = tmp_path_factory.mktemp("kinds")
        repo = calc_repo(folder / "repo")
        with open_store(folder / "store.db") as store:
            ctx = context(repo, folder / "store.db", store)
            yield repo, ctx
            ctx.close()


def fixture_namespace(text: str = OPS_TEXT) -> dict:
    namespace: dict = {}
    exec(compile(text, "calc/ops.py", "exec"), namespace)
    return namespace


def shown(text: str, call: str) -> str:
    try:
        return repr(eval(call, fixture_namespace(text)))
    except Exception as exc:  # noqa: BLE001 - the exception's name is the expected answer
        return f"raises {type(exc).__name__}"


def line_of(text: str) -> int:
    return next(i for i, line in enumerate(OPS_TEXT.splitlines(), 1) if line.strip() == text)


def run_evidence(repo, question: Question) -> str:
    assert question.evidence["type"] == "python"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_ADDOPTS": "-p no:cacheprovider"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([sys.executable, "-c", question.evidence["code"]], cwd=repo.path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def call_in(prompt: str) -> str:
    return re.search(r"`(\w+\(.*?\))`", prompt).group(1)


def test_output_key_is_what_the_call_returns_and_wrong_answers_come_from_mutants(quiz):
    repo, ctx = quiz
    question = output.generate(ctx, target(ctx, "calc.ops.total"), rng())
    assert isinstance(question, Question), question
    call = call_in(question.prompt)
    assert question.answer == shown(OPS_TEXT, call) == "10"
    operators, _ = load_operators(repo.path)
    rules, _ = load_arid_rules(repo.path)
    mutants = mutate_file("calc/ops.py", OPS_TEXT, frozenset(range(1, 6)), operators, rules).mutants
    from_mutants = {shown(m.apply(OPS_TEXT), call) for m in mutants}
    wrong = set(question.choices) - {question.answer}
    assert len(question.choices) == len(set(question.choices)) >= 3
    assert wrong <= from_mutants
    assert (question.kind, question.category) == ("output", "reading")
    assert question.source.file == "calc/ops.py"
    assert question.source.start_line == 1
    assert question.code.startswith("def total(xs):")
    assert run_evidence(repo, question) == question.answer


def test_output_of_a_generator_function_is_the_list_it_yields(quiz):
    repo, ctx = quiz
    question = output.generate(ctx, target(ctx, "calc.ops.evens"), rng())
    assert isinstance(question, Question), question
    assert question.prompt == "What does `list(evens(7))` give?"
    assert question.answer == shown(OPS_TEXT, "list(evens(7))") == "[0, 2, 4, 6]"
    assert run_evidence(repo, question) == question.answer


def test_arguments_may_pass_literals_through_pure_builtins(quiz):
    repo, ctx = quiz
    question = output.generate(ctx, target(ctx, "calc.ops.span"), rng())
    assert isinstance(question, Question), question
    assert question.prompt == "What does `span(range(3, 9))` return?"
    assert question.answer == shown(OPS_TEXT, "span(range(3, 9))") == "5"
    assert run_evidence(repo, question) == question.answer


def test_trace_counts_loop_passes_and_lists_values(quiz):
    repo, ctx = quiz
    # Derived by hand from the fixture: total([1, 2, 3, 4]) and countdown(7).
    counts = {("total", line_of("for x in xs:")): "4", ("countdown", line_of("while n > 0:")): "4"}
    values = {("total", "s"): "0 -> 1 -> 3 -> 6 -> 10", ("total", "x"): "1 -> 2 -> 3 -> 4",
              ("countdown", "n"): "7 -> 5 -> 3 -> 1 -> -1",
              ("countdown", "steps"): "[] -> [7] -> [7, 5] -> [7, 5, 3] -> [7, 5, 3, 1]"}
    seen = set()
    for seed in range(12):
        for name in ("total", "countdown"):
            question = trace.generate(ctx, target(ctx, f"calc.ops.{name}"), rng(seed))
            assert isinstance(question, Question), question
            loop = re.search(r"loop on line (\d+) run", question.prompt)
            variable = re.search(r"which values does `(\w+)` take", question.prompt)
            if loop:
                assert question.answer == counts[(name, int(loop.group(1)))]
                assert {str(int(question.answer) + 1), str(int(question.answer) - 1)} <= set(question.choices)
                seen.add("count")
            else:
                assert question.answer == values[(name, variable.group(1))]
                steps = question.answer.split(" -> ")
                assert " -> ".join(steps[1:]) in question.choices  # missing the first value
                assert " -> ".join(steps[:-1]) in question.choices  # missing the last value
                seen.add("values")
            assert question.answer in question.choices
            assert len(set(question.choices)) == len(question.choices) == 4
        if seen == {"count", "values"}:
            break
    assert seen == {"count", "values"}
    assert run_evidence(repo, question) == question.answer


def test_trace_refuses_a_function_without_a_loop(quiz):
    _, ctx = quiz
    refused = trace.generate(ctx, target(ctx, "calc.ops.clamp"), rng())
    assert refused == Refused("trace", "calc.ops.clamp", "no loop")


def test_exception_source_names_the_raise_a_handler_catches(quiz):
    repo, ctx = quiz
    question = exception_source.generate(ctx, target(ctx, "calc.ops.price_or_zero"), rng())
    assert isinstance(question, Question), question
    raise_line = line_of('raise ValueError("empty price")')
    assert question.answer == f'calc/ops.py:{raise_line}: raise ValueError("empty price")'
    assert f"calc/ops.py:{line_of('return parse_price(text)')}: return parse_price(text)" in question.choices
    assert f"the `except ValueError` on line {line_of('except ValueError:')}" in question.prompt
    # The raiser is shown with the handler: the lines from one to the other, numbered true.
    assert question.code.startswith("def parse_price(text):")
    assert question.code.rstrip().endswith("return 0")
    assert (question.source.start_line, question.source.end_line) == (
        line_of("def parse_price(text):"), line_of("return 0"))
    assert run_evidence(repo, question) == question.answer


def test_exception_source_of_an_uncaught_error_raised_by_a_builtin(quiz):
    repo, ctx = quiz
    question = exception_source.generate(ctx, target(ctx, "calc.ops.parse_price"), rng())
    assert isinstance(question, Question), question
    assert question.prompt == "`parse_price('abc')` raises ValueError. Which line raises it?"
    assert question.answer == f"calc/ops.py:{line_of('return int(cleaned)')}: return int(cleaned)"
    assert run_evidence(repo, question) == question.answer


def test_exception_source_refuses_when_no_call_raises(quiz):
    _, ctx = quiz
    refused = exception_source.generate(ctx, target(ctx, "calc.ops.clamp"), rng())
    assert refused == Refused("exception_source", "calc.ops.clamp", "no call raises")


def test_spot_the_bug_key_fails_under_the_mutant_and_passes_on_the_original(quiz, tmp_path):
    repo, ctx = quiz
    question = spot_bug.generate(ctx, target(ctx, "calc.ops.clamp"), rng())
    assert isinstance(question, Question), question
    assert (question.kind, question.category, question.language) == ("spot_bug", "debugging", "diff")
    copy = tmp_path / "copy"
    shutil.copytree(repo.path, copy)
    assert failing(copy, question.choices) == set()
    subprocess.run(["git", "apply"], cwd=copy, input=question.code, text=True, check=True)
    assert failing(copy, question.choices) == {question.answer}
    assert run_evidence(repo, question) == question.answer
    assert repo.git("status", "--porcelain") == ""


def failing(folder, tests) -> set[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", *tests],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    return {line.split()[1] for line in done.stdout.splitlines() if line.startswith("FAILED ")}


BREAKS = "What does it break: which of these functions' own tests fail because of it?"


def spot_bug_in_form(ctx, symbol: str, form: str) -> Question:
    """The first seed whose question about `symbol` is in the given form (the forms are
    tried in a seeded order)."""
    for seed in range(12):
        question = spot_bug.generate(ctx, target(ctx, symbol), rng(seed))
        assert isinstance(question, Question), question
        if (BREAKS in question.prompt) == (form == "breaks"):
            return question
    raise AssertionError(f"no seed asks about {symbol} in the {form} form")


def naming_tests(repo, name: str) -> list[str]:
    """Our own reading of the fixture's tests: the test functions whose body names `name`."""
    found = []
    for path in sorted((repo.path / "tests").glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test") and any(
                    isinstance(n, ast.Name) and n.id == name for n in ast.walk(node)):
                found.append(f"tests/{path.name}::{node.name}")
    return found


def test_what_a_change_breaks_is_the_caller_whose_tests_fail_under_the_mutant(quiz, tmp_path):
    repo, ctx = quiz
    question = spot_bug_in_form(ctx, "calc.ops.parse_price", "breaks")
    assert (question.kind, question.category, question.language) == ("spot_bug", "debugging", "diff")
    assert question.prompt.startswith("This change to `parse_price` (calc/ops.py line ")
    assert len(question.choices) >= 3
    assert all(c.endswith(" in calc/ops.py") for c in question.choices)
    names = {c: c.split(" in ", 1)[0] for c in question.choices}
    # The key calls parse_price, as the fixture's source says.
    callers = {n.name for n in ast.walk(ast.parse(OPS_TEXT)) if isinstance(n, ast.FunctionDef)
               and any(isinstance(c, ast.Call) and getattr(c.func, "id", "") == "parse_price" for c in ast.walk(n))}
    assert names[question.answer] in callers
    # Each choice's tests, found by reading the test files: all pass on the code at head,
    # and with the diff applied exactly the key's fail.
    tests = {c: naming_tests(repo, n) for c, n in names.items()}
    assert all(tests.values())
    copy = tmp_path / "copy"
    shutil.copytree(repo.path, copy)
    every = sorted({t for ts in tests.values() for t in ts})
    assert failing(copy, every) == set()
    subprocess.run(["git", "apply"], cwd=copy, input=question.code, text=True, check=True)
    broken = failing(copy, every)
    assert [c for c in question.choices if broken & set(tests[c])] == [question.answer]
    assert run_evidence(repo, question) == question.answer
    assert repo.git("status", "--porcelain") == ""


def test_what_a_change_breaks_needs_a_function_that_reaches_it(quiz):
    _, ctx = quiz
    # Nothing calls clamp: every seed asks which test fails.
    for seed in range(6):
        question = spot_bug.generate(ctx, target(ctx, "calc.ops.clamp"), rng(seed))
        assert isinstance(question, Question), question
        assert BREAKS not in question.prompt


def test_spot_the_bug_refuses_a_function_no_test_reaches(quiz):
    _, ctx = quiz
    refused = spot_bug.generate(ctx, target(ctx, "calc.ops.halve"), rng())
    assert refused == Refused("spot_bug", "calc.ops.halve", "no tests")


def test_a_surviving_mutant_of_a_check_run_asks_what_would_catch_it(quiz):
    repo, ctx = quiz
    operators, _ = load_operators(repo.path)
    rules, _ = load_arid_rules(repo.path)
    start = line_of("def shipping(weight):")
    mutants = mutate_file("calc/ops.py", OPS_TEXT, frozenset({start + 1}), operators, rules).mutants
    survivor = next(m for m in mutants if m.replacement == ">=")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    record_run(ctx.store, RunRecord("check", now, now, "a@example.com", "base", ctx.head, "p", "c",
                                    "fail", {}),
               [{"rule": "surviving-mutant", "severity": "medium", "confidence": 0.9,
                 "file": "calc/ops.py", "start_line": survivor.line, "end_line": survivor.line,
                 "title": "No test fails", "evidence": {"mutant_id": survivor.id}, "fingerprint": "f"}])
    question = spot_bug.generate(ctx, target(ctx, "calc.ops.shipping"), rng())
    assert isinstance(question, Question), question
    assert question.prompt.startswith(f"No test fails when line {survivor.line} of `shipping`")
    mutant_text = survivor.apply(OPS_TEXT)
    catching = [c for c in question.choices if shown(OPS_TEXT, c) != shown(mutant_text, c)]
    assert catching == [question.answer] == ["shipping(20)"]
    assert len(question.choices) >= 3
    assert run_evidence(repo, question) == question.answer


def test_a_name_bound_once_to_a_literal_is_that_literal(quiz):
    _, ctx = quiz
    subject = runnable(ctx, target(ctx, "calc.ops.shipping"), "output")
    assert [c.text() for c in literal_calls(ctx, subject)] == ["shipping(30)", "shipping(3)", "shipping(25)"]


def test_every_argument_comes_from_a_test_or_caller_as_written(quiz):
    _, ctx = quiz
    question = output.generate(ctx, target(ctx, "calc.ops.countdown"), rng())
    tests = (ctx.repo.root / "tests" / "test_ops.py").read_text()
    calls = {ast.unparse(n) for n in ast.walk(ast.parse(tests)) if isinstance(n, ast.Call)}
    assert call_in(question.prompt) in calls
