"""`#[path = "..."] mod x;` in a Rust crate: the file named is module x of the declaring
module, relative to the declaring file's folder (and, inside inline mods, to their folders,
under a folder named after a non-mod-rs file). A `#[path]` file is a mod.rs to its own
`mod y;`: y sits beside it. Plain mods keep working, and a file that only looks like a
module by its path keeps its path's name, or yields it to the declared file."""

from __future__ import annotations

import pytest
from graphkit import built_graph, edges_with, nodes

FILES = {
    "Cargo.toml": '[package]\nname = "paths"\nversion = "0.1.0"\n',
    "src/lib.rs": """
        #[cfg(unix)]
        #[path = "platform/unix_impl.rs"]
        pub mod sys;
        pub mod plain;

        mod outer {
            #[path = "deep.rs"]
            pub mod inner;
        }

        pub fn run() -> i64 {
            sys::open() + plain::helper() + outer::inner::depth()
        }
    """,
    "src/platform/unix_impl.rs": """
        mod detail;

        mod ffi {
            #[path = "raw.rs"]
            pub mod raw;
        }

        pub fn open() -> i64 {
            detail::fd() + ffi::raw::handle()
        }
    """,
    "src/platform/detail.rs": "pub fn fd() -> i64 { 3 }\n",
    "src/platform/unix_impl/detail.rs": "pub fn fd() -> i64 { 4 }\n",
    "src/platform/ffi/raw.rs": "pub fn handle() -> i64 { 0 }\n",
    "src/outer/deep.rs": "pub fn depth() -> i64 { 1 }\n",
    "src/plain.rs": """
        use crate::sys::open;

        #[path = "shared/util.rs"]
        mod util;

        mod nest {
            #[path = "leaf_impl.rs"]
            pub mod leaf;

            pub fn two() -> i64 { leaf::one() * 2 }
        }

        pub fn helper() -> i64 {
            open() + util::twice(1) + nest::leaf::one()
        }
    """,
    "src/shared/util.rs": "pub fn twice(v: i64) -> i64 { v * 2 }\n",
    "src/plain/util.rs": "pub fn twice(v: i64) -> i64 { v * 3 }\n",
    "src/plain/nest/leaf_impl.rs": "pub fn one() -> i64 { 1 }\n",
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return built_graph(tmp_path_factory, FILES)


def test_pathed_files_take_their_declarations_names(graph) -> None:
    files = {n: d["path"] for n, d in graph.nodes.items()
             if d["kind"] in ("module", "package") and d["qualname"] == ""}
    assert files == {
        "paths": "src/lib.rs",
        "paths::sys": "src/platform/unix_impl.rs",  # #[path] in a mod-rs file: beside it
        "paths::sys::detail": "src/platform/detail.rs",  # a #[path] file's mod: beside it
        "paths::platform::unix_impl::detail": "src/platform/unix_impl/detail.rs",  # the decoy
        "paths::sys::ffi::raw": "src/platform/ffi/raw.rs",  # inline mod of a #[path] file
        "paths::outer::inner": "src/outer/deep.rs",  # inline mod of a mod-rs file
        "paths::plain": "src/plain.rs",  # a plain mod
        "paths::plain::util": "src/shared/util.rs",  # #[path] in a non-mod-rs file: its folder
        "paths::plain::util::util": "src/plain/util.rs",  # a stale file yields the name
        "paths::plain::nest::leaf": "src/plain/nest/leaf_impl.rs",  # inline mod of a non-mod-rs file
    }
    assert nodes(graph, "module") == set(files) - {"paths"} | {
        "paths::outer", "paths::plain::nest", "paths::sys::ffi"}
    assert nodes(graph, "external") == set()


def test_use_and_calls_reach_the_pathed_files(graph) -> None:
    assert edges_with(graph, "imports") == {("paths::plain", "paths::sys", "resolved")}
    assert edges_with(graph, "calls") == {
        ("paths::run", "paths::sys::open", "resolved"),  # sys::open()
        ("paths::run", "paths::plain::helper", "resolved"),  # a plain mod still works
        ("paths::run", "paths::outer::inner::depth", "resolved"),
        ("paths::plain::helper", "paths::sys::open", "resolved"),  # use crate::sys::open
        ("paths::plain::helper", "paths::plain::util::twice", "resolved"),
        ("paths::plain::helper", "paths::plain::nest::leaf::one", "resolved"),
        ("paths::plain::nest::two", "paths::plain::nest::leaf::one", "resolved"),
        ("paths::sys::open", "paths::sys::detail::fd", "resolved"),  # not the decoy's fd
        ("paths::sys::open", "paths::sys::ffi::raw::handle", "resolved"),
    }
