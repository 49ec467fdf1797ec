"""`comprehend team` end to end on real repositories: text, JSON and HTML (rendered by
headless Chromium), answers recorded in a real store, bad input."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from answers import answer
from gitrepo import GitRepo

from comprehend.store import open_store

CLAUDE = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"


def days_ago(n: int) -> str:
    return (datetime.now(UTC) - timedelta(days=n)).replace(microsecond=0).isoformat()


@pytest.fixture
def team_repo(tmp_path: Path) -> GitRepo:
    r = GitRepo.create(tmp_path / "team")
    r.write(".comprehend.toml", '[team]\nmembers = ["alice@x.example", "bob@x.example"]\n'
                                'former = ["carol@x.example"]\n')
    r.write("pkg/__init__.py", "")
    r.write("pkg/hand.py", "def f(x):\n    total = 0\n    for i in range(x):\n        total += i\n    return total\n")
    r.commit("Hand-written f", author="Alice", email="alice@x.example", date=days_ago(40))
    r.write("pkg/gen.py", "def g(x):\n    from pkg.hand import f\n    return f(x) * 2\n")
    r.commit("Add g" + CLAUDE, author="Bob", email="bob@x.example", date=days_ago(20))
    r.write("pkg/old.py", "def h():\n    return 1\n")
    r.commit("Carol's h", author="Carol", email="carol@x.example", date=days_ago(30))
    return r


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comprehend", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_team_json_has_every_key_and_right_answers_repay_debt(team_repo: GitRepo, clean_env) -> None:
    before = run(["team", "--json"], team_repo.path, clean_env)
    assert before.returncode == 0, before.stderr
    data = json.loads(before.stdout)
    assert {"debt", "debt_ai", "answers", "members", "modules", "weeks", "islands",
            "truck_factor"} <= set(data)
    assert [m["email"] for m in sorted(data["members"], key=lambda m: m["email"])] == [
        "alice@x.example", "bob@x.example"]
    assert data["former"] == ["carol@x.example"]
    modules = {m["id"]: m for m in data["modules"]}
    assert set(modules) == {"pkg.hand", "pkg.gen", "pkg.old"}  # an empty __init__ has no lines
    assert modules["pkg.gen"]["ai_share"] == 1.0
    assert modules["pkg.hand"]["understood_by"] == ["alice@x.example"]
    assert modules["pkg.old"]["understood_by"] == []  # carol left
    assert modules["pkg.old"]["debt"] == 1.0
    assert {"week", "debt", "new_code", "forgetting", "repayment"} <= set(data["weeks"][-1])
    assert [i["module"] for i in data["islands"]] == ["pkg/hand.py"]
    assert data["answers"] == 0

    with open_store(team_repo.path / ".git" / "comprehend" / "comprehend.db") as store:
        answer(store, 1, "bob@x.example", "pkg.gen.g", days_ago(1), True)
        answer(store, 2, "bob@x.example", "pkg.old.h", days_ago(1), False)
    after = json.loads(run(["team", "--json"], team_repo.path, clean_env).stdout)
    assert after["answers"] == 2
    bob = next(m for m in after["members"] if m["email"] == "bob@x.example")
    assert (bob["answers"], bob["correct"]) == (2, 1)
    assert after["debt"] < data["debt"]
    gen = next(m for m in after["modules"] if m["id"] == "pkg.gen")
    assert gen["understood_by"] == ["bob@x.example"]
    last = after["weeks"][-1]
    assert last["repayment"] < 0
    assert sum(w["answers"] for w in after["weeks"]) == 2


def test_team_text_names_the_debt_and_the_modules(team_repo: GitRepo, clean_env) -> None:
    proc = run(["team"], team_repo.path, clean_env)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"Comprehension debt \d+\.\d% of the weighted code", proc.stdout)
    assert "pkg/old.py" in proc.stdout
    assert "former: carol@x.example" in proc.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "last week"], "--since last week: not a date; pass YYYY-MM-DD"),
    (["--member", "zed@x.example"], "--member zed@x.example: not a current member of this team"),
    (["--member", "carol@x.example"], "not a current member of this team (a former member)"),
    (["--json", "--html", "x.html"], "--json and --html: pass one of them"),
])
def test_bad_input_gets_one_line_and_exit_2(team_repo: GitRepo, clean_env, args, message) -> None:
    proc = run(["team", *args], team_repo.path, clean_env)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_html_report_renders_in_headless_chromium(team_repo: GitRepo, clean_env, tmp_path: Path) -> None:
    page = tmp_path / "team.html"
    proc = run(["team", "--html", str(page)], team_repo.path, clean_env)
    assert (proc.returncode, proc.stdout.strip()) == (0, f"wrote {page}")
    html = page.read_text()
    assert not re.search(r"""(src|href)=["']?https?:""", html)  # nothing fetched at view time
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "CONSOLE" not in dom.stderr and "Uncaught" not in dom.stderr
    data = json.loads(run(["team", "--json"], team_repo.path, clean_env).stdout)
    points = re.search(r'<polyline id="debt-line"[^>]*points="([^"]+)"', dom.stdout).group(1)
    assert len(points.split()) == len(data["weeks"])
    cells = re.findall(r'<rect class="cell"', dom.stdout)
    assert len(cells) == len(data["modules"]) * len(data["members"])
    shot = tmp_path / "team.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1200,1400", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a page with charts, not a blank one


def spend_through_the_local_server(repo: GitRepo) -> None:
    """Two critic calls made against a real OpenAI-compatible server on 127.0.0.1 (one
    answered, one served from the cache), audited in the store as a check would."""
    from llm_server import Answer, ScriptedServer

    from comprehend.config import LlmConfig
    from comprehend.llm import LlmClient
    from comprehend.store.runs import RunRecord, record_run

    server = ScriptedServer(script=[Answer('{"defects": []}', prompt_tokens=1200, completion_tokens=34)])
    try:
        client = LlmClient(LlmConfig(api_base=server.url, cost_per_1k_tokens=0.5, retries=0),
                           "openai/scripted", cache_dir=repo.path / ".git" / "llm-cache")
        messages = [{"role": "user", "content": "review this"}]
        reply = client.complete(messages, purpose="critic", prompt_hash="p", input_hash="i",
                                redactions=0)
        client.keep(reply)
        client.complete(messages, purpose="critic", prompt_hash="p", input_hash="i", redactions=0)
        assert server.requests == 1
    finally:
        server.close()
    with open_store(repo.path / ".git" / "comprehend" / "comprehend.db") as store:
        record_run(store, RunRecord("check", days_ago(0), days_ago(0), "bob", None, None, "", "",
                                    "pass", {}, "openai/scripted", "p", client.tokens,
                                    client.cost_usd), [], client.audit_rows())


def test_team_shows_llm_spend_per_month_only_once_a_model_was_used(team_repo: GitRepo, clean_env,
                                                                   tmp_path: Path) -> None:
    before_text = run(["team"], team_repo.path, clean_env).stdout
    before = json.loads(run(["team", "--json"], team_repo.path, clean_env).stdout)
    assert "llm_spend" not in before
    assert "LLM spend" not in before_text

    spend_through_the_local_server(team_repo)
    month = datetime.now(UTC).strftime("%Y-%m")
    data = json.loads(run(["team", "--json"], team_repo.path, clean_env).stdout)
    assert data["llm_spend"] == [{"month": month, "calls": 2, "cached": 1, "tokens": 1234,
                                  "cost_usd": 0.617}]
    text = run(["team"], team_repo.path, clean_env).stdout
    assert "LLM spend per month (critic and quiz calls)" in text
    assert re.search(rf"{month}\s+│\s+\$0\.6170\s+│\s+1,234\s+│\s+2\s+│\s+1", text), text
    page = tmp_path / "team.html"
    assert run(["team", "--html", str(page)], team_repo.path, clean_env).returncode == 0
    html = page.read_text()
    assert (f"<tr><td>{month}</td><td class=num>$0.6170</td><td class=num>1,234</td>"
            "<td class=num>2</td><td class=num>1</td></tr>") in html
