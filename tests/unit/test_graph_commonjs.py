"""CommonJS modules in the code graph: definitions assigned to `exports.x` and
`module.exports.x`, `module.exports = { a, b: c }`, `module.exports = local`, `= function
f() {}`, `= class X {}`, `= require(..)`, `exports = module.exports = local`; a module
calling its own exports; each way of reading them (`const { a } =
require(..)`, `const m = require(..); m.a()`, `require(..).a`); and tsconfig `extends`."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges, edges_with, nodes

MATH, SHAPES, GREET = "lib/math.js", "lib/shapes.js", "lib/greet.js"
COUNTER, ROUTER, ALL, INDEX = "lib/counter.js", "lib/router.js", "lib/all.js", "lib/index.js"
FACTORY, ROOT, SPEC = "lib/factory.js", "index.js", "test/factory.test.js"
APP, MAIN = "app.js", "src/main.ts"

FILES = {
    MATH: """
        function add(a, b) { return a + b; }
        function subtract(a, b) { return add(a, -b); }
        exports.multiply = function (a, b) { return a * b; };
        exports.divide = (a, b) => a / b;
        exports.VERSION = '1.0';
        exports.minus = subtract;
        module.exports.square = function (x) { return add(x, x); };
        exports.cube = function (x) { return exports.multiply(x, module.exports.square(x)); };
    """,
    # express's lib/express.js: the module is a factory function
    FACTORY: """
        exports = module.exports = createApp;
        function createApp() { return 1; }
    """,
    # the package's entry at the top, which its tests require as '../'
    ROOT: "module.exports = require('./lib/factory');\n",
    SPEC: """
        const factory = require('../');

        describe('factory', () => {
          it('builds', () => { factory(); });
        });
    """,
    SHAPES: """
        function area(side) { return side * side; }
        function perim(side) { return 4 * side; }
        module.exports = {
          area,
          perimeter: perim,
          describe(shape) { return `${shape}: ${area(1)}`; },
          unit: (x) => perim(x),
          SIDES: 4,
        };
    """,
    GREET: """
        module.exports = function greet(name) { return format(name); };
        function format(name) { return name.trim(); }
    """,
    COUNTER: """
        module.exports = class Counter {
          increment() { return 1; }
        };
    """,
    ROUTER: """
        class Router {
          static create() { return new Router(); }
        }
        module.exports = Router;
    """,
    ALL: "module.exports = require('./math');\n",
    INDEX: """
        exports.shapes = require('./shapes');
        exports.times = require('./math').multiply;
    """,
    # One caller per form, so each calls edge shows that form resolved.
    APP: """
        const { multiply, divide: div } = require('./lib/math');
        const math = require('./lib/math');
        const square = require('./lib/math').square;
        const shapes = require('./lib/shapes');
        const { perimeter } = require('./lib/shapes');
        const greet = require('./lib/greet');
        const Counter = require('./lib/counter');
        const Router = require('./lib/router');
        const all = require('./lib/all');
        const lib = require('./lib');
        const factory = require('./lib/factory');

        function destructured() { return multiply(1, 2) + div(4, 2); }
        function namespaced() { return math.minus(3, 1) + math.VERSION; }
        function property() { return square(3); }
        function inline() { return require('./lib/math').add(1, 2); }
        function objectMembers() { return shapes.area(2) + shapes.describe('sq') + shapes.unit(1); }
        function objectAlias() { return perimeter(2); }
        function requiredFunction() { return greet('you'); }
        function requiredClass() { return new Counter(); }
        function requiredLocal() { return Router.create(); }
        function reexported() { return all.divide(1, 1) + lib.shapes.area(1) + lib.times(2, 3); }
        function chained() { return factory(); }
    """,
    MAIN: """
        import greet from '../lib/greet';
        import Counter from '../lib/counter';
        import { area } from '../lib/shapes';

        export function main() { return greet(String(area(1))) + new Counter(); }
    """,
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_exported_definitions_are_symbols_of_their_module(graph) -> None:
    app = ("destructured", "namespaced", "property", "inline", "objectMembers", "objectAlias",
           "requiredFunction", "requiredClass", "requiredLocal", "reexported", "chained")
    assert nodes(graph, "function") == {
        f"{MATH}:add", f"{MATH}:subtract", f"{MATH}:multiply", f"{MATH}:divide", f"{MATH}:square",
        f"{MATH}:cube", f"{FACTORY}:createApp", f"{SPEC}:factory.builds",
        f"{SHAPES}:area", f"{SHAPES}:perim", f"{SHAPES}:describe", f"{SHAPES}:unit",
        f"{GREET}:greet", f"{GREET}:format", f"{COUNTER}:Counter.increment",
        f"{ROUTER}:Router.create", f"{MAIN}:main", *(f"{APP}:{name}" for name in app),
    }
    # `exports.minus = subtract` and `perimeter: perim` name definitions: no node of their own
    assert nodes(graph, "constant") == {f"{MATH}:VERSION", f"{SHAPES}:SIDES"}
    assert nodes(graph, "class") == {f"{COUNTER}:Counter", f"{ROUTER}:Router"}
    assert nodes(graph, "external") == set()


def test_a_test_requiring_the_package_top_tests_its_entry(graph) -> None:
    assert edges(graph, "tests") == {(f"{SPEC}:factory.builds", f"{FACTORY}:createApp")}


def test_requires_are_imports(graph) -> None:
    assert edges(graph, "imports") == {
        (APP, MATH), (APP, SHAPES), (APP, GREET), (APP, COUNTER), (APP, ROUTER), (APP, ALL),
        (APP, INDEX), (APP, FACTORY), (ALL, MATH), (ROOT, FACTORY), (SPEC, ROOT), (INDEX, SHAPES), (INDEX, MATH),
        (MAIN, GREET), (MAIN, COUNTER), (MAIN, SHAPES),
    }


def test_each_form_resolves_to_the_exported_definition(graph) -> None:
    assert edges_with(graph, "calls") == {
        # inside the modules
        (f"{MATH}:subtract", f"{MATH}:add", "resolved"),
        (f"{MATH}:square", f"{MATH}:add", "resolved"),
        # exports.multiply() and module.exports.square() inside the module itself
        (f"{MATH}:cube", f"{MATH}:multiply", "resolved"),
        (f"{MATH}:cube", f"{MATH}:square", "resolved"),
        (f"{SHAPES}:describe", f"{SHAPES}:area", "resolved"),
        (f"{SHAPES}:unit", f"{SHAPES}:perim", "resolved"),
        (f"{GREET}:greet", f"{GREET}:format", "resolved"),
        (f"{ROUTER}:Router.create", f"{ROUTER}:Router", "resolved"),
        # const { multiply, divide: div } = require(...)
        (f"{APP}:destructured", f"{MATH}:multiply", "resolved"),
        (f"{APP}:destructured", f"{MATH}:divide", "resolved"),
        # const math = require(...); math.minus(): exports.minus = subtract
        (f"{APP}:namespaced", f"{MATH}:subtract", "resolved"),
        # const square = require(...).square, and require(...).add() in place
        (f"{APP}:property", f"{MATH}:square", "resolved"),
        (f"{APP}:inline", f"{MATH}:add", "resolved"),
        # module.exports = { area, perimeter: perim, describe() {}, unit: () => {} }
        (f"{APP}:objectMembers", f"{SHAPES}:area", "resolved"),
        (f"{APP}:objectMembers", f"{SHAPES}:describe", "resolved"),
        (f"{APP}:objectMembers", f"{SHAPES}:unit", "resolved"),
        (f"{APP}:objectAlias", f"{SHAPES}:perim", "resolved"),
        # what require() returns: module.exports = function greet / class Counter / Router
        (f"{APP}:requiredFunction", f"{GREET}:greet", "resolved"),
        (f"{APP}:requiredClass", f"{COUNTER}:Counter", "resolved"),
        (f"{APP}:requiredLocal", f"{ROUTER}:Router.create", "resolved"),
        # module.exports = require('./math'); exports.shapes = require('./shapes');
        # exports.times = require('./math').multiply
        (f"{APP}:reexported", f"{MATH}:divide", "resolved"),
        (f"{APP}:reexported", f"{SHAPES}:area", "resolved"),
        (f"{APP}:reexported", f"{MATH}:multiply", "resolved"),
        # exports = module.exports = createApp
        (f"{APP}:chained", f"{FACTORY}:createApp", "resolved"),
        (f"{SPEC}:factory.builds", f"{FACTORY}:createApp", "resolved"),
        # ES imports of CommonJS modules: module.exports = function/class is the default
        (f"{MAIN}:main", f"{GREET}:greet", "resolved"),
        (f"{MAIN}:main", f"{COUNTER}:Counter", "resolved"),
        (f"{MAIN}:main", f"{SHAPES}:area", "resolved"),
    }


CONFIGS = {
    # baseUrl and paths only in the base config, both relative to the base's folder
    "web/tsconfig.base.json": """
        {
          // shared by every app
          "compilerOptions": { "baseUrl": "src", "paths": { "@lib/*": ["lib/*"], }, },
        }
    """,
    "web/app/tsconfig.json": """
        { "extends": "../tsconfig.base", "compilerOptions": { "strict": true } }
    """,
    "web/src/lib/math.ts": "export function twice(x: number) { return 2 * x; }\n",
    "web/src/other.ts": "export function other() { return 1; }\n",
    "web/app/main.ts": """
        import { twice } from '@lib/math';
        import { other } from 'other';

        export function main() { return twice(other()); }
    """,
    # paths without baseUrl are relative to the config that sets them; a package name
    # (not in the repository) in an extends list is passed over
    "shared/tsconfig.paths.json": '{ "compilerOptions": { "paths": { "#util/*": ["./util/*"] } } }\n',
    "shared/util/clock.ts": "export function now() { return 0; }\n",
    "pkg/tsconfig.json": """
        { "extends": ["@tsconfig/node18/tsconfig.json", "../shared/tsconfig.paths.json"] }
    """,
    "pkg/index.ts": """
        import { now } from '#util/clock';

        export function start() { return now(); }
    """,
    # two configs that extend each other
    "loop/tsconfig.json": '{ "extends": "./tsconfig.other.json" }\n',
    "loop/tsconfig.other.json": """
        { "extends": "./tsconfig.json", "compilerOptions": { "paths": { "~/*": ["./src/*"] } } }
    """,
    "loop/src/b.ts": "export function b() { return 2; }\n",
    "loop/a.ts": """
        import { b } from '~/b';

        export function a() { return b(); }
    """,
}


@pytest.fixture(scope="module")
def configs(tmp_path_factory):
    return built_graph(tmp_path_factory, CONFIGS)


def test_tsconfig_extends_brings_the_base_aliases(configs) -> None:
    assert edges(configs, "imports") == {
        ("web/app/main.ts", "web/src/lib/math.ts"), ("web/app/main.ts", "web/src/other.ts"),
        ("pkg/index.ts", "shared/util/clock.ts"),
        ("loop/a.ts", "loop/src/b.ts"),
    }
    assert edges_with(configs, "calls") == {
        ("web/app/main.ts:main", "web/src/lib/math.ts:twice", "resolved"),
        ("web/app/main.ts:main", "web/src/other.ts:other", "resolved"),
        ("pkg/index.ts:start", "shared/util/clock.ts:now", "resolved"),
        ("loop/a.ts:a", "loop/src/b.ts:b", "resolved"),
    }
    assert nodes(configs, "external") == set()
