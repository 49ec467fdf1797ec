"""What a check cannot judge, on real changes: other languages always; Go/JS/TS code when
tests are run and their mutation did not run; never tests, docs or data."""

from __future__ import annotations

from adversary_helpers import two_commits
from gitrepo import GitRepo

from comprehend.adversary.judged import Unjudged, note, settle, unjudged


def test_unjudged_files_by_language_and_by_what_ran(repo: GitRepo) -> None:
    before = {"calc.go": "package calc\n", "calc_test.go": "package calc\n",
              "web/sum.ts": "export {}\n", "lib.rs": "fn a() {}\n", "app.py": "x = 1\n",
              "docs/a.md": "a\n", "data.json": "{}\n", "types/index.d.ts": "export {}\n",
              "vendor/lib/x.go": "package x\n", "web/dist/app.min.js": "a\n"}
    after = {path: text + "// more\n" if not path.endswith((".md", ".json", ".py")) else text + "\n"
             for path, text in before.items()}
    change, _ = two_commits(repo, before, after)
    assert unjudged(change, executed=False) == [Unjudged("lib.rs", "rust", "tests")]
    assert unjudged(change, executed=True) == [
        Unjudged("calc.go", "go", "mutation"), Unjudged("lib.rs", "rust", "tests"),
        Unjudged("web/sum.ts", "typescript", "mutation")]
    # files whose mutation ran (Go/JS toolchain present, module found) are judged
    assert unjudged(change, executed=True, mutated=frozenset({"calc.go", "web/sum.ts"})) == [
        Unjudged("lib.rs", "rust", "tests")]


def test_note_is_one_line_naming_files_and_languages() -> None:
    gaps = [Unjudged(f"src/m{i}.rs", "rust", "tests") for i in range(7)] + [
        Unjudged("a.go", "go", "mutation")]
    assert note(gaps) == (
        "not judged: 7 file(s) (src/m0.rs, src/m1.rs, src/m2.rs, src/m3.rs, src/m4.rs and 2 "
        "more) in rust: comprehend reads no tests in that language (only risky-change rules "
        "ran); 1 file(s) (a.go) in go: static test rules ran, but no mutant ran against that "
        "language's tests (see the mutation note for why), so nothing showed the tests would "
        "catch a wrong line")
    assert note([]) is None


def test_settle_turns_only_a_pass_into_incomplete() -> None:
    gaps = [Unjudged("lib.rs", "rust", "tests")]
    assert settle("pass", gaps, False) == "incomplete"
    assert settle("pass", gaps, True) == "pass"
    assert settle("fail", gaps, False) == "fail"
    assert settle("pass", [], False) == "pass"
