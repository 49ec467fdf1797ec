"""A generated repository of many Python files (1,000 by default) for the review's speed and
responsiveness: modules in packages calling one another, tests beside them, and a history
where about a third of the commits carry Claude Code's co-author trailer. Built with one
`git fast-import`, so it takes about a second."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}
PEOPLE = (("Ada Moss", "ada@large.example"), ("Ben Ito", "ben@large.example"),
          ("Cleo Hart", "cleo@large.example"))
CLAUDE = "Co-Authored-By: Claude <noreply@anthropic.com>"


def module_text(package: int, index: int, packages: int, per_package: int, salt: int = 0) -> str:
    other = ((package + 1) % packages, (index + 3) % per_package)
    return (
        f'"""Module {index} of package {package}."""\n\n'
        f"from pkg{other[0]:02d}.mod{other[1]:02d} import compute_{other[0]}_{other[1]}\n\n\n"
        f"def compute_{package}_{index}(x):\n"
        f"    return x * {index + 1} + {salt}\n\n\n"
        f"def combine_{package}_{index}(x, y):\n"
        f"    return compute_{package}_{index}(x) + compute_{other[0]}_{other[1]}(y)\n\n\n"
        f"class Holder{index}:\n"
        f"    def total(self, x):\n"
        f"        return combine_{package}_{index}(x, x)\n"
    )


def suite_text(package: int, index: int) -> str:
    return (f"from pkg{package:02d}.mod{index:02d} import compute_{package}_{index}\n\n\n"
            f"def test_compute_{package}_{index}():\n"
            f"    assert compute_{package}_{index}(1) is not None\n")


def build_large(path: Path, files: int = 1000, commits: int = 200, seed: int = 11) -> Path:
    """Build the repository at `path` (a new folder); returns it."""
    rng = random.Random(seed)
    packages = 40
    per_package = files // packages - 1  # one test file per package
    texts: dict[str, str] = {}
    for p in range(packages):
        texts[f"pkg{p:02d}/__init__.py"] = ""
        for i in range(per_package - 1):
            texts[f"pkg{p:02d}/mod{i:02d}.py"] = module_text(p, i, packages, per_package - 1)
        texts[f"tests/test_pkg{p:02d}.py"] = suite_text(p, 0)
    path.mkdir(parents=True)
    env = {**os.environ, **ENV}
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    names = sorted(n for n in texts if "/mod" in n)
    when = 1_780_000_000
    for n in range(commits):
        when += rng.randint(600, 20_000)
        name, email = rng.choice(PEOPLE)
        ai = n > 0 and rng.random() < 0.35
        subject = f"Change {n}: adjust the computations" if n else "Initial import"
        message = (subject + (f"\n\n{CLAUDE}\n" if ai else "\n")).encode()
        out = [f"commit refs/heads/main\nmark :{n + 1}\n".encode(),
               f"author {name} <{email}> {when} +0000\n".encode(),
               f"committer {name} <{email}> {when} +0000\n".encode(),
               b"data %d\n" % len(message) + message + b"\n"]
        if n:
            out.append(f"from :{n}\n".encode())
        changed = sorted(texts) if n == 0 else rng.sample(names, rng.randint(1, 4))
        for fname in changed:
            if n:
                p, i = int(fname[3:5]), int(fname.split("mod")[1][:2])
                texts[fname] = module_text(p, i, packages, per_package - 1, salt=n)
            blob = texts[fname].encode()
            out.append(f"M 100644 inline {fname}\n".encode() + b"data %d\n" % len(blob) + blob + b"\n")
        proc.stdin.write(b"".join(out))
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=path, check=True, env=env)
    return path
