"""Test integrity in Go: the `func TestXxx(t *testing.T)` functions of `_test.go` files that
the change adds or edits, read with tree-sitter-go.

- test-cannot-fail: no check at all (no t.Error/Errorf/Fatal/Fatalf/Fail/FailNow, no testify
  assert/require, no same-file helper that calls those), or a branch that only logs where a
  failure call belongs (`if got != want { t.Logf(...) }`);
- skipped-test: a t.Skip/Skipf/SkipNow the change adds, said to be conditional when a branch
  decides it (subtests that skip whenever the bug is absent check nothing);
- rewritten-expectation: a table-driven test's row, matched by its input fields, whose
  want/expected field changed in the same change as the package's code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from comprehend.adversary.changes import Sources
from comprehend.adversary.diff import Change, ChangedFile
from comprehend.adversary.findings import Finding
from comprehend.adversary.rules import rule_finding
from comprehend.adversary.syntax import node_text as _text
from comprehend.adversary.syntax import walk as _walk

FAIL_METHODS = frozenset({"Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow"})
SKIP_METHODS = frozenset({"Skip", "Skipf", "SkipNow"})
LOG_METHODS = frozenset({"Log", "Logf"})
# Packages whose every call is a check: testify, gotest.tools, quicktest, is, gomega
CHECK_PACKAGES = frozenset({"assert", "require", "qt", "is", "gomega", "cmp"})
# Methods that are checks on whatever receiver: gomega's Expect/Ω, check.v1's c.Assert
CHECK_METHODS = frozenset({"Expect", "Eventually", "Consistently", "Assert", "Check", "Ω"})
# Calls that end the test process or goroutine with a failure
FATAL_CALLS = frozenset({"panic", "log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic",
                         "log.Panicf", "os.Exit"})
TESTING_TYPES = frozenset({"*testing.T", "testing.TB", "*testing.B", "*testing.F"})
_TEST_NAME = re.compile(r"^Test([A-Z_0-9]|$)")
_WANT_FIELD = re.compile(r"^(want|expect|exp[A-Z_]|exp$|golden)", re.IGNORECASE)
# conditions that skip for the environment, not for the code's behaviour
_ENVIRONMENT = re.compile(r"testing\.Short|runtime\.GO|os\.Getenv|LookupEnv|LookPath|"
                          r"\bCI\b|build\.Default|Skip|race")


def is_go_test(path: str) -> bool:
    return path.endswith("_test.go")


def find_go_test_smells(change: Change, sources: Sources) -> list[Finding]:
    findings: list[Finding] = []
    code_changed = any(f.path.endswith(".go") and not is_go_test(f.path) and f.hunks
                       for f in change.files if not f.binary)
    for f in change.files:
        if f.status == "deleted" or f.binary or not is_go_test(f.path):
            continue
        text = sources.new_text(f)
        if text is None:
            continue
        head = GoFile.parse(text)
        touched = [fn for fn in head.tests if fn.touches(f.added_lines)]
        if not touched:
            continue
        base = GoFile.parse(sources.old_text(f) or "") if code_changed else None
        for fn in touched:
            findings += _smells(f, head, fn)
            if base is not None and fn.name in base.by_name:
                findings += _rewritten_rows(f, base, base.by_name[fn.name], head, fn)
    return findings


# --- the file as read ------------------------------------------------------------------------

@dataclass(frozen=True)
class GoTest:
    name: str
    start_line: int
    end_line: int
    node: object  # the function_declaration node

    def touches(self, lines: frozenset[int]) -> bool:
        return any(self.start_line <= n <= self.end_line for n in lines)


class GoFile:
    def __init__(self, text: str, root) -> None:
        self.text = text
        self.root = root
        functions = [n for n in root.named_children if n.type == "function_declaration"]
        self.functions = {_text(n.child_by_field_name("name")): n for n in functions}
        # methods as ".name": `tc.test` and `t.Run(name, tc.test)` call them
        self.methods = {"." + _text(n.child_by_field_name("name")): n
                        for n in root.named_children if n.type == "method_declaration"}
        self.structs = _struct_types(root)
        self.tests = [GoTest(name, n.start_point[0] + 1, n.end_point[0] + 1, n)
                      for name, n in self.functions.items()
                      if _TEST_NAME.match(name) and _testing_params(n)]
        self.by_name = {t.name: t for t in self.tests}
        self.local = frozenset(self.functions) | frozenset(self.methods)
        self._checking: set[str] | None = None

    @staticmethod
    def parse(text: str) -> GoFile:
        from comprehend.graph.languages import parser

        return GoFile(text, parser("go").parse(text.encode("utf-8")).root_node)

    def checking_helpers(self) -> set[str]:
        """Same-file functions that check, directly or through each other (to a fixed point)."""
        if self._checking is None:
            found: set[str] = set()
            while True:
                more = {name for name, n in [*self.functions.items(), *self.methods.items()]
                        if name not in found and _has_check(n, found, self.local)}
                if not more:
                    break
                found |= more
            self._checking = found
        return self._checking


def _testing_params(fn) -> set[str]:
    """Names of a function's (or func literal's) *testing.T-like parameters."""
    params = fn.child_by_field_name("parameters")
    names = set()
    for p in params.named_children if params is not None else ():
        kind = p.child_by_field_name("type")
        if p.type == "parameter_declaration" and _text(kind).replace(" ", "") in TESTING_TYPES:
            names |= {_text(c) for c in p.children_by_field_name("name")}
    return names


def _callee(call) -> tuple[str, str]:
    """(receiver, name) of a call: ("t", "Errorf"), ("", "helper"), ("log", "Fatal")."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return "", ""
    if fn.type == "selector_expression":
        return _text(fn.child_by_field_name("operand")), _text(fn.child_by_field_name("field"))
    if fn.type in ("identifier", "generic_type"):
        return "", _text(fn)
    return "", ""


def _testing_names(node) -> set[str]:
    names = set()
    for n in _walk(node):
        if n.type in ("function_declaration", "func_literal", "method_declaration"):
            names |= _testing_params(n)
    return names


def _is_check(call, testing: set[str], helpers: set[str], local: frozenset[str] = frozenset()) -> bool:
    """Whether a call can fail the test; `helpers` are the same-file functions that check,
    `local` all same-file functions (one that is not in `helpers` does not check)."""
    receiver, name = _callee(call)
    if receiver in testing and name in FAIL_METHODS:
        return True
    if receiver in CHECK_PACKAGES or name in CHECK_METHODS:
        return True
    if f"{receiver}.{name}".lstrip(".") in FATAL_CALLS:
        return True
    if not receiver and name in helpers or receiver and f".{name}" in helpers:
        return True
    args = call.child_by_field_name("arguments")
    if receiver in testing and name == "Run" and args is not None:
        # t.Run(name, checkCase) or t.Run(name, tc.test): the subtest is a helper
        for a in args.named_children:
            if _text(a) in helpers or (a.type == "selector_expression" and
                                       "." + _text(a.child_by_field_name("field")) in helpers):
                return True
    if not receiver and name in local or receiver and f".{name}" in local:
        return False
    # a helper from another file of the package that takes the test's T: it can fail the test
    passes_t = args is not None and any(_text(a) in testing for a in args.named_children)
    return passes_t and not (receiver in testing and name in LOG_METHODS | SKIP_METHODS | {"Run"})


def _has_check(node, helpers: set[str], local: frozenset[str]) -> bool:
    testing = _testing_names(node) | _assert_objects(node)
    return any(n.type == "call_expression" and _is_check(n, testing, helpers, local)
               for n in _walk(node))


def _assert_objects(node) -> set[str]:
    """Variables bound to `assert.New(t)` / `require.New(t)`: their method calls check."""
    names = set()
    for n in _walk(node):
        if n.type == "short_var_declaration" and re.search(r"\b(assert|require)\.New\(",
                                                           _text(n.child_by_field_name("right"))):
            names |= {_text(c) for c in n.child_by_field_name("left").named_children}
    return names


# --- test-cannot-fail and skipped-test -------------------------------------------------------

def _smells(f: ChangedFile, file: GoFile, fn: GoTest) -> list[Finding]:
    found = []
    node = fn.node
    testing = _testing_names(node)
    helpers = file.checking_helpers()
    checks = [n for n in _walk(node) if n.type == "call_expression"
              and _is_check(n, testing | _assert_objects(node), helpers, file.local)]
    skips = [n for n in _walk(node) if n.type == "call_expression"
             and _callee(n)[0] in testing and _callee(n)[1] in SKIP_METHODS]
    log_branches = [n for n in _walk(node) if n.type == "if_statement" and _only_logs(n, testing)]
    for skip in skips:
        line = skip.start_point[0] + 1
        if line not in f.added_lines:
            continue
        condition = _enclosing_condition(skip, node)
        if condition is None:
            why = "t.Skip runs on every run: the test checks nothing"
            found.append(_finding("skipped-test", f, fn, line, "unconditional skip", why, file,
                                  0.9))
        else:
            environment = bool(_ENVIRONMENT.search(condition))
            why = (f"the test skips when `{condition}`: " + (
                "an environment condition; the test checks nothing where it holds"
                if environment else "a condition on the code's own results decides whether "
                "anything is checked, so the test passes by skipping whenever it would fail"))
            found.append(_finding("skipped-test", f, fn, line, "conditional skip", why, file,
                                  0.4 if environment else 0.8))
    comparing = [b for b in log_branches if _compares(b.child_by_field_name("condition"))]
    for branch in (log_branches if not checks else comparing):
        line = branch.start_point[0] + 1
        if not any(branch.start_point[0] + 1 <= n <= branch.end_point[0] + 1
                   for n in f.added_lines):
            continue
        cond = _text(branch.child_by_field_name("condition"))
        why = (f"when `{cond}` holds the test only logs (t.Log/t.Logf); a failure there needs "
               "t.Errorf or t.Fatalf")
        found.append(_finding("test-cannot-fail", f, fn, line, "logs instead of failing", why,
                              file, 0.85))
    if not checks and not log_branches and not (skips and not _has_other_code(node)) \
            and not _compile_time_assertion(node):
        why = ("no t.Error/t.Errorf/t.Fatal/t.Fatalf/t.Fail, no assert/require call and no "
               "helper that makes one: it passes whatever the code does (a panic aside)")
        found.append(_finding("test-cannot-fail", f, fn, fn.start_line, "no check", why, file,
                              0.9))
    return found


def _compile_time_assertion(node) -> bool:
    """`var _ Interface = value`: the compiler checks it; such a test fails the build."""
    for n in _walk(node):
        if n.type == "var_spec" and [_text(c) for c in n.children_by_field_name("name")] == ["_"] \
                and n.child_by_field_name("type") is not None:
            return True
    return False


def _has_other_code(node) -> bool:
    """Whether a test does anything besides skipping (a test that only skips is one finding)."""
    body = node.child_by_field_name("body")
    calls = [n for n in _walk(body) if n.type == "call_expression"]
    return any(_callee(c)[1] not in SKIP_METHODS for c in calls)


def _enclosing_condition(node, stop) -> str | None:
    n = node.parent
    while n is not None and n != stop:
        if n.type in ("if_statement", "expression_case", "type_case", "communication_case"):
            cond = n.child_by_field_name("condition") if n.type == "if_statement" else n
            return " ".join(_text(cond).split("\n")[0].split())[:120]
        n = n.parent
    return None


def _only_logs(branch, testing: set[str]) -> bool:
    body = branch.child_by_field_name("consequence")
    statements = _statements(body)
    if not statements:
        return False
    for s in statements:
        call = s.named_children[0] if s.type == "expression_statement" and s.named_children else None
        if call is None or call.type != "call_expression":
            return False
        receiver, name = _callee(call)
        if not (receiver in testing and name in LOG_METHODS):
            return False
    return True


def _statements(block) -> list:
    if block is None:
        return []
    out = []
    for c in block.named_children:
        if c.type == "statement_list":
            out += [s for s in c.named_children if s.type != "comment"]
        elif c.type != "comment":
            out.append(c)
    return out


def _compares(condition) -> bool:
    """A condition that compares a result with an expectation (not `err != nil`)."""
    text = _text(condition)
    if re.search(r"(Equal|DeepEqual|diff|Diff|want|expect|exp\b)", text):
        return True
    return "!=" in text and "nil" not in text


def _finding(rule: str, f: ChangedFile, fn: GoTest, line: int, short: str, why: str,
             file: GoFile, confidence: float, **extra) -> Finding:
    verb = "cannot fail" if rule == "test-cannot-fail" else (
        "is switched off" if rule == "skipped-test" else "had its expectation rewritten")
    return rule_finding(
        rule, confidence=confidence, file=f.path, line=line,
        title=f"{fn.name} {verb}: {short}",
        evidence={"test": fn.name, "line": line, "why": why, **extra,
                  "code": excerpt(file.text, fn.start_line, fn.end_line, line),
                  "rerun": rerun(f.path, fn.name, extra.get("row"))},
    ).with_fingerprint(f"go:{fn.name}:{extra.get('row') or ''}:{why.split(' (')[0]}")


def excerpt(text: str, start: int, end: int, line: int, most: int = 16) -> str:
    """The test's lines, or when it is long its first line and the lines around `line`,
    numbered, tabs as four spaces."""
    lines = text.splitlines()

    def shown(n: int) -> str:
        return f"{n:>5}  {lines[n - 1].replace(chr(9), '    ')}" if n <= len(lines) else ""

    if end - start < most:
        return "\n".join(shown(n) for n in range(start, end + 1))
    window = range(max(start + 1, line - 4), min(end, line + 5) + 1)
    gap = ["  ..."] if window.start > start + 1 else []
    tail = ["  ..."] if window.stop <= end else []
    return "\n".join([shown(start), *gap, *(shown(n) for n in window), *tail])


def rerun(path: str, test: str, row: str | None = None) -> str:
    folder = str(PurePosixPath(path).parent)
    package = "." if folder in ("", ".") else f"./{folder}"
    pattern = f"^{test}$"
    if row:
        # go test names a subtest by its name with spaces as underscores; `-run` splits its
        # pattern at slashes, one level each, as a name with slashes nests
        pieces = [re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", p.replace(" ", "_"))
                  for p in row.split("/")]
        pattern += "".join(f"/^{p}$" for p in pieces)
    return f"go test {package} -run '{pattern}'"


# --- rewritten-expectation: table-driven rows ------------------------------------------------

@dataclass(frozen=True)
class Row:
    key: tuple[tuple[str, str], ...]  # input fields (name, normalized text)
    wants: tuple[tuple[str, str], ...]  # expectation fields
    line: int  # the first expectation cell
    span: tuple[int, int]
    name: str | None  # the row's name field, for the re-run command


def _rewritten_rows(f: ChangedFile, base: GoFile, old: GoTest, head: GoFile,
                    new: GoTest) -> list[Finding]:
    """One finding per test: its first rewritten row as the example, the others counted
    (a format change rewrites many rows at once; it is one thing to review)."""
    before = {r.key: r for r in _rows(base, old.node)}
    rewritten = []
    for row in _rows(head, new.node):
        was = before.get(row.key)
        if was is None or was.wants == row.wants or not row.wants:
            continue
        if not any(row.span[0] <= n <= row.span[1] for n in f.added_lines):
            continue
        old_w, new_w = dict(was.wants), dict(row.wants)
        changed = [k for k in new_w if old_w.get(k) != new_w[k]]
        if changed:
            rewritten.append((row, old_w, new_w, changed))
    if not rewritten:
        return []
    row, old_w, new_w, changed = rewritten[0]
    inputs = ", ".join(f"{k}: {v}" for k, v in row.key if k != "#key")[:160]
    label = row.name or inputs[:40]
    more = len(rewritten) - 1
    why = ("the row's inputs are unchanged but its expected "
           f"{', '.join(changed)} changed in the same change as the code: the test was "
           "made to agree with the new behaviour, which may be the bug"
           + (f" ({more} more row(s) of this table likewise)" if more else ""))
    extra = {"rows": [r.name or ", ".join(f"{k}: {v}" for k, v in r.key)[:80]
                      for r, *_ in rewritten][:20]} if more else {}
    return [_finding(
        "rewritten-expectation", f, new, row.line,
        f"{', '.join(changed)} of row {label}" + (f" and {more} more" if more else ""),
        why, head, 0.85, row=row.name, inputs=inputs,
        old="; ".join(f"{k}: {old_w.get(k, '(absent)')}" for k in changed),
        new="; ".join(f"{k}: {new_w[k]}" for k in changed), **extra)]


def _rows(file: GoFile, fn) -> list[Row]:
    rows = []
    for lit in _walk(fn):
        if lit.type != "composite_literal":
            continue
        kind = lit.child_by_field_name("type")
        fields, keyed_map = _table_fields(file, kind)
        if not fields or not any(_WANT_FIELD.match(x) for x in fields):
            continue
        body = lit.child_by_field_name("body")
        for element in body.named_children if body is not None else ():
            row = _row(element, fields, keyed_map)
            if row is not None:
                rows.append(row)
    return rows


def _table_fields(file: GoFile, kind) -> tuple[list[str], bool]:
    """The struct fields of a table's row type (`[]struct{...}`, `[]testCase`,
    `map[string]struct{...}`), and whether rows are keyed by a map key."""
    if kind is None:
        return [], False
    if kind.type == "slice_type":
        return _struct_fields(file, kind.child_by_field_name("element")), False
    if kind.type == "map_type":
        return _struct_fields(file, kind.child_by_field_name("value")), True
    return [], False


def _struct_fields(file: GoFile, node) -> list[str]:
    while node is not None and node.type == "pointer_type":
        node = node.named_children[0] if node.named_children else None
    if node is None:
        return []
    if node.type == "type_identifier":
        return file.structs.get(_text(node), [])
    if node.type != "struct_type":
        return []
    return _field_names(node)


def _field_names(struct) -> list[str]:
    names = []
    for decl in _walk(struct):
        if decl.type == "field_declaration":
            names += [_text(c) for c in decl.children_by_field_name("name")]
    return names


def _struct_types(root) -> dict[str, list[str]]:
    out = {}
    for n in _walk(root):
        if n.type == "type_spec":
            kind = n.child_by_field_name("type")
            if kind is not None and kind.type == "struct_type":
                out[_text(n.child_by_field_name("name"))] = _field_names(kind)
    return out


def _row(element, fields: list[str], keyed_map: bool) -> Row | None:
    map_key = None
    if keyed_map and element.type == "keyed_element":
        parts = element.named_children
        map_key, element = _norm(parts[0]), parts[-1]
    value = element.named_children[0] if element.type == "literal_element" and \
        element.named_children else element
    if value.type != "literal_value":
        return None
    cells: dict[str, str] = {}
    lines: dict[str, int] = {}
    positional = [c for c in value.named_children if c.type == "literal_element"]
    keyed = [c for c in value.named_children if c.type == "keyed_element"]
    for name, cell in zip(fields, positional, strict=False):
        cells[name], lines[name] = _norm(cell), cell.start_point[0] + 1
    for cell in keyed:
        parts = cell.named_children
        if len(parts) >= 2:
            name = _norm(parts[0])
            cells[name], lines[name] = _norm(parts[-1]), parts[-1].start_point[0] + 1
    wants = tuple((k, v) for k, v in cells.items() if _WANT_FIELD.match(k))
    key = tuple(sorted((k, v) for k, v in cells.items() if not _WANT_FIELD.match(k)))
    if map_key is not None:
        key = (("#key", map_key), *key)
    if not key:
        return None
    name = cells.get("name") or cells.get("desc") or cells.get("title") or map_key
    line = min((lines[k] for k, _ in wants if k in lines), default=value.start_point[0] + 1)
    return Row(key=key, wants=wants, line=line,
               span=(value.start_point[0] + 1, value.end_point[0] + 1),
               name=name.strip('"`') if name else None)


def _norm(node) -> str:
    return " ".join(_text(node).split())
