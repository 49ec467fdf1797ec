"""The quiz runner: one call or snippet of a fixture repository in a sandboxed subprocess,
and the refusals a quiz relies on (randomness, clocks, network, slow calls, file writes,
new processes, values too complex to show)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from gitrepo import BASE_ENV
from quiz_exec_repos import calc_repo, context, rng, target

from comprehend.quiz.kinds import output
from comprehend.quiz.runner import (
    Call,
    CallRefused,
    Override,
    Runner,
    interpreter,
    network_namespace,
)


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        folder = tmp_path_factory.mktemp("runner")
        repo = calc_repo(folder / "repo")
        ctx = context(repo, folder / "store.db")
        yield repo, ctx
        ctx.close()


@pytest.fixture
def runner(quiz):
    return Runner(quiz[1].checkout(), sys.executable)


def test_a_call_gives_its_value_and_the_lines_it_ran(runner):
    result = runner.call(Call("calc.ops", "total", ("[1, 2, 3]",)), trace=True)
    assert (result.value, result.exception) == ("6", None)
    body_runs = [locals_["s"] for event, line, locals_ in result.events if event == "line" and line == 4]
    assert body_runs == ["0", "1", "3"]  # s before each `s += x`
    assert result.events[-1][0] == "return"
    assert result.events[-1][2]["s"] == "6"


def test_an_exception_points_at_the_repository_line_that_raised_it(runner):
    result = runner.call(Call("calc.ops", "parse_price", ("''",)))
    assert (result.value, result.exception, result.exception_line) == (None, "ValueError", ("calc/ops.py", 18))
    assert result.shown() == "raises ValueError"


def test_a_mutant_reaches_names_a_package_re_exports(runner):
    # calc/__init__.py does `from calc.ops import total`: the package's name is the mutant's.
    mutant = (runner.copy / "calc" / "ops.py").read_text().replace("s += x", "s -= x")
    result = runner.call(Call("calc", "total", ("[1, 2, 3]",)), override=Override("calc.ops", mutant))
    assert result.value == "-6"


def test_keyword_arguments_reach_the_call(runner):
    call = Call("calc.ops", "clamp", ("7",), (("low", "0"), ("high", "5")))
    assert call.text() == "clamp(7, low=0, high=5)"
    assert runner.call(call).value == "5"


def test_a_mutant_runs_from_its_text_and_leaves_the_file_alone(runner):
    path = runner.copy / "calc" / "ops.py"
    original = path.read_text()
    mutant = original.replace("s += x", "s -= x")
    result = runner.call(Call("calc.ops", "total", ("[1, 2, 3]",)), override=Override("calc.ops", mutant))
    assert result.value == "-6"
    assert path.read_text() == original


@pytest.mark.parametrize(("symbol", "reason"), [
    ("calc.impure.roll", "non-deterministic"),  # random
    ("calc.impure.stamp", "non-deterministic"),  # the clock
    ("calc.impure.fetch", "network"),
    ("calc.impure.pause", "timeout"),  # sleeps 3 s; calls get 1 s
    ("calc.impure.remember", "side effects on files"),
    ("calc.impure.boxed", "complex return value"),
    ("calc.impure.forever", "complex return value"),  # an endless generator: 21 items taken
    ("calc.impure.describe", "no call with literal arguments"),  # its only call passes an object
])
def test_output_questions_are_refused_when_the_run_cannot_be_trusted(quiz, symbol, reason):
    repo, ctx = quiz
    refused = output.generate(ctx, target(ctx, symbol), rng())
    assert (refused.kind, refused.symbol, refused.reason) == ("output", symbol, reason)
    assert not (ctx.checkout() / "memo.txt").exists()
    assert not (repo.path / "memo.txt").exists()
    assert repo.git("status", "--porcelain") == ""


def test_a_write_the_audit_hook_does_not_see_is_caught_by_the_file_snapshot(runner):
    code = "import os\nfd = os.open('calc/notes.txt', os.O_CREAT | os.O_WRONLY)\nos.close(fd)\n"
    with pytest.raises(CallRefused) as refused:
        runner.snippet(code, audit=False)
    assert refused.value.reason == "side effects on files"
    (runner.copy / "calc" / "notes.txt").unlink()


def test_new_processes_are_refused(runner):
    with pytest.raises(CallRefused) as refused:
        runner.snippet("import subprocess\nsubprocess.run(['true'])\n")
    assert refused.value.reason == "starts processes"


def test_the_environment_is_scrubbed_and_home_is_fresh(runner, monkeypatch):
    monkeypatch.setenv("COMPREHEND_TEST_SECRET", "hunter2")
    code = ("import os\nprint(sorted(k for k in os.environ if k.startswith('COMPREHEND')))\n"
            "print(os.environ['HOME'] != os.path.expanduser('~root'), os.listdir(os.environ['HOME']))\n"
            "print(os.getcwd())\n")
    lines = runner.snippet(code).output.splitlines()
    assert lines[0] == "[]"
    assert lines[1] == "True []"
    assert lines[2] == str(runner.copy)
    assert os.environ["HOME"] not in lines[1]


@pytest.mark.skipif(not network_namespace(), reason="user namespaces are off here")
def test_runs_have_no_network_interface_but_loopback(runner):
    code = "import socket\nprint(sorted(name for _, name in socket.if_nameindex()))\n"
    assert runner.snippet(code, audit=False).output.strip() == "['lo']"


def test_the_interpreter_is_the_active_venv_then_the_repositorys_then_ours(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    assert interpreter(tmp_path) == sys.executable
    local = tmp_path / ".venv" / "bin" / "python"
    local.parent.mkdir(parents=True)
    local.symlink_to(sys.executable)
    assert interpreter(tmp_path) == str(local)
    active = tmp_path / "active"
    (active / "bin").mkdir(parents=True)
    (active / "bin" / "python").symlink_to(sys.executable)
    monkeypatch.setenv("VIRTUAL_ENV", str(active))
    assert interpreter(tmp_path) == str(active / "bin" / "python")


def test_a_missing_module_is_refused_not_raised(runner):
    with pytest.raises(CallRefused) as refused:
        runner.call(Call("calc.nothing", "f"))
    assert refused.value.reason == "import fails"
    assert Path(runner.copy / "calc" / "ops.py").exists()
