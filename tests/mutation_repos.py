"""Tiny repositories for mutation tests: a base commit with code and tests, then an
AI-style change. Built with the git CLI (GitRepo); each has a handful of mutants."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo

from comprehend.adversary.changes import read_change, resolve_spec
from comprehend.adversary.diff import Change
from comprehend.git import Repository, open_repository

PRICE_V1 = '''def total(price, qty):
    return price * qty
'''

# Lines 5-8 are the change: the function mutation attacks.
PRICE_V2 = '''def total(price, qty):
    return price * qty


def discount(price, qty):
    if qty >= 10:
        return price * qty * 0.9
    return price * qty
'''

OLD_TEST = '''from shop.price import total


def test_total():
    assert total(2, 3) == 6
'''


def base_repo(path: Path) -> GitRepo:
    repo = GitRepo.create(path)
    repo.write("shop/__init__.py", "")
    repo.write("shop/price.py", PRICE_V1)
    repo.write("tests/test_price.py", OLD_TEST)
    repo.commit("Add total")
    return repo


def weakly_tested(path: Path) -> GitRepo:
    """discount() with a test that only checks something came back."""
    repo = base_repo(path)
    repo.write("shop/price.py", PRICE_V2)
    repo.write("tests/test_discount.py", '''from shop.price import discount


def test_discount_runs():
    assert discount(2, 20) is not None
''')
    repo.commit("Add discount", author="Claude", email="noreply@anthropic.com")
    return repo


def well_tested(path: Path) -> GitRepo:
    """discount() behind a module constant, with tests that pin every boundary."""
    repo = base_repo(path)
    repo.write("shop/price.py", PRICE_V1 + '''

BULK = 10


def discount(price, qty):
    if qty >= BULK:
        return price * qty * 0.9
    return price * qty
''')
    repo.write("tests/test_discount.py", '''from shop.price import discount


def test_small_orders_pay_full_price():
    assert discount(2, 9) == 18


def test_bulk_orders_get_ten_percent_off():
    assert discount(2, 10) == 18.0
    assert discount(3, 20) == 54.0
''')
    repo.commit("Add discount", author="Claude", email="noreply@anthropic.com")
    return repo


def five_tests_cover(path: Path) -> GitRepo:
    """discount()'s condition (line 6) is run by five tests that only check that something
    came back: two named for discount in the module's own test file, one other test there,
    two in another file that also run checkout()."""
    repo = base_repo(path)
    repo.write("shop/price.py", PRICE_V2 + '''

def checkout(items):
    return sum(discount(price, qty) for price, qty in items)
''')
    repo.write("tests/test_price.py", (OLD_TEST + '''

def test_discount_small():
    assert discount(2, 3) is not None


def test_discount_bulk():
    assert discount(2, 20) is not None


def test_prices_are_numbers():
    assert isinstance(discount(1, 1), (int, float))
''').replace("import total", "import discount, total"))
    repo.write("tests/test_checkout.py", '''from shop.price import checkout


def test_checkout_one_item():
    assert checkout([(2, 3)]) is not None


def test_checkout_two_items():
    assert checkout([(2, 3), (1, 1)]) is not None
''')
    repo.commit("Add discount and checkout", author="Claude", email="noreply@anthropic.com")
    return repo


def change_of(repo: GitRepo, base: str = "HEAD~1", head: str | None = "HEAD") -> tuple[Repository, Change]:
    """The change as `comprehend check --base BASE --head HEAD` reads it."""
    opened = open_repository(repo.path)
    spec = resolve_spec(opened, base, head)
    return opened, read_change(opened, spec)


def tree_bytes(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under root (work tree and .git, except comprehend's own store) with its
    mode and bytes, symlinks as their target: what must be byte-identical after a run."""
    snapshot: dict[str, tuple[int, bytes]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == ".git/comprehend" or rel.startswith(".git/comprehend/"):
            continue
        if path.is_symlink():
            snapshot[rel] = (0, str(path.readlink()).encode())
        elif path.is_file():
            snapshot[rel] = (path.stat().st_mode, path.read_bytes())
        else:
            snapshot[rel] = (path.stat().st_mode, b"<dir>")
    return snapshot
