"""Acknowledgments as a team uses them: `comprehend ack` writes one, a person commits it to
the base branch, and `check` still shows the finding, marked, without failing on it; an
acknowledgment made by an AI-authored commit or inside the change does not count."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gitrepo import GitRepo

CLAUDE = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"
SHOP = "def price(total, rate):\n    return round(total * (1 - rate), 2)\n"
TESTS = textwrap.dedent("""\
    from shop import price


    def test_discount():
        assert price(100, 0.1) == 90.0
    """)


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def shop(repo: GitRepo, clean_env) -> tuple[GitRepo, str]:
    """main: pricing by a person; feature: an AI commit rewriting the expectation. Returns the
    repository (on main) and the rewritten-expectation fingerprint from a first check."""
    repo.git("config", "user.email", "ana@example.com")
    repo.write("shop.py", SHOP)
    repo.write("tests/test_shop.py", TESTS)
    repo.commit("Add pricing")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("shop.py", SHOP.replace("1 - rate", "1 - rate * 2"))
    repo.write("tests/test_shop.py", TESTS.replace("== 90.0", "== 80.0"))
    repo.commit("Apply the discount twice" + CLAUDE, author="Dana Kim", email="dana@example.com")
    code, report = check(repo, clean_env)
    assert code == 1
    [finding] = report["findings"]
    assert finding["rule"] == "rewritten-expectation"
    repo.git("checkout", "-q", "main")
    return repo, finding["fingerprint"]


def check(repo: GitRepo, env: dict[str, str], fmt: str = "json") -> tuple[int, dict]:
    proc = run(["check", "--no-exec", "--format", fmt, "--base", "main", "--head", "feature"],
               repo.path, env)
    assert proc.stderr == ""
    return proc.returncode, json.loads(proc.stdout) if fmt == "json" else proc.stdout


def ack(repo: GitRepo, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run(["ack", *args], repo.path, env)


def test_acknowledged_on_base_by_a_person_is_marked_and_does_not_fail(shop, clean_env) -> None:
    repo, fp = shop
    proc = ack(repo, clean_env, fp[:10], "--reason", "the spec doubled the discount (#42)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (f"acknowledged {fp} as ana@example.com: rewritten-expectation in "
                           "tests/test_shop.py:5: test_discount: expected 90.0 became 80.0 in "
                           "the same change as the code it tests\n"
                           "written to .comprehend/acks.toml:5; commit it (it counts once it is "
                           "on the base branch)\n")
    repo.commit("Acknowledge the doubled discount", author="Ana Diaz", email="ana@example.com")
    code, report = check(repo, clean_env)
    assert (code, report["verdict"]) == (0, "pass")
    [finding] = report["findings"]
    assert finding["acknowledged"]["reason"] == "the spec doubled the discount (#42)"
    assert finding["acknowledged"]["who"] == "ana@example.com"
    assert "ack_refused" not in finding
    assert report["run"]["acknowledged"] == 1

    code, text = check(repo, clean_env, "text")
    assert code == 0
    assert "test_discount: expected 90.0 became 80.0" in text
    assert "[acknowledged]" in text
    assert "acknowledged: by ana@example.com on " in text
    assert text.rstrip().endswith("PASS: 1 high; 0 at or above --fail-on high (1 acknowledged, "
                                  "not counted)")

    code, md = check(repo, clean_env, "markdown")
    assert "**(✔ acknowledged)**" in md
    assert "**acknowledged**: by ana@example.com on " in md

    code, sarif = check(repo, clean_env, "sarif")
    [result] = json.loads(sarif)["runs"][0]["results"]
    assert result["suppressions"] == [{
        "kind": "external", "status": "accepted",
        "justification": f"the spec doubled the discount (#42) (ana@example.com, "
                         f"{finding['acknowledged']['at']})"}]

    code, junit = check(repo, clean_env, "junit")
    suite = ET.fromstring(junit).find("testsuite")
    assert suite is not None and suite.get("failures") == "0"

    # the action re-renders the JSON result with `merge`: the mark and the verdict survive
    saved = repo.path.parent / "check.json"
    saved.write_text(json.dumps(report))
    merged = run(["merge", str(saved), "--format", "github"], repo.path, clean_env)
    assert merged.returncode == 0
    assert merged.stdout.startswith("::notice file=tests/test_shop.py,line=5,endLine=5,"
                                    "title=rewritten-expectation (high)::test_discount: expected "
                                    "90.0 became 80.0 in the same change as the code it tests "
                                    "[acknowledged ana@example.com: the spec doubled the discount "
                                    "(#42)]")


def test_acknowledgment_from_an_ai_commit_does_not_count(shop, clean_env) -> None:
    repo, fp = shop
    assert ack(repo, clean_env, fp, "--reason", "looks intended").returncode == 0
    ai = repo.commit("Acknowledge" + CLAUDE, author="Dana Kim", email="dana@example.com")
    code, report = check(repo, clean_env)
    assert (code, report["verdict"]) == (1, "fail")
    [finding] = report["findings"]
    assert "acknowledged" not in finding
    assert finding["ack_refused"] == (f"the acknowledgment by ana@example.com was added by an "
                                      f"AI-authored commit ({ai[:12]}); it counts only when a "
                                      "person commits it")
    code, text = check(repo, clean_env, "text")
    assert "[acknowledgment refused]" in text
    assert f"      fingerprint: {fp}" in text.splitlines()  # what `comprehend ack` takes
    assert "acknowledgment refused: the acknowledgment by ana@example.com was added by an" in text
    code, sarif = check(repo, clean_env, "sarif")
    [result] = json.loads(sarif)["runs"][0]["results"]
    assert result["suppressions"][0]["status"] == "rejected"


def test_acknowledgment_inside_the_change_does_not_count(shop, clean_env) -> None:
    repo, fp = shop
    repo.git("checkout", "-q", "feature")
    assert ack(repo, clean_env, fp, "--reason", "mine, trust me").returncode == 0
    repo.commit("Acknowledge my own finding", author="Ana Diaz", email="ana@example.com")
    code, report = check(repo, clean_env)
    assert (code, report["verdict"]) == (1, "fail")
    [finding] = report["findings"]
    assert finding["ack_refused"] == ("the acknowledgment by ana@example.com was added inside the "
                                      "change under review; an acknowledgment of a change's own "
                                      "finding counts once it is on the base branch")
    code, md = check(repo, clean_env, "markdown")
    assert "**(✘ acknowledgment refused)**" in md


def test_ack_of_an_unknown_fingerprint_needs_force(shop, clean_env) -> None:
    repo, _ = shop
    other = "ab" * 16
    proc = ack(repo, clean_env, other, "--reason", "from the CI report")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"comprehend: FINGERPRINT {other}: no finding with it in the "
                                  "store (")
    assert not (repo.path / ".comprehend").exists()
    proc = ack(repo, clean_env, other[:8], "--reason", "x", "--force")
    assert (proc.returncode, proc.stderr) == (2, f"comprehend: FINGERPRINT {other[:8]}: --force "
                                              "needs the whole fingerprint (32 hex digits), since "
                                              "the store cannot complete a prefix it has not seen\n")
    proc = ack(repo, clean_env, other, "--reason", "from the CI report", "--force")
    assert proc.returncode == 0
    text = (repo.path / ".comprehend" / "acks.toml").read_text()
    assert f'fingerprint = "{other}"\nreason = "from the CI report"\nwho = "ana@example.com"' in text


def test_ack_needs_a_reason_and_an_identity(shop, clean_env) -> None:
    repo, fp = shop
    proc = ack(repo, clean_env, fp, "--reason", " ")
    assert (proc.returncode, proc.stderr) == (2, "comprehend: --reason: an acknowledgment needs a "
                                              "reason; say why the finding is intended, e.g. "
                                              "--reason \"the spec changed in #123\"\n")
    repo.git("config", "--unset", "user.email")
    proc = ack(repo, clean_env, fp, "--reason", "ok")
    assert proc.returncode == 2
    assert proc.stderr.startswith("comprehend: git user.email is not set")
