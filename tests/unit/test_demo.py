"""The demo repository: every commit, identity and AI marker exists as the agents write
them, and the planted bug is real and hidden (checked by running the demo's own tests)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from gitrepo import git

from comprehend.demo import DemoFolderError, DemoRepo, build_demo

# (author name, author email, committer name, author date, subject), oldest first.
HISTORY = [
    ("Maya Patel", "maya@shopcart.example", "Maya Patel", "2026-09-01T09:12:00+02:00", "Start shopcart: money in integer cents"),
    ("Maya Patel", "maya@shopcart.example", "Maya Patel", "2026-09-02T14:40:00+02:00", "Add the product catalog"),
    ("Tomas Ortega", "tomas@shopcart.example", "Tomas Ortega", "2026-09-04T11:05:00-05:00", "Add a cart with line items"),
    ("Dana Kim", "dana@shopcart.example", "Dana Kim", "2026-09-08T10:30:00+09:00", "Add VAT rates per region"),
    ("Tomas Ortega", "tomas@shopcart.example", "Tomas Ortega", "2026-09-09T16:20:00-05:00", "Add shipping bands by weight"),
    ("Maya Patel", "maya@shopcart.example", "Maya Patel", "2026-09-11T09:45:00+02:00", "Add a bulk discount from ten items"),
    ("Dana Kim", "dana@shopcart.example", "Dana Kim", "2026-09-15T13:10:00+09:00", "Add checkout totals"),
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "GitHub", "2026-09-17T06:02:00+00:00", "Bump pytest from 8.3.2 to 8.3.3"),
    ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com", "copilot-swe-agent[bot]", "2026-09-18T15:30:00+00:00", "Add price formatting for the storefront"),
    ("Tomas Ortega (aider)", "tomas@shopcart.example", "Tomas Ortega (aider)", "2026-09-22T17:50:00-05:00", "feat: Add coupon codes with expiry dates"),
    ("Dana Kim", "dana@shopcart.example", "Dana Kim", "2026-09-24T09:00:00+09:00", "Add Austrian and Italian VAT rates"),
    ("Dana Kim", "dana@shopcart.example", "Dana Kim", "2026-09-29T11:25:00+09:00", "Add tiered bulk discounts and a loyalty discount"),
    ("Maya Patel", "maya@shopcart.example", "Maya Patel", "2026-10-01T10:15:00+02:00", "Add a plain-text receipt"),
    ("Tomas Ortega", "tomas@shopcart.example", "Tomas Ortega", "2026-10-05T15:00:00-05:00", "Document the checkout flow"),
    ("Dana Kim", "dana@shopcart.example", "Dana Kim", "2026-10-07T08:40:00+09:00", "Ship free from 50 EUR"),
    ("Maya Patel", "maya@shopcart.example", "Maya Patel", "2026-10-09T12:30:00+02:00", "Add catalog search by name"),
    ("Tomas Ortega", "tomas@shopcart.example", "Tomas Ortega", "2026-10-13T16:45:00-05:00", "Reject non-positive quantities in the cart"),
    ("Maya Patel", "maya@shopcart.example", "Maya Patel", "2026-10-14T10:00:00+02:00", "Release 0.2.0"),
]

FILES = [
    ".gitignore", "README.md", "pyproject.toml", "requirements-dev.txt",
    "shopcart/__init__.py", "shopcart/cart.py", "shopcart/catalog.py", "shopcart/checkout.py",
    "shopcart/coupons.py", "shopcart/discounts.py", "shopcart/money.py", "shopcart/receipt.py",
    "shopcart/shipping.py", "shopcart/tax.py",
    "tests/test_cart.py", "tests/test_catalog.py", "tests/test_checkout.py",
    "tests/test_coupons.py", "tests/test_discounts.py", "tests/test_money.py",
    "tests/test_receipt.py", "tests/test_shipping.py", "tests/test_tax.py",
    "web/price.ts",
]


def log(demo: DemoRepo, fmt: str, *revs: str) -> list[str]:
    out = git(demo.path, "log", "--reverse", f"--format={fmt}%x00", *(revs or ("HEAD",)))
    return [record.strip("\n") for record in out.split("\0")[:-1]]


def message(demo: DemoRepo, role: str) -> str:
    return git(demo.path, "log", "-1", "--format=%B", demo.commit(role).sha)


def trailers(demo: DemoRepo, role: str) -> list[str]:
    out = git(demo.path, "log", "-1", "--format=%(trailers:only,unfold)", demo.commit(role).sha)
    return [line for line in out.splitlines() if line]


def test_history_is_the_story_exactly(demo: DemoRepo) -> None:
    records = [tuple(r.split("\x1f")) for r in log(demo, "%an%x1f%ae%x1f%cn%x1f%aI%x1f%s")]
    assert records == HISTORY
    assert log(demo, "%H") == [c.sha for c in demo.commits]
    # Commit dates are the author dates: the history reads the same in any log view.
    assert log(demo, "%cI") == [h[3] for h in HISTORY]


def test_three_people_over_six_weeks(demo: DemoRepo) -> None:
    humans = {c.author_email for c in demo.commits if c.origin == "human"}
    assert humans == {"maya@shopcart.example", "tomas@shopcart.example", "dana@shopcart.example"}
    first, last = (datetime.fromisoformat(HISTORY[i][3]) for i in (0, -1))
    assert (last - first).days == 43  # over six weeks; the issue asks for at least four


def test_head_tree_has_python_modules_tests_and_typescript(demo: DemoRepo) -> None:
    assert git(demo.path, "ls-tree", "-r", "--name-only", "HEAD").splitlines() == FILES


def test_modules_import_each_other(demo: DemoRepo) -> None:
    imports: dict[str, list[str]] = {}
    for path in sorted((demo.path / "shopcart").glob("*.py")):
        tree = ast.parse(path.read_text())
        imports[path.stem] = sorted(
            node.module.removeprefix("shopcart.")
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("shopcart")
        )
    assert imports == {
        "__init__": [],
        "cart": ["catalog"],
        "catalog": ["money"],
        "checkout": ["cart", "discounts", "shipping", "tax"],
        "coupons": ["money"],
        "discounts": ["cart", "money"],
        "money": [],
        "receipt": ["cart", "checkout", "money"],
        "shipping": ["money"],
        "tax": ["money"],
    }


def test_claude_code_commit_is_marked_as_claude_code_marks_it(demo: DemoRepo) -> None:
    body = message(demo, "claude-code").splitlines()
    assert "🤖 Generated with [Claude Code](https://claude.com/claude-code)" in body
    assert trailers(demo, "claude-code") == [
        "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"
    ]
    assert demo.commit("claude-code").author_name == "Dana Kim"


def test_copilot_coding_agent_is_the_author_with_the_person_as_co_author(demo: DemoRepo) -> None:
    sha = demo.commit("copilot-agent").sha
    identity = git(demo.path, "log", "-1", "--format=%an <%ae>|%cn <%ce>", sha).strip()
    assert identity == (
        "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>|"
        "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"
    )
    assert trailers(demo, "copilot-agent") == ["Co-authored-by: Tomas Ortega <tomas@shopcart.example>"]
    files = git(demo.path, "show", "--format=", "--name-only", sha).split()
    assert files == ["web/price.ts"]


def test_aider_appends_its_name_to_author_and_committer(demo: DemoRepo) -> None:
    sha = demo.commit("aider").sha
    identity = git(demo.path, "log", "-1", "--format=%an|%ae|%cn|%ce", sha).strip()
    assert identity == "Tomas Ortega (aider)|tomas@shopcart.example|Tomas Ortega (aider)|tomas@shopcart.example"
    assert trailers(demo, "aider") == []


def test_cursor_commit_has_the_cursor_trailer(demo: DemoRepo) -> None:
    assert message(demo, "cursor") == (
        "Add a plain-text receipt\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n\n"
    )
    assert demo.commit("cursor").author_name == "Maya Patel"


def test_dependabot_commit_is_a_bot_not_ai(demo: DemoRepo) -> None:
    sha = demo.commit("dependabot").sha
    identity = git(demo.path, "log", "-1", "--format=%an <%ae>|%cn <%ce>", sha).strip()
    assert identity == (
        "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>|GitHub <noreply@github.com>"
    )
    assert trailers(demo, "dependabot") == ["Signed-off-by: dependabot[bot] <support@github.com>"]
    assert git(demo.path, "show", f"{sha}:requirements-dev.txt") == "pytest==8.3.3\n"
    assert git(demo.path, "show", f"{sha}^:requirements-dev.txt") == "pytest==8.3.2\n"


def test_record_names_each_agent_and_bot(demo: DemoRepo) -> None:
    marked = [(c.role, c.origin, c.tool) for c in demo.commits if c.origin != "human"]
    assert marked == [
        ("dependabot", "bot", "dependabot"),
        ("copilot-agent", "ai", "copilot-agent"),
        ("aider", "ai", "aider"),
        ("claude-code", "ai", "claude-code"),
        ("cursor", "ai", "cursor"),
    ]
    with pytest.raises(KeyError, match="no demo commit with role 'nobody'"):
        demo.commit("nobody")


def test_bug_and_rewritten_expectation_are_in_one_ai_commit(demo: DemoRepo) -> None:
    claude = demo.commit("claude-code").sha
    assert demo.bug.commit == demo.rewritten.commit == demo.weak_tests.commit == claude
    head_code = git(demo.path, "show", f"HEAD:{demo.bug.file}").splitlines()
    assert head_code[demo.bug.line - 1] == "        if item.quantity > min_quantity:"
    assert (demo.bug.buggy, demo.bug.correct) == (
        "if item.quantity > min_quantity:", "if item.quantity >= min_quantity:"
    )
    head_test = git(demo.path, "show", f"HEAD:{demo.rewritten.file}").splitlines()
    assert head_test[demo.rewritten.line - 1] == (
        "    assert discounted_line_total(LineItem(NOTEBOOK, 10)) == 3990"
    )
    assert head_test[demo.rewritten.line - 2] == f"def {demo.rewritten.test}():"
    diff = git(demo.path, "diff", "--unified=0", f"{claude}^", claude, "--", demo.rewritten.file)
    assert f"-    {demo.rewritten.old}" in diff.splitlines()
    assert f"+    {demo.rewritten.new}" in diff.splitlines()
    before = git(demo.path, "show", f"{claude}^:{demo.bug.file}")
    assert "    if item.quantity >= BULK_MIN_QUANTITY:\n" in before


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # No cache, no bytecode: the shared demo tree stays exactly as built. No plugins: faster.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_demo_suite_passes_with_the_bug_hidden(demo: DemoRepo) -> None:
    proc = run_pytest(demo.path)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("33 passed in ")


def copy_of(demo: DemoRepo, tmp_path: Path) -> Path:
    target = tmp_path / "shopcart"
    shutil.copytree(demo.path, target, ignore=shutil.ignore_patterns(".git"))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


def test_the_bug_is_real(demo: DemoRepo, tmp_path: Path) -> None:
    """The expectation from before the AI commit fails on the AI's code, and passes once
    the boundary is fixed: the rewrite hid a behaviour change, not a spec change."""
    copy = copy_of(demo, tmp_path)
    edit(copy / demo.rewritten.file, demo.rewritten.new, demo.rewritten.old)
    failing = run_pytest(copy, f"{demo.rewritten.file}::{demo.rewritten.test}")
    assert failing.returncode == 1
    assert "assert 3990 == 3591" in failing.stdout
    edit(copy / demo.bug.file, demo.bug.buggy, demo.bug.correct)
    fixed = run_pytest(copy, demo.rewritten.file)
    assert fixed.returncode == 0, fixed.stdout
    assert fixed.stdout.splitlines()[-1].startswith("7 passed in ")


def test_the_loyalty_tests_cannot_catch_a_wrong_amount(demo: DemoRepo, tmp_path: Path) -> None:
    copy = copy_of(demo, tmp_path)
    assert demo.weak_tests.function == "loyalty_discount"
    # Any constant, however wrong, passes the three tests written with the function.
    edit(copy / demo.weak_tests.file,
         "            return min(percent_of(subtotal_cents, percent), LOYALTY_CAP_CENTS)",
         "            return 1")
    selected = " or ".join(demo.weak_tests.tests)
    proc = run_pytest(copy, demo.weak_tests.test_file, "-k", selected)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("3 passed, 4 deselected in ")


def test_building_twice_gives_the_same_commits(demo: DemoRepo, tmp_path: Path) -> None:
    again = build_demo(tmp_path / "again")
    assert [c.sha for c in again.commits] == [c.sha for c in demo.commits]
    assert again.path == tmp_path / "again"


def test_a_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(DemoFolderError, match="folder is not empty; pass a new or empty folder"):
        build_demo(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(DemoFolderError, match="is a file, not a folder"):
        build_demo(target)


def test_a_folder_that_cannot_be_created_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "demo"
    with pytest.raises(DemoFolderError, match=r"demo: cannot write the demo there \(Not a directory\)"):
        build_demo(target)
    assert [p.name for p in tmp_path.iterdir()] == ["file"]
