"""Imports of packages that live in the repository (npm/yarn/pnpm workspaces, monorepos):
a bare `@org/util` or `@org/util/lib/strings` reaches the package whose package.json has
that name, through its main entry, or for a TypeScript package whose entries point at
compiled dist/ files, the src/ files tsconfig's outDir/rootDir say they are built from."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges, edges_with, nodes

UTIL, STRINGS = "packages/util/lib/index.js", "packages/util/lib/strings.js"
CORE, UI = "packages/core/src/index.ts", "packages/ui/src/index.ts"
WEB, CLI = "apps/web/src/main.ts", "apps/cli/index.js"
VENDORED = "node_modules/@org/vendored/index.js"

FILES = {
    "package.json": '{ "name": "monorepo", "private": true, "workspaces": ["packages/*", "apps/*"] }\n',
    "tsconfig.base.json": '{ "compilerOptions": { "strict": true, "outDir": "build" } }\n',
    "packages/util/package.json": '{ "name": "@org/util", "version": "1.0.0", "main": "lib/index.js" }\n',
    UTIL: """
        const { shout } = require('./strings');
        function greet(name) { return shout(name); }
        module.exports = { greet };
    """,
    STRINGS: """
        function shout(text) { return text.toUpperCase(); }
        exports.shout = shout;
    """,
    "packages/core/package.json": """
        { "name": "@org/core", "types": "dist/index.d.ts", "main": "dist/index.js" }
    """,
    # outDir/rootDir in the package's config, over the base's (relative to each config)
    "packages/core/tsconfig.json": """
        { "extends": "../../tsconfig.base.json", "compilerOptions": { "outDir": "dist", "rootDir": "src" } }
    """,
    CORE: """
        import { greet } from '@org/util';
        import { shout } from '@org/util/lib/strings';

        export function welcome(name: string) { return greet(name) + shout('!'); }
    """,
    # outDir alone: tsc's root is then the inputs' common folder, taken to be src/
    "packages/ui/package.json": '{ "name": "@org/ui", "main": "./out/index.js" }\n',
    "packages/ui/tsconfig.json": '{ "compilerOptions": { "outDir": "out" } }\n',
    UI: "export function button() { return 'button'; }\n",
    "apps/web/package.json": '{ "name": "web", "dependencies": { "@org/core": "*", "react": "*" } }\n',
    WEB: """
        import { welcome } from '@org/core';
        import { shout } from '@org/util/lib/strings';
        import { button } from '@org/ui';
        import { render as draw } from 'react-dom';
        import { helper } from '@org/missing';

        export function render() { return welcome('web') + shout('web') + button() + draw() + helper(); }
    """,
    "apps/cli/package.json": '{ "name": "cli", "main": "index.js" }\n',
    CLI: """
        const util = require('@org/util');
        const { welcome } = require('@org/core');
        const vendored = require('@org/vendored');

        function run() { return util.greet('cli') + welcome('cli') + vendored(); }
    """,
    # installed dependencies, when committed, are not read as the repository's packages
    "node_modules/@org/vendored/package.json": '{ "name": "@org/vendored", "main": "index.js" }\n',
    VENDORED: "module.exports = function vendored() { return 1; };\n",
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_package_names_resolve_to_the_repository_packages(graph) -> None:
    assert edges(graph, "imports") == {
        (UTIL, STRINGS),
        (CORE, UTIL), (CORE, STRINGS),
        (WEB, CORE), (WEB, STRINGS), (WEB, UI), (WEB, "external:react-dom"), (WEB, "external:@org/missing"),
        (CLI, UTIL), (CLI, CORE), (CLI, "external:@org/vendored"),
    }


def test_names_not_in_the_repository_stay_external(graph) -> None:
    assert nodes(graph, "external") == {"external:react-dom", "external:@org/missing",
                                        "external:@org/vendored"}


def test_calls_through_package_names_are_resolved(graph) -> None:
    assert edges_with(graph, "calls") == {
        (f"{UTIL}:greet", f"{STRINGS}:shout", "resolved"),
        (f"{CORE}:welcome", f"{UTIL}:greet", "resolved"),
        (f"{CORE}:welcome", f"{STRINGS}:shout", "resolved"),
        (f"{WEB}:render", f"{CORE}:welcome", "resolved"),
        (f"{WEB}:render", f"{STRINGS}:shout", "resolved"),
        (f"{WEB}:render", f"{UI}:button", "resolved"),
        (f"{CLI}:run", f"{UTIL}:greet", "resolved"),
        (f"{CLI}:run", f"{CORE}:welcome", "resolved"),
    }
