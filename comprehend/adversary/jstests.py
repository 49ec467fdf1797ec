"""Test integrity in Jest, Vitest, Mocha and node:test files (`*.test.[jt]s(x)`, `*.spec.*`,
`test.ts`, anything under `__tests__/`, `test/` or `tests/`), read with tree-sitter-javascript/typescript:

- test-cannot-fail: an `it`/`test` callback the change adds or edits with no check (no
  `expect`, `assert`, `should`, no call on the test context `t`, no same-file helper that makes
  one, no `throw`), or whose only checks are truthiness matchers (toBeTruthy, toBeDefined,
  not.toBeNull, ...) on a value the test computed;
- skipped-test: `.skip`, `xit`/`xtest`/`xdescribe`, `.todo`, `.skipIf` the change adds;
- focused-test: `.only`, `fit`/`fdescribe` the change adds: CI then runs that test alone.

Snapshot files (`__snapshots__/*.snap`) rewritten with their code are snapshots.py's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from comprehend.adversary.changes import Sources
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.gotests import excerpt
from comprehend.adversary.rules import rule_finding
from comprehend.adversary.syntax import node_text as _text
from comprehend.adversary.syntax import walk as _walk

TEST_CALLS = frozenset({"it", "test", "specify"})
SUITE_CALLS = frozenset({"describe", "suite", "context"})
SKIPPED = {"xit": "xit", "xtest": "xtest", "xdescribe": "xdescribe", "xcontext": "xcontext"}
FOCUSED = {"fit": "fit", "fdescribe": "fdescribe", "ftest": "ftest"}
SKIP_MODIFIERS = frozenset({"skip", "todo", "skipIf"})
FOCUS_MODIFIERS = frozenset({"only"})
# matchers that pass for almost any value: the only check of a test that knows its value
WEAK_MATCHERS = frozenset({"toBeTruthy", "toBeDefined", "toBeFalsy", "toBeUndefined",
                           "toBeNull", "toBeNaN", "ok", "exist", "exists", "truthy"})
WEAK_NEGATED = frozenset({"toBeNull", "toBeUndefined", "toBeFalsy"})
# methods of node:test's/ava's/tape's context that are not checks
CONTEXT_NON_CHECKS = frozenset({"skip", "todo", "diagnostic", "mock", "plan", "test", "before",
                                "after", "beforeEach", "afterEach", "signal", "name",
                                "runOnly", "log", "teardown", "timeout", "context", "title",
                                "end", "comment"})
_CHECK_NAME = re.compile(r"^(expect|assert|should|verify|check|ensure|validate|must)",
                         re.IGNORECASE)
# Testing Library queries throw when nothing matches; waitFor retries a callback until it
# stops throwing: both fail the test
_THROWING_QUERY = re.compile(r"^((get|find)(All)?By[A-Z]\w*|waitFor\w*)$")
# Jest's default testMatch (`?(*.)+(spec|test).[jt]s?(x)`, `__tests__/`), Mocha's `test/`
_TEST_FILE = re.compile(r"(^|\.)(test|spec)\.[cm]?[jt]sx?$")
TEST_DIRS = frozenset({"__tests__", "test", "tests"})
_JS_SUFFIX = re.compile(r"\.[cm]?[jt]sx?$")


def is_js_test(path: str) -> bool:
    p = PurePosixPath(path)
    if _TEST_FILE.search(p.name):
        return True
    return bool(_JS_SUFFIX.search(p.name)) and any(d in TEST_DIRS for d in p.parts[:-1])


def find_js_test_smells(change: Change, sources: Sources) -> list[Finding]:
    findings: list[Finding] = []
    for f in change.files:
        if f.status == "deleted" or f.binary or not is_js_test(f.path):
            continue
        text = sources.new_text(f)
        if text is None:
            continue
        head = JsFile.parse(f.path, text)
        old_text = sources.old_text(f)
        before = JsFile.parse(f.path, old_text).marks() if old_text else set()
        for t in head.tests:
            if t.start_line in f.added_lines and t.mark and (t.title, t.mark) not in before:
                findings.append(_mark_finding(f, head, t))
            switched_off = t.mark in SKIPPED or t.mark in SKIP_MODIFIERS  # said as skipped
            if t.kind == "test" and not switched_off and t.touches(f.added_lines):
                findings += _check_findings(f, head, t)
    return findings


# --- reading the file ------------------------------------------------------------------------

@dataclass(frozen=True)
class JsTest:
    kind: str  # test | suite
    title: str
    mark: str  # "" | skip | todo | skipIf | only | xit | fit | ...
    start_line: int
    end_line: int
    callback: object | None  # the test function node

    def touches(self, lines: frozenset[int]) -> bool:
        return any(self.start_line <= n <= self.end_line for n in lines)


class JsFile:
    def __init__(self, text: str, root) -> None:
        self.text = text
        self.root = root
        self.functions = _named_functions(root)
        self.tests = [t for n in _walk(root) if n.type == "call_expression"
                      for t in [_as_test(n)] if t is not None]
        self._checking: set[str] | None = None

    @staticmethod
    def parse(path: str, text: str) -> JsFile:
        from comprehend.graph.languages import language_for, parser

        language = language_for(path) or "javascript"
        if language == "typescript" and path.endswith("x"):
            language = "tsx"
        return JsFile(text, parser(language).parse(text.encode("utf-8")).root_node)

    def marks(self) -> set[tuple[str, str]]:
        return {(t.title, t.mark) for t in self.tests if t.mark}

    def checking_helpers(self) -> set[str]:
        """Same-file functions that check, directly or through each other."""
        if self._checking is None:
            found: set[str] = set()
            while True:
                more = {name for name, n in self.functions.items() if name not in found
                        and _checks(n, found, frozenset(self.functions), [])[0]}
                if not more:
                    break
                found |= more
            self._checking = found
        return self._checking


def _named_functions(root) -> dict:
    out = {}
    for n in _walk(root):
        if n.type in ("function_declaration", "generator_function_declaration"):
            out[_text(n.child_by_field_name("name"))] = n
        elif n.type == "variable_declarator":
            value = n.child_by_field_name("value")
            if value is not None and value.type in ("arrow_function", "function_expression",
                                                    "function"):
                out[_text(n.child_by_field_name("name"))] = value
    return out


def _chain(node) -> list[str]:
    """`it.skip.each` -> ["it", "skip", "each"]; `test.each(table)` -> ["test", "each"]."""
    parts: list[str] = []
    while node is not None:
        if node.type == "identifier":
            return [_text(node), *parts]
        if node.type == "member_expression":
            parts.insert(0, _text(node.child_by_field_name("property")))
            node = node.child_by_field_name("object")
        elif node.type == "call_expression":
            node = node.child_by_field_name("function")
        else:
            return []
    return []


def _as_test(call) -> JsTest | None:
    chain = _chain(call.child_by_field_name("function"))
    if not chain:
        return None
    root = chain[0]
    if root in SKIPPED or root in FOCUSED:
        kind = "suite" if "describe" in root or "context" in root else "test"
        mark = root
    elif root in TEST_CALLS | SUITE_CALLS:
        kind = "suite" if root in SUITE_CALLS else "test"
        marks = [p for p in chain[1:] if p in SKIP_MODIFIERS | FOCUS_MODIFIERS]
        mark = marks[0] if marks else ""
    else:
        return None
    fn = call.child_by_field_name("function")
    if fn is not None and fn.type == "call_expression" and chain[-1] in ("each", "skipIf",
                                                                         "runIf", "for"):
        pass  # test.each(table)(title, fn): this call is the one with the callback
    elif "each" in chain or "skipIf" in chain or "for" in chain:
        return None  # the inner call of test.each(table): the outer one is the test
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    values = args.named_children
    callback = next((a for a in reversed(values) if a.type in (
        "arrow_function", "function_expression", "function")), None)
    title = _text(values[0]).strip("'\"`") if values else ""
    return JsTest(kind, title, mark, call.start_point[0] + 1, call.end_point[0] + 1, callback)


# --- focused-test and skipped-test -----------------------------------------------------------

def _mark_finding(f: ChangedFile, file: JsFile, t: JsTest) -> Finding:
    what = "suite" if t.kind == "suite" else "test"
    if t.mark in FOCUSED or t.mark in FOCUS_MODIFIERS:
        rule, verb = "focused-test", "is focused"
        why = (f"`{_shown(t.mark)}` runs this {what} alone: the other tests are skipped (in "
               "its file for Jest and Vitest, in the whole run for Mocha) and the run still "
               "reports success, so the suite silently checks almost nothing")
        confidence = 0.95
    elif t.mark == "skipIf":
        rule, verb = "skipped-test", "is conditionally skipped"
        why = f"`.skipIf(...)` skips this {what} when its condition holds: check what decides it"
        confidence = 0.5
    else:
        rule, verb = "skipped-test", "is switched off"
        why = f"`{_shown(t.mark)}` switches this {what} off: it checks nothing" + (
            " until someone writes it" if t.mark == "todo" else "")
        confidence = 0.9
    return _finding(rule, f, file, t, t.start_line, f"{_shown(t.mark)} added", why, confidence,
                    verb=verb)


def _shown(mark: str) -> str:
    return mark if mark in SKIPPED or mark in FOCUSED else f".{mark}"


# --- test-cannot-fail ------------------------------------------------------------------------

def _check_findings(f: ChangedFile, file: JsFile, t: JsTest) -> list[Finding]:
    if t.callback is None:
        return []
    helpers = file.checking_helpers()
    weak: list = []
    has_check, strong = _checks(t.callback, helpers, frozenset(file.functions), weak)
    if _type_test_file(f.path) or _expects_type_error(t.callback):
        return []  # the compiler checks these tests
    if not has_check and not _type_level(t.callback):
        why = ("no expect, assert or should call, no check on the test context and no helper "
               "that makes one: it passes whatever the code does (unless it throws)")
        return [_finding("test-cannot-fail", f, file, t, t.start_line, "no check", why, 0.9)]
    if not strong and weak and not _type_test_file(f.path) and not all(
            _subject_is_function(w, file) for w in weak):
        line = weak[0].start_point[0] + 1
        matchers = sorted({_weak_name(w) for w in weak})
        why = (f"its only checks are {', '.join(matchers)}: they pass for almost any value, "
               "while the test has the value at hand and could compare it exactly")
        return [_finding("test-cannot-fail", f, file, t, line, "only truthiness", why, 0.7)]
    return []


def _type_test_file(path: str) -> bool:
    """types.test.ts, middlewareTypes.test.tsx, x.test-d.ts: tests the compiler checks, where
    `expect(x).toBeDefined()` only keeps the runner from calling the test empty."""
    name = PurePosixPath(path).name.lower()
    return "type" in name.split(".")[0] or ".test-d." in name


def _expects_type_error(fn) -> bool:
    """A test holding `// @ts-expect-error`: the compiler fails it if the error goes away."""
    return any(n.type == "comment" and "@ts-expect-error" in _text(n) for n in _walk(fn))


def _subject_is_function(call, file: JsFile) -> bool:
    """`expect(Component).toBeDefined()` where Component is a function the test defined: a
    type-level test's placeholder, not a value it could compare."""
    node = next((n for n in _walk(call) if n.type == "call_expression" and _text(
        n.child_by_field_name("function")) == "expect"), None)
    if node is None:
        return False
    args = node.child_by_field_name("arguments")
    subject = args.named_children[0] if args is not None and args.named_children else None
    if subject is None or subject.type != "identifier":
        return False
    name = _text(subject)
    return name in file.functions or name[:1].isupper()


_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration",
                           "type_alias_declaration", "interface_declaration", "comment",
                           "empty_statement"})


def _type_level(fn) -> bool:
    """A TypeScript type test: the body only declares (functions never called, types), so
    the compiler is what checks it (`tsc` fails the build, not the runner)."""
    body = fn.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return False
    statements = body.named_children
    return bool(statements) and all(s.type in _DECLARATIONS for s in statements) and any(
        s.type != "comment" for s in statements)


def _checks(fn, helpers: set[str], local: frozenset[str], weak: list) -> tuple[bool, bool]:
    """(whether `fn` checks anything, whether any check is more than truthiness)."""
    context = _first_param(fn)
    found = strong = False
    for n in _walk(fn):
        if n.type == "throw_statement":
            found = strong = True
            continue
        if n.type != "call_expression":
            continue
        chain = _chain(n.child_by_field_name("function"))
        if not chain:
            continue
        root, last = chain[0], chain[-1]
        if root == "expect" and last in ("assertions", "hasAssertions"):
            continue  # counts the other checks; checks nothing itself
        is_check = (any(_CHECK_NAME.match(p) for p in chain) or bool(_THROWING_QUERY.match(last))
                    or (root == context and len(chain) > 1 and chain[1] not in CONTEXT_NON_CHECKS)
                    or (len(chain) == 1 and root in helpers)
                    or (chain == ["done"] and _has_arguments(n)))  # Mocha: done(err) fails
        if len(chain) == 1 and root in local and root not in helpers:
            is_check = False
        if not is_check:
            continue
        if _is_inner(n):
            top = _property_assertion(n)
            if top is None:
                continue  # the call around it is the check
            found = True  # chai's `expect(x).to.be.ok`: a property is the check
            if _text(top.child_by_field_name("property")) in WEAK_MATCHERS:
                weak.append(n)
            else:
                strong = True
            continue
        found = True
        if _is_weak(chain):
            weak.append(n)
        else:
            strong = True
    return found, strong


def _has_arguments(call) -> bool:
    args = call.child_by_field_name("arguments")
    return args is not None and bool(args.named_children)


def _is_inner(call) -> bool:
    """`expect(x)` inside `expect(x).toBe(1)`: the outer call is the check."""
    parent = call.parent
    return parent is not None and parent.type == "member_expression"


def _property_assertion(call):
    """The outermost member of `expect(x).to.be.ok` when no call follows it, else None."""
    top = call.parent
    while top.parent is not None and top.parent.type == "member_expression":
        top = top.parent
    holder = top.parent
    if holder is not None and holder.type == "call_expression" and \
            holder.child_by_field_name("function") == top:
        return None
    return top


def _is_weak(chain: list[str]) -> bool:
    last = chain[-1]
    negated = "not" in chain
    if negated:
        return last in WEAK_NEGATED
    return last in WEAK_MATCHERS - WEAK_NEGATED - {"toBeFalsy"} or (
        chain[0] == "assert" and len(chain) <= 2 and last in ("ok", "assert")) or (
        chain == ["assert"])


def _weak_name(call) -> str:
    chain = _chain(call.child_by_field_name("function"))
    return ".".join(chain[1:]) if chain[0] == "expect" else ".".join(chain)


def _first_param(fn) -> str:
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
    if params is None:
        return ""
    if params.type == "identifier":
        return _text(params)
    for p in params.named_children:
        ident = p.child_by_field_name("pattern") if p.type != "identifier" else p
        if ident is not None and ident.type == "identifier":
            name = _text(ident)
            return "" if name == "done" else name
        return ""
    return ""


def _finding(rule: str, f: ChangedFile, file: JsFile, t: JsTest, line: int, short: str,
             why: str, confidence: float, verb: str = "cannot fail") -> Finding:
    title = t.title or "(untitled)"
    return rule_finding(
        rule, confidence=confidence, file=f.path, line=line,
        title=f"{title} {verb}: {short}",
        evidence={"test": title, "line": line, "why": why, "code": excerpt(file.text, t.start_line, t.end_line, line),
                  "rerun": rerun(f.path, title, file.text)},
    ).with_fingerprint(f"js:{title}:{short}:{why}")


def rerun(path: str, title: str, text: str = "") -> str:
    """One test by file and name, for the runner the file imports (Jest when it names none)."""
    pattern = re.sub(r"%[a-z#%]", ".*", re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", title))
    pattern = pattern.replace("'", ".")  # the command quotes it in single quotes
    if re.search(r"""from\s+['"]node:test['"]|require\(['"]node:test['"]\)""", text):
        return f"node --test --test-name-pattern='{pattern}' {path}"
    if re.search(r"""(from\s+|require\()['"]vitest['"]""", text):
        return f"npx vitest run {path} -t '{pattern}'"
    if re.search(r"""(from\s+|require\()['"](mocha|chai)['"]""", text):
        return f"npx mocha {path} --grep '{pattern}'"
    return f"npx jest {path} -t '{pattern}'"
