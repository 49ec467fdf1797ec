"""Jest / Vitest / node:test integrity on real changes between commits: each true pattern
gives exactly its finding (rule, file, line), each false-positive guard gives none."""

from __future__ import annotations

import textwrap

import pytest
from adversary_helpers import two_commits
from gitrepo import GitRepo

from comprehend.adversary.jstests import find_js_test_smells, is_js_test, rerun

CODE = "export const sum = (a, b) => a + b;\n"
HEADER = "import { sum } from './sum';\n\n"
CHECKED = """
    test('adds', () => {
      expect(sum(1, 2)).toBe(3);
    });
    """


def found(repo: GitRepo, old: str, new: str, path: str = "src/sum.test.tsx"):
    before = {"src/sum.js": CODE, path: HEADER + textwrap.dedent(old).lstrip("\n")}
    after = {"src/sum.js": CODE, path: HEADER + textwrap.dedent(new).lstrip("\n")}
    change, sources = two_commits(repo, before, after)
    return sorted((f.rule, f.file, f.start_line, f.title) for f in find_js_test_smells(change, sources))


TRUE = {
    "no-expect": ("""
        test('adds', () => {
          sum(1, 2);
        });
        """, ("test-cannot-fail", 3, "adds cannot fail: no check")),
    "only": ("""
        test.only('adds', () => {
          expect(sum(1, 2)).toBe(3);
        });
        """, ("focused-test", 3, "adds is focused: .only added")),
    "describe-only": ("""
        describe.only('sum', () => {
          test('adds', () => {
            expect(sum(1, 2)).toBe(3);
          });
        });
        """, ("focused-test", 3, "sum is focused: .only added")),
    "fit": ("""
        fit('adds', () => {
          expect(sum(1, 2)).toBe(3);
        });
        """, ("focused-test", 3, "adds is focused: fit added")),
    "skip": ("""
        test.skip('adds', () => {
          expect(sum(1, 2)).toBe(3);
        });
        """, ("skipped-test", 3, "adds is switched off: .skip added")),
    "xit": ("""
        xit('adds', () => {
          expect(sum(1, 2)).toBe(3);
        });
        """, ("skipped-test", 3, "adds is switched off: xit added")),
    "todo": (CHECKED + "test.todo('subtracts');\n",
             ("skipped-test", 6, "subtracts is switched off: .todo added")),
    "truthy-only": ("""
        test('adds', () => {
          const total = sum(1, 2);
          expect(total).toBeTruthy();
          expect(total).not.toBeNull();
        });
        """, ("test-cannot-fail", 5, "adds cannot fail: only truthiness")),
    "each-without-check": ("""
        test.each([[1, 2]])('adds %i and %i', (a, b) => {
          sum(a, b);
        });
        """, ("test-cannot-fail", 3, "adds %i and %i cannot fail: no check")),
}


@pytest.mark.parametrize("case", sorted(TRUE))
def test_true_patterns_give_exactly_their_finding(repo: GitRepo, case: str) -> None:
    body, (rule, line, title) = TRUE[case]
    assert found(repo, CHECKED, body) == [(rule, "src/sum.test.tsx", line, title)]


GUARDS = {
    "expect-assertions-async": """
        test('rejects', () => {
          expect.assertions(1);
          return sum.load().catch((e) => expect(e.message).toMatch('bad'));
        });
        """,
    "helper-that-expects": """
        function expectSum(a, b, total) {
          expect(sum(a, b)).toBe(total);
        }
        test('adds', () => {
          expectSum(1, 2, 3);
        });
        """,
    "arrow-helper-through-helper": """
        const same = (got, want) => expect(got).toEqual(want);
        const sumIs = (a, b, want) => same(sum(a, b), want);
        it('adds', () => sumIs(1, 2, 3));
        """,
    "node-test-context": """
        test('adds', (t) => {
          t.assert.strictEqual(sum(1, 2), 3);
        });
        """,
    "node-assert": """
        test('adds', () => {
          assert.deepStrictEqual(sum(1, 2), 3);
        });
        """,
    "supertest-expect": """
        it('serves', async () => {
          await request(app).get('/sum?a=1&b=2').expect(200);
        });
        """,
    "chai-exact": """
        it('adds', () => {
          expect(sum(1, 2)).to.equal(3);
        });
        """,
    "throws-on-mismatch": """
        test('adds', () => {
          if (sum(1, 2) !== 3) throw new Error('wrong');
        });
        """,
    "type-level-test": """
        it('accepts dates of different types', () => {
          function _test<D extends Date>(a: D | number, b: D | string) {
            sum(a, b);
          }
        });
        """,
    "defined-component-placeholder": """
        it('compiles with a selector', () => {
          const Component = () => sum(1, 2);
          expect(Component).toBeDefined();
        });
        """,
    "testing-library-queries": """
        it('renders the total', async () => {
          render(<Total a={1} b={2} />);
          await screen.findByText('3');
          getAllByRole('row');
        });
        """,
    "ts-expect-error": """
        it('rejects strings', () => {
          // @ts-expect-error a string is no number
          sum('1', 2);
        });
        """,
    "mocha-done-with-error": """
        it('loads', (done) => {
          sum.load((err) => done(err));
        });
        """,
    "truthy-beside-exact": """
        test('adds', () => {
          const total = sum(1, 2);
          expect(total).toBeDefined();
          expect(total).toBe(3);
        });
        """,
}


@pytest.mark.parametrize("case", sorted(GUARDS))
def test_false_positive_guards_give_nothing(repo: GitRepo, case: str) -> None:
    assert found(repo, CHECKED, GUARDS[case]) == []


def test_a_skipped_empty_test_is_one_finding(repo: GitRepo) -> None:
    assert found(repo, CHECKED, CHECKED + "it.skip('later', () => {});\n") == [
        ("skipped-test", "src/sum.test.tsx", 6, "later is switched off: .skip added")]


def test_truthiness_in_a_type_test_file_is_left_to_the_compiler(repo: GitRepo) -> None:
    body = "test('store', () => {\n  const store = sum(1, 2);\n  expect(store).toBeDefined();\n});\n"
    assert found(repo, CHECKED, body, path="tests/types.test.ts") == []
    assert found(repo, CHECKED, body.replace("store'", "stored'"), path="tests/store.test.ts") == [
        ("test-cannot-fail", "tests/store.test.ts", 5, "stored cannot fail: only truthiness")]


def test_a_skip_already_in_the_base_is_not_reported_again(repo: GitRepo) -> None:
    old = CHECKED + "test.skip('later', () => {\n  expect(sum(0, 0)).toBe(0);\n});\n"
    new = old.replace("sum(0, 0)).toBe(0)", "sum(0, 1)).toBe(1)")
    assert found(repo, old, new) == []


def test_typescript_and_tsx_files_under_tests_folders(repo: GitRepo) -> None:
    body = """
        it('renders', () => {
          const el: JSX.Element = <Sum a={1} b={2} />;
        });
        """
    assert found(repo, CHECKED, body, path="src/__tests__/Sum.tsx") == [
        ("test-cannot-fail", "src/__tests__/Sum.tsx", 3, "renders cannot fail: no check")]


@pytest.mark.parametrize(("path", "expected"), [
    ("src/a.test.ts", True), ("a.spec.jsx", True), ("src/__tests__/a.js", True),
    ("src/addDays/test.ts", True), ("test/helpers.js", True), ("src/a.mjs", False),
    ("src/contest.ts", False), ("src/__tests__/data.json", False), ("test_a.py", False),
])
def test_which_files_are_tests(path: str, expected: bool) -> None:
    assert is_js_test(path) is expected


def test_rerun_follows_the_runner_the_file_imports() -> None:
    assert rerun("a.test.ts", "it's (x)", "import { it } from 'vitest'") == \
        "npx vitest run a.test.ts -t 'it.s \\(x\\)'"
    assert rerun("a.test.mjs", "adds %i", "import test from 'node:test'") == \
        "node --test --test-name-pattern='adds .*' a.test.mjs"
    assert rerun("a.test.js", "adds", "") == "npx jest a.test.js -t 'adds'"
