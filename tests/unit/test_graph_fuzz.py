"""Extraction never raises, whatever the bytes: random bytes, random text, and shuffled
fragments of real code in every language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comprehend.graph.facts import FileFacts, decode, encode
from comprehend.graph.languages import LANGUAGES
from comprehend.graph.parse import parse_bytes

FRAGMENTS = {
    "python": ["import a.b as c\n", "from .. import x\n", "class A(B):\n", "    def f(self):\n",
               "        return self.g()\n", "@dec\n", "if TYPE_CHECKING:\n", "X = 1\n", "def test_x():\n",
               "super().f()\n", "(", ")", ":", "\n", "    "],
    "javascript": ["import x, {a as b} from './m';\n", "export * from 'y';\n", "class A extends B {",
                   "m() { this.f(); }", "}", "const f = require('z');\n", "it('t', () => {", "});",
                   "export default function g() {}\n", "(", ")", "{", "}"],
    "typescript": ["import type { T } from './t';\n", "interface I { m(): void }\n", "enum E { A }\n",
                   "namespace N {", "}", "export class C implements I {", "m(): void {}", "(", ")"],
    "tsx": ["const a = <div>{x}</div>;\n", "export function App() { return <App/>; }\n", "<", ">"],
    "go": ["package p\n", "import (\n", '"fmt"\n', ")\n", "func (c *T) M() {", "}", "type T struct{}\n",
           "func TestX(t *testing.T) {", "x.Y()", "&T{}"],
    "rust": ["mod m;\n", "use crate::a::{b, c as d};\n", "impl T for U {", "}", "fn f() {", "#[test]\n",
             "assert_eq!(f(), 1);", "use super::*;\n", "Self::new()", "<", ">"],
    "java": ["package a.b;\n", "import static a.B.c;\n", "class C extends D {", "}", "@Test\n",
             "void t() {", "new E().f();", "static final int X = 1;", "(", ")"],
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_bytes_never_raise(language: str, data: bytes) -> None:
    facts = parse_bytes(language, data)
    assert facts.language == language
    assert decode(encode(facts)) == facts


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@settings(max_examples=60, deadline=None)
@given(parts=st.lists(st.integers(min_value=0, max_value=40), max_size=40))
def test_shuffled_code_never_raises(language: str, parts: list[int]) -> None:
    fragments = FRAGMENTS[language]
    source = "".join(fragments[i % len(fragments)] for i in parts).encode()
    facts = parse_bytes(language, source)
    assert isinstance(facts, FileFacts)
    assert all(d.parent < i for i, d in enumerate(facts.definitions))
    assert all(-1 <= r.scope < len(facts.definitions) for r in facts.references)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    for language in LANGUAGES:
        assert parse_bytes(language, text.encode()).language == language
