"""Each quiz kind on a small real repository: keys checked against a derivation of our
own in the test (ast, git, the fixture's known history), and refusals."""

from __future__ import annotations

import ast
import subprocess
from collections import Counter

import pytest
from quiz_repos import build_quiz_repo

from comprehend.config import load_config
from comprehend.git import open_repository
from comprehend.quiz.context import open_context
from comprehend.quiz.generate import generate, registry, rng_for
from comprehend.quiz.model import Question, Refused
from comprehend.quiz.targets import choose_targets
from comprehend.store import open_store


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    from gitrepo import BASE_ENV

    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        folder = tmp_path_factory.mktemp("quiz")
        built = build_quiz_repo(folder / "repo")
        repo = open_repository(built.path)
        store = open_store(folder / "store.db")
        ctx = open_context(repo, load_config(repo.root), store)
        targets = {t.symbol: t for t in choose_targets(ctx, "me@example.com")}
        yield built, ctx, targets
        store.close()


def ask(ctx, targets, kind: str, symbol: str, seed: int = 0):
    return registry()[kind].generate(ctx, targets[symbol], rng_for(seed, kind, symbol))


def callers_by_ast(root, name: str) -> set[str]:
    """Functions (by bare name) whose body calls `name(...)` directly."""
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == name:
                        found.add(node.name)
    return found


def test_registry_finds_every_kind_module_by_name() -> None:
    kinds = registry()
    assert {"callers", "callees", "blast_radius", "history", "co_change", "roles", "bank"} <= set(kinds)
    assert kinds["roles"].languages == ("python",)
    assert kinds["callers"].languages is None


@pytest.mark.parametrize("seed", range(4))
def test_callers_key_is_a_real_caller_and_no_wrong_choice_calls_it(quiz, seed) -> None:
    built, ctx, targets = quiz
    q = ask(ctx, targets, "callers", "pkg.core.total", seed)
    assert isinstance(q, Question)
    callers = callers_by_ast(built.path, "total")
    assert callers == {"summary", "test_total", "test_total_empty"}
    named = {c.split(" in ")[0] for c in q.choices}
    assert q.answer.split(" in ")[0] in callers
    assert named - {q.answer.split(" in ")[0]} & callers == set()
    assert len(q.choices) == 4
    assert q.evidence["edges"][0]["target"] == "pkg.core.total"


def test_callees_key_is_called_in_the_body(quiz) -> None:
    _built, ctx, targets = quiz
    q = ask(ctx, targets, "callees", "pkg.core.summary")
    assert isinstance(q, Question)
    assert q.answer.split(" in ")[0] in {"parse", "total", "largest"}
    assert [c.split(" in ")[0] for c in q.choices if c != q.answer and c.split(" in ")[0] in
            {"parse", "total", "largest"}] == []


def test_a_name_match_edge_never_makes_a_key(quiz) -> None:
    _built, ctx, targets = quiz
    guessed = [(s, d) for s, d, a in ctx.graph.edges
               if a["kind"] == "calls" and d == "pkg.widget.Widget.frobnicate"]
    assert guessed == [("pkg.widget.poke", "pkg.widget.Widget.frobnicate")]
    assert [a["confidence"] for s, d, a in ctx.graph.edges
            if (s, d) == guessed[0] and a["kind"] == "calls"] == ["name-match"]
    result = ask(ctx, targets, "callers", "pkg.widget.Widget.frobnicate")
    assert result == Refused("callers", "pkg.widget.Widget.frobnicate", "no resolved callers")


def test_blast_radius_key_is_a_test_that_reaches_the_target(quiz) -> None:
    _built, ctx, targets = quiz
    q = ask(ctx, targets, "blast_radius", "pkg.core.parse")
    assert isinstance(q, Question)
    reaching = {"test_parse", "test_render"}  # directly, and via render -> summary -> parse
    assert q.answer.split(" in ")[0] in reaching
    assert {c.split(" in ")[0] for c in q.choices} - {q.answer.split(" in ")[0]} <= {
        "test_total", "test_total_empty", "test_banner", "test_shout"}
    chain = q.evidence["edges"]
    assert chain[-1]["target"] == "pkg.core.parse"


def test_history_key_is_the_commit_that_wrote_the_line(quiz) -> None:
    built, ctx, targets = quiz
    answers = Counter()
    for seed in range(6):
        q = ask(ctx, targets, "history", "pkg.core.total", seed)
        assert isinstance(q, Question)
        line = q.source.start_line
        text = (built.path / "pkg/core.py").read_text().splitlines()[line - 1].strip()
        # The fixture's own record: which commit wrote each line of total().
        expected = built.commits["augmented"] if text == "result += value" else built.commits["first"]
        assert q.answer.startswith(expected[:10])
        answers[text] += 1
    assert answers["result += value"] >= 1  # a line a later commit wrote is preferred


def test_co_change_key_counts_match_git_log(quiz) -> None:
    built, ctx, targets = quiz
    q = ask(ctx, targets, "co_change", "pkg.core.total")
    assert isinstance(q, Question)
    log = subprocess.run(["git", "log", "--format=%H", "--name-only"], cwd=built.path,
                         capture_output=True, text=True, check=True).stdout
    together = Counter()
    for block in log.strip().split("\n\n"):
        files = set(block.split("\n"))
        if "pkg/core.py" in files:
            together.update(files - {"pkg/core.py"})
    assert q.answer == "tests/test_core.py"
    assert together["tests/test_core.py"] == q.evidence["count"] == 3
    assert all(together[c] == 0 for c in q.choices if c != q.answer)


EXPECTED_ROLES = {
    ("pkg.core.total", "result"): "accumulator", ("pkg.core.total", "value"): "most-recent holder",
    ("pkg.core.largest", "best"): "most-wanted holder", ("pkg.core.largest", "value"): "most-recent holder",
    ("pkg.core.has_negative", "found"): "flag", ("pkg.core.has_negative", "value"): "most-recent holder",
    ("pkg.core.count_up", "step"): "stepper", ("pkg.core.summary", "values"): "fixed value",
}


@pytest.mark.parametrize("symbol", sorted({s for s, _ in EXPECTED_ROLES}))
def test_roles_match_a_hand_derivation(quiz, symbol) -> None:
    _built, ctx, targets = quiz
    seen = set()
    for seed in range(8):
        q = ask(ctx, targets, "roles", symbol, seed)
        assert isinstance(q, Question)
        name = q.prompt.split("`")[1]
        assert q.answer.split(":")[0] == EXPECTED_ROLES[(symbol, name)]
        assert q.answer in q.choices and len(set(q.choices)) == 4
        seen.add(name)
    assert seen == {n for s, n in EXPECTED_ROLES if s == symbol}


def test_refusals_say_why(quiz) -> None:
    _built, ctx, targets = quiz
    assert ask(ctx, targets, "roles", "pkg.report.banner") == Refused(
        "roles", "pkg.report.banner", "only parameters that never change")
    assert ask(ctx, targets, "history", "pkg.widget.poke") == Refused(
        "history", "pkg.widget.poke", "its file has fewer than three commits")
    assert ask(ctx, targets, "callees", "pkg.report.banner") == Refused(
        "callees", "pkg.report.banner", "no resolved callees")


def test_generation_is_seeded_deduplicated_and_saved(quiz) -> None:
    from comprehend.store.quiz import load_questions

    _built, ctx, targets = quiz
    ordered = list(targets.values())
    first = [q.id for q in generate(ctx, ordered, count=12, seed=5) if isinstance(q, Question)]
    again = [q.id for q in generate(ctx, ordered, count=12, seed=5) if isinstance(q, Question)]
    assert first == again
    assert len(first) == 12 == len(set(first))
    assert {q["id"] for q in load_questions(ctx.store, first)} == set(first)


def test_targets_put_ai_written_code_first(quiz) -> None:
    _built, ctx, targets = quiz
    # "Add in place" was written by Claude: total's line 8 is AI's, one of its 5 lines.
    assert targets["pkg.core.total"].ai_share == pytest.approx(1 / 5)
    assert targets["pkg.core.parse"].ai_share == 0.0
    ordered = choose_targets(ctx, "me@example.com")
    assert [t.symbol for t in ordered].index("pkg.core.total") < [t.symbol for t in ordered].index(
        "pkg.core.has_negative")


def test_about_a_commit_range_targets_what_it_changed(quiz) -> None:
    from comprehend.quiz.targets import resolve_about

    built, ctx, _targets = quiz
    about = resolve_about(ctx, f"{built.commits['shout']}..HEAD")
    # "Count up and whisper" added count_up and whisper; "A widget" added pkg/widget.py.
    assert about.form == "rev"
    assert {s for s in about.symbols if ctx.graph.nodes[s]["kind"] == "function"} == {
        "pkg.core.count_up", "pkg.report.whisper", "pkg.widget.poke", "pkg.widget.Widget.frobnicate"}
    chosen = {t.symbol for t in choose_targets(ctx, "me@example.com", about)}
    assert chosen == {"pkg.core.count_up", "pkg.report.whisper", "pkg.widget.poke",
                      "pkg.widget.Widget.frobnicate", "pkg.widget.Widget"}


def test_about_a_range_not_ending_at_the_quizzed_commit_is_refused(quiz) -> None:
    from comprehend.errors import UserError
    from comprehend.quiz.targets import resolve_about

    built, ctx, _targets = quiz
    with pytest.raises(UserError) as caught:
        resolve_about(ctx, f"{built.commits['first']}..{built.commits['shout']}")
    assert str(caught.value).startswith(f"--about {built.commits['first']}..{built.commits['shout']}: the range ends at")


def test_the_shipped_example_bank_is_valid() -> None:
    from comprehend.policy import builtin_dir
    from comprehend.quiz.bank import parse_bank

    path = builtin_dir("quizzes") / "example.toml"
    questions = parse_bank("quizzes/example.toml", path.read_text())
    assert [(q.line, q.answer, q.symbol) for q in questions] == [
        (8, "comprehend/git.py", "comprehend.git"), (25, "Hard", None)]


def test_graph_and_history_kinds_work_on_javascript(tmp_path) -> None:
    from gitrepo import GitRepo

    repo = GitRepo.create(tmp_path / "js")
    repo.write("src/math.js", "export function add(a, b) {\n  return a + b;\n}\n\n"
                              "export function twice(x) {\n  return add(x, x);\n}\n\n"
                              "export function neg(x) {\n  return -x;\n}\n\n"
                              "export function half(x) {\n  return x / 2;\n}\n")
    repo.commit("math")
    opened = open_repository(repo.path)
    with open_store(tmp_path / "s.db") as store:
        ctx = open_context(opened, load_config(opened.root), store)
        targets = {t.symbol: t for t in choose_targets(ctx, "me@example.com")}
        add = next(s for s in targets if s.endswith("add"))
        q = registry()["callers"].generate(ctx, targets[add], rng_for(0, "callers", add))
        roles = registry()["roles"].accepts(targets[add])
    assert isinstance(q, Question)
    assert q.answer == "twice in src/math.js"
    assert q.language == "javascript"
    assert roles is False
