"""The code graph of a small JavaScript + TypeScript repository: relative imports with
extensions and index files, default and aliased imports, re-exports (named and `*`),
require(), a type-only import, an import cycle, a method and a function of the same name,
and a jest test file whose `it` cases are the test functions."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges, edges_with, nodes

MATH, INDEX, FORMAT = "web/src/util/math.js", "web/src/util/index.js", "web/src/util/format.js"
VIEW, APP, TYPES, TEST = "web/src/view.js", "web/src/app.ts", "web/src/types.ts", "web/test/math.test.js"

FILES = {
    MATH: """
        export function add(a, b) { return a + b; }
        export function scale(v) { return add(v, v) * FACTOR; }
        export const FACTOR = 2;
        export default function main() { return scale(1); }
    """,
    INDEX: """
        export { add as plus, scale } from './math';
        export * from './format';
    """,
    FORMAT: """
        import { render } from '../view';
        export function format(x) { return render(String(x)); }
    """,
    VIEW: """
        import React from 'react';
        import { format } from './util/format';

        export class View {
          render() { return format(this.value); }
        }

        export function render(s) { return s.trim(); }

        export class Panel extends View {
          show() { return this.render(); }
        }
    """,
    APP: """
        import main from './util/math';
        import { plus, scale as grow } from './util';
        import * as fmt from './util/format';
        import type { Config } from './types';
        const lodash = require('lodash');

        export class App {
          start(config: Config): number {
            return plus(main(), grow(2)) + fmt.format(1).length;
          }
        }
    """,
    TYPES: """
        export interface Config { name: string }
    """,
    TEST: """
        const { add } = require('../src/util/math');
        import { App } from '../src/app';

        describe('math', () => {
          it('adds', () => { expect(add(1, 2)).toBe(3); });
          it('starts', () => { expect(new App().start({})).toBe(5); });
        });
    """,
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_nodes(graph) -> None:
    assert nodes(graph, "module") == {MATH, INDEX, FORMAT, VIEW, APP, TYPES, TEST}
    assert nodes(graph, "external") == {"external:react", "external:lodash"}
    assert nodes(graph, "class") == {f"{VIEW}:View", f"{VIEW}:Panel", f"{APP}:App", f"{TYPES}:Config"}
    assert nodes(graph, "constant") == {f"{MATH}:FACTOR"}
    assert nodes(graph, "function") == {
        f"{MATH}:add", f"{MATH}:scale", f"{MATH}:main", f"{FORMAT}:format", f"{VIEW}:View.render",
        f"{VIEW}:render", f"{VIEW}:Panel.show", f"{APP}:App.start", f"{TEST}:math.adds",
        f"{TEST}:math.starts",
    }
    assert {n for n, d in graph.nodes.items() if d["test_case"]} == {f"{TEST}:math.adds", f"{TEST}:math.starts"}
    assert graph.nodes[APP]["language"] == "typescript"
    assert graph.nodes[MATH]["language"] == "javascript"


def test_imports_follow_extensions_index_files_and_packages(graph) -> None:
    assert edges(graph, "imports") == {
        (INDEX, MATH), (INDEX, FORMAT), (FORMAT, VIEW), (VIEW, "external:react"), (VIEW, FORMAT),
        (APP, MATH), (APP, INDEX), (APP, FORMAT), (APP, TYPES), (APP, "external:lodash"),
        (TEST, MATH), (TEST, APP),
    }
    type_only = {(s, d) for s, d, a in graph.edges if a["kind"] == "imports" and a["type_checking"]}
    assert type_only == {(APP, TYPES)}
    assert graph.import_cycles() == [[FORMAT, VIEW]]


def test_calls_through_default_aliased_and_re_exported_names(graph) -> None:
    assert edges_with(graph, "calls") == {
        (f"{MATH}:scale", f"{MATH}:add", "resolved"),
        (f"{MATH}:main", f"{MATH}:scale", "resolved"),
        (f"{FORMAT}:format", f"{VIEW}:render", "resolved"),
        (f"{VIEW}:View.render", f"{FORMAT}:format", "resolved"),
        # this.render() is the inherited method, not the function of the same name
        (f"{VIEW}:Panel.show", f"{VIEW}:View.render", "resolved"),
        # plus -> add through index.js; grow -> scale; main is math.js's default export
        (f"{APP}:App.start", f"{MATH}:add", "resolved"),
        (f"{APP}:App.start", f"{MATH}:scale", "resolved"),
        (f"{APP}:App.start", f"{MATH}:main", "resolved"),
        (f"{APP}:App.start", f"{FORMAT}:format", "resolved"),
        (f"{TEST}:math.adds", f"{MATH}:add", "resolved"),
        (f"{TEST}:math.starts", f"{APP}:App", "resolved"),
        (f"{TEST}:math.starts", f"{APP}:App.start", "name-match"),
    }
    assert edges(graph, "inherits") == {(f"{VIEW}:Panel", f"{VIEW}:View")}


def test_tests_edges_and_selection(graph) -> None:
    assert edges(graph, "tests") == {
        (f"{TEST}:math.adds", f"{MATH}:add"),
        (f"{TEST}:math.starts", f"{APP}:App"),
        (f"{TEST}:math.starts", f"{APP}:App.start"),
    }
    assert graph.tests_of([f"{MATH}:scale"]) == {f"{TEST}:math.starts"}
    assert graph.tests_of([f"{MATH}:add"]) == {f"{TEST}:math.adds", f"{TEST}:math.starts"}
    assert graph.symbols_at(TEST, 5) == [f"{TEST}:math.adds"]


ALIASED = {
    "web/tsconfig.json": """
        {
          // path aliases, as Next.js and Vite set them up
          "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"], }, },
        }
    """,
    "web/src/lib/math.ts": "export function twice(x: number) { return 2 * x; }\n",
    "web/src/page.ts": """
        import { twice } from '@/lib/math';
        import { render } from 'react-dom';
        import { other } from 'src/other';

        export function page() { return render(twice(other())); }
    """,
    "web/src/other.ts": "export function other() { return 1; }\nexport function render() {}\n",
}


@pytest.fixture(scope="module")
def aliased(tmp_path_factory):
    return built_graph(tmp_path_factory, ALIASED)


def test_tsconfig_paths_and_base_url_resolve(aliased) -> None:
    page = "web/src/page.ts"
    assert edges(aliased, "imports") == {
        (page, "web/src/lib/math.ts"), (page, "external:react-dom"), (page, "web/src/other.ts")}
    # render comes from react-dom: an external name is never guessed to be ours
    assert edges_with(aliased, "calls") == {
        (f"{page}:page", "web/src/lib/math.ts:twice", "resolved"),
        (f"{page}:page", "web/src/other.ts:other", "resolved"),
    }
