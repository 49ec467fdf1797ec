"""Files the graph cannot or should not parse are counted, never a crash: binary, too
large, invalid UTF-8, syntax errors (what parses is kept), symlinks, submodules, excluded."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo
from graphkit import commit_files, graph_of, nodes

from comprehend.errors import ConfigError


@pytest.fixture
def graph(repo: GitRepo, tmp_path: Path):
    commit_files(repo, {
        ".comprehend.toml": '[graph]\nmax_file_bytes = 300\nexclude = ["vendor/*"]\n',
        "good.py": "def fine():\n    return 1\n",
        "binary.py": b"\x00\x01\x02def nope(): pass\n",
        "big.py": "X = 1\n" * 100,
        "latin1.py": "# caf\xe9\ndef nope():\n    pass\n".encode("latin-1"),
        "broken.py": "def ok():\n    return 1\n\n\ndef broken(:\n    return\n\n\nclass Kept:\n    pass\n",
        "vendor/lib.py": "def vendored():\n    pass\n",
        "notes.txt": "not code\n",
    })
    (repo.path / "link.py").symlink_to("good.py")
    commit = repo.head()
    repo.git("add", "link.py")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{commit},sub")
    blob = repo.git("hash-object", "-w", "--stdin", input="def f():\n    pass\n").strip()
    undecodable = b"caf\xe9.py".decode("utf-8", "surrogateescape")
    repo.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{undecodable}")
    repo.git("commit", "-q", "-m", "symlink and submodule")  # not `add -A`: sub has no folder
    return graph_of(repo, tmp_path / "store.db")


def test_each_kind_of_bad_file_is_counted(graph) -> None:
    assert graph.stats["skipped"] == {"binary": 1, "excluded": 1, "invalid-utf8": 1, "submodule": 1,
                                      "symlink": 1, "too-large": 1, "undecodable-name": 1}
    assert graph.stats["files"] == 12
    assert graph.stats["by_language"] == {"python": 8}


def test_unparsed_files_are_modules_without_symbols(graph) -> None:
    assert nodes(graph, "module") == {"good", "binary", "big", "latin1", "broken"}
    assert nodes(graph, "function") == {"good.fine", "broken.ok", "broken.broken"}


def test_syntax_errors_keep_what_parses(graph) -> None:
    assert graph.stats["parse_error_files"] == ["broken.py"]
    assert graph.stats["parse_errors"] >= 1
    assert nodes(graph, "class") == {"broken.Kept"}


def test_unknown_language_in_config_is_a_config_error(repo: GitRepo, tmp_path: Path) -> None:
    commit_files(repo, {".comprehend.toml": '[graph]\nextensions = { ".cob" = "cobol" }\n'})
    with pytest.raises(ConfigError, match=r"graph.extensions: unknown language in \.cob = 'cobol'; use one of"):
        graph_of(repo, tmp_path / "store.db")


def test_config_extensions_add_a_language(repo: GitRepo, tmp_path: Path) -> None:
    commit_files(repo, {".comprehend.toml": '[graph]\nextensions = { ".pyw" = "python" }\n',
                        "tool.pyw": "def launch():\n    pass\n"})
    assert nodes(graph_of(repo, tmp_path / "store.db"), "function") == {"tool.launch"}
