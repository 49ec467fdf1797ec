"""Go test integrity on real changes between commits: each true pattern gives exactly its
finding (rule, file, line), each false-positive guard gives none."""

from __future__ import annotations

import textwrap

import pytest
from adversary_helpers import two_commits
from gitrepo import GitRepo

from comprehend.adversary.gotests import find_go_test_smells, rerun

CODE = "package calc\n\nfunc Add(a, b int) int { return a + b }\n"
NEW_CODE = "package calc\n\nfunc Add(a, b int) int { return a + b + 1 }\n"


def go_test(body: str) -> str:
    return "package calc\n\nimport \"testing\"\n\n" + textwrap.dedent(body).lstrip("\n")


def findings(repo: GitRepo, old_test: str, new_test: str, code_changes: bool = True,
             extra: dict[str, str] | None = None):
    before = {"calc/calc.go": CODE, "calc/calc_test.go": go_test(old_test)}
    after = {"calc/calc.go": NEW_CODE if code_changes else CODE,
             "calc/calc_test.go": go_test(new_test), **(extra or {})}
    change, sources = two_commits(repo, before, after)
    return find_go_test_smells(change, sources)


def found(repo: GitRepo, old: str, new: str, **kw) -> list[tuple[str, str, int, str]]:
    return sorted((f.rule, f.file, f.start_line, f.title) for f in findings(repo, old, new, **kw))


TABLE = """
func TestAdd(t *testing.T) {
    tests := []struct {
        name string
        a, b int
        want int
    }{
        {"one", 1, 2, 3},
        {name: "two", a: 2, b: 2, want: 4},
    }
    for _, tt := range tests {
        t.Run(tt.name, func(t *testing.T) {
            if got := Add(tt.a, tt.b); got != tt.want {
                t.Errorf("Add(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
            }
        })
    }
}
"""

CHECKED = """
func TestAdd(t *testing.T) {
    if got := Add(1, 2); got != 3 {
        t.Fatalf("got %d", got)
    }
}
"""

TRUE = {
    "no-check": ("""
        func TestAdd(t *testing.T) {
            Add(1, 2)
        }
        """, ("test-cannot-fail", 5, "TestAdd cannot fail: no check")),
    "unconditional-skip": ("""
        func TestAdd(t *testing.T) {
            t.Skip("flaky")
            if Add(1, 2) != 3 {
                t.Fatal("wrong")
            }
        }
        """, ("skipped-test", 6, "TestAdd is switched off: unconditional skip")),
    "skip-when-bug-absent": ("""
        func TestAdd(t *testing.T) {
            for _, n := range []int{1, 2} {
                t.Run("case", func(t *testing.T) {
                    if Add(n, n) == 2*n {
                        t.Skip("bug not reproduced")
                    }
                    t.Errorf("bug: %d", Add(n, n))
                })
            }
        }
        """, ("skipped-test", 9, "TestAdd is switched off: conditional skip")),
    "log-instead-of-error": ("""
        func TestAdd(t *testing.T) {
            if got := Add(1, 2); got != 3 {
                t.Logf("got %d, want 3", got)
            }
        }
        """, ("test-cannot-fail", 6, "TestAdd cannot fail: logs instead of failing")),
    "log-beside-other-checks": ("""
        func TestAdd(t *testing.T) {
            if Add(0, 0) != 0 {
                t.Fatal("zero")
            }
            if got := Add(1, 2); got != 3 {
                t.Log("mismatch")
            }
        }
        """, ("test-cannot-fail", 9, "TestAdd cannot fail: logs instead of failing")),
}


@pytest.mark.parametrize("case", sorted(TRUE))
def test_true_patterns_give_exactly_their_finding(repo: GitRepo, case: str) -> None:
    body, (rule, line, title) = TRUE[case]
    assert found(repo, CHECKED, body) == [(rule, "calc/calc_test.go", line, title)]


def test_conditional_skip_names_its_condition_and_environment_skips_are_less_sure(
        repo: GitRepo) -> None:
    new = """
        func TestAdd(t *testing.T) {
            if testing.Short() {
                t.Skip("slow")
            }
            if Add(1, 2) != 3 {
                t.Fatal("wrong")
            }
        }
        """
    [finding] = findings(repo, CHECKED, new)
    assert (finding.rule, finding.start_line, finding.confidence) == ("skipped-test", 7, 0.4)
    assert finding.evidence["why"].startswith("the test skips when `testing.Short()`: an "
                                              "environment condition")
    assert finding.evidence["rerun"] == "go test ./calc -run '^TestAdd$'"


def test_rewritten_table_row_is_matched_by_its_inputs(repo: GitRepo) -> None:
    new = TABLE.replace('{"one", 1, 2, 3}', '{"one", 1, 2, 4}')
    [first] = findings(repo, TABLE, new)
    assert (first.rule, first.start_line, first.title) == (
        "rewritten-expectation", 11, "TestAdd had its expectation rewritten: want of row one")
    assert (first.evidence["old"], first.evidence["new"]) == ("want: 3", "want: 4")
    assert first.evidence["rerun"] == "go test ./calc -run '^TestAdd$/^one$'"
    assert first.severity == "high"


def test_named_row_type_and_map_tables_are_read(repo: GitRepo) -> None:
    old = """
        type addCase struct {
            a, b     int
            expected int
        }

        func TestAdd(t *testing.T) {
            cases := map[string]addCase{
                "small": {a: 1, b: 2, expected: 3},
                "zero":  {a: 0, b: 0, expected: 0},
            }
            for name, c := range cases {
                if got := Add(c.a, c.b); got != c.expected {
                    t.Errorf("%s: got %d", name, got)
                }
            }
        }
        """
    new = old.replace("expected: 3}", "expected: 4}")
    assert found(repo, old, new) == [
        ("rewritten-expectation", "calc/calc_test.go", 12,
         "TestAdd had its expectation rewritten: expected of row small")]


GUARDS = {
    "helper-calls-fatalf": """
        func checkSum(t *testing.T, got, want int) {
            t.Helper()
            if got != want {
                t.Fatalf("got %d, want %d", got, want)
            }
        }

        func TestAdd(t *testing.T) {
            checkSum(t, Add(1, 2), 3)
        }
        """,
    "helper-through-helper": """
        func fail(t *testing.T, msg string) { t.Error(msg) }

        func same(t *testing.T, got, want int) {
            if got != want {
                fail(t, "differs")
            }
        }

        func TestAdd(t *testing.T) {
            same(t, Add(1, 2), 3)
        }
        """,
    "helper-in-another-file": """
        func TestAdd(t *testing.T) {
            mustEqual(t, Add(1, 2), 3)
        }
        """,
    "testify": """
        func TestAdd(t *testing.T) {
            assert.Equal(t, 3, Add(1, 2))
            require.NoError(t, nil)
        }
        """,
    "testify-object": """
        func TestAdd(t *testing.T) {
            is := assert.New(t)
            is.Equal(3, Add(1, 2))
        }
        """,
    "subtests-that-check": TABLE,
    "method-as-subtest": """
        type addCase struct{ a, b, want int }

        func (c addCase) test(t *testing.T) {
            if Add(c.a, c.b) != c.want {
                t.Errorf("wrong")
            }
        }

        func TestAdd(t *testing.T) {
            for _, c := range []addCase{{1, 2, 3}} {
                t.Run("case", c.test)
            }
        }
        """,
    "compile-time-assertion": """
        type adder interface{ Add(a, b int) int }

        func TestAdd(t *testing.T) {
            var _ func(int, int) int = Add
        }
        """,
    "error-logged-beside-checks": """
        func TestAdd(t *testing.T) {
            if err := setup(); err != nil {
                t.Logf("setup: %v", err)
            }
            if Add(1, 2) != 3 {
                t.Fatal("wrong")
            }
        }
        """,
}


@pytest.mark.parametrize("case", sorted(GUARDS))
def test_false_positive_guards_give_nothing(repo: GitRepo, case: str) -> None:
    assert found(repo, CHECKED, GUARDS[case]) == []


def test_added_row_and_changed_inputs_are_not_rewritten_expectations(repo: GitRepo) -> None:
    new = TABLE.replace('{name: "two", a: 2, b: 2, want: 4},',
                        '{name: "two", a: 2, b: 2, want: 4},\n\t\t{"three", 1, 1, 2},').replace(
        '{"one", 1, 2, 3}', '{"one", 2, 2, 4}')
    assert found(repo, TABLE, new) == []


def test_expectation_changed_without_code_is_not_a_rewrite(repo: GitRepo) -> None:
    new = TABLE.replace('{"one", 1, 2, 3}', '{"one", 1, 2, 4}')
    assert found(repo, TABLE, new, code_changes=False) == []


def test_untouched_tests_and_old_skips_are_left_alone(repo: GitRepo) -> None:
    old = "func TestOld(t *testing.T) {\n\tt.Skip(\"later\")\n}\n" + CHECKED
    new = old.replace("got != 3", "got != 3 && got > 0")
    assert found(repo, old, new) == []


def test_rerun_escapes_subtest_names() -> None:
    assert rerun("x_test.go", "TestA", "a b (c)") == "go test . -run '^TestA$/^a_b_\\(c\\)$'"
    assert rerun("pkg/sub/x_test.go", "TestA") == "go test ./pkg/sub -run '^TestA$'"
    assert rerun("x_test.go", "TestA", "find/no-args") == "go test . -run '^TestA$/^find$/^no-args$'"


def test_many_rows_rewritten_at_once_are_one_finding(repo: GitRepo) -> None:
    new = TABLE.replace('{"one", 1, 2, 3}', '{"one", 1, 2, 4}').replace("want: 4}", "want: 5}")
    [finding] = findings(repo, TABLE, new)
    assert (finding.start_line, finding.title) == (
        11, "TestAdd had its expectation rewritten: want of row one and 1 more")
    assert finding.evidence["rows"] == ["one", "two"]
