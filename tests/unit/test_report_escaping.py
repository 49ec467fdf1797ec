"""Repository text in every report format: parsed back with real parsers (markdown-it-py for
the Markdown comment, ElementTree for JUnit) to show nothing from the repository becomes
HTML, a link, a mention or broken XML, and that secrets are masked everywhere."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from markdown_it import MarkdownIt

from comprehend.adversary.findings import Finding
from comprehend.adversary.review import CheckResult
from comprehend.display import printable
from comprehend.report import markdown
from comprehend.report.common import short_command
from comprehend.report.formats import FORMATS, render
from comprehend.report.github import step_summary

HOSTILE_TITLE = ("test_<script>alert(1)</script> mentions @octocat and @org/team, links "
                 "[click](https://evil.example/a) and https://evil.example/b and www.evil.example, "
                 "closes #12 <img src=x onerror=alert(2)> _em_ *em* snake_case_name")
HOSTILE_CODE = ("def test_x():\n    assert f() == '```'\n    # ````` </details><script>x()</script>\n"
                "    # @octocat https://evil.example/c")
TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"  # the GitHub token pattern, high entropy


def finding(rule="test-cannot-fail", severity="high", file="tests/test_@octocat.py", line=3,
            title=HOSTILE_TITLE, **evidence) -> Finding:
    return Finding(rule=rule, severity=severity, confidence=0.9, file=file, start_line=line,
                   end_line=line, title=title, evidence=evidence).with_fingerprint(f"{file}{line}{title}")


def result(findings, notes=("pytest said: <b>@octocat</b> see https://evil.example/d",)) -> CheckResult:
    run = {"kind": "check", "base": "a" * 40, "head": "b" * 40, "fail_on": "high", "shard": None,
           "notes": list(notes), "mutation": None, "policy_hash": "p" * 16,
           "config_hash": "c" * 16, "seconds": 1.0, "tool": "comprehend 0.1.0"}
    return CheckResult(verdict="fail", fail_on="high", findings=tuple(findings), run=run)


def html_of(text: str) -> str:
    return MarkdownIt("gfm-like", {"html": True, "linkify": True}).render(text)


def outside_code(html: str) -> str:
    return re.sub(r"<(code|pre)>.*?</\1>", "", html, flags=re.S)


def test_markdown_from_repository_text_has_no_live_html_links_or_mentions() -> None:
    res = result([finding(why=HOSTILE_TITLE, code=HOSTILE_CODE)])
    for text in (render(res, "markdown"), step_summary(res)):
        html = html_of(text)
        assert "<script" not in html and "<img" not in html
        assert "<a " not in html  # no link at all: none of ours, none of theirs
        prose = outside_code(html)
        assert "@octocat" not in prose and "@org/team" not in prose and "#12" not in prose
        assert "<em>" not in html and "_em_ *em* snake_case_name" in prose
        assert "evil.example" not in prose
        # the HTML the report itself uses still works
        assert html.count("<details>") == 1 and "<summary>" in html


def test_a_code_block_holding_backtick_fences_renders_exactly_that_code() -> None:
    text = render(result([finding(code=HOSTILE_CODE)]), "markdown")
    tokens = MarkdownIt("gfm-like").parse(text)
    fences = [t.content for t in tokens if t.type == "fence"]
    assert fences == [HOSTILE_CODE + "\n"]


def test_inline_escapes_are_exact() -> None:
    assert markdown.inline("<b>x</b> & *y* @u https://e.example/p?q=1") == (
        "&lt;b&gt;x&lt;/b&gt; &amp; \\*y\\* `@u` `https://e.example/p?q=1`")
    assert markdown.inline("[a](b) #7 x|y _e_ snake_case") == "\\[a\\](b) `#7` x\\|y \\_e\\_ snake_case"
    assert markdown.code_span("a ``b`` c") == "```a ``b`` c```"
    assert markdown.code_span("`x") == "`` `x ``"
    assert markdown.fence("a\n```\nb") == "````\na\n```\nb\n````"


def test_junit_is_well_formed_xml_with_controls_and_invalid_code_points() -> None:
    output = "out \x00\x07\x1b[31mred\x1b[0m \ud800 \uffff\x0c end"
    res = result([finding(why=output, code="x = 1\x1b]0;title\x07\n"),
                  finding(rule="new-dependency", severity="low", title="dep \x08")])
    root = ET.fromstring(render(res, "junit").encode("utf-8"))
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None
    assert "why: out red \ufffd \ufffd end" in failure.text
    assert "code: x = 1" in failure.text
    assert root.findall("./testsuite/testcase")[1].get("name") == "tests/test_@octocat.py:3 dep "


def test_text_report_strips_escape_sequences_from_repository_text() -> None:
    res = result([finding(file="src/\x1b[2Jx.py", title="name \x1b]8;;https://evil\x07link\x1b]8;;\x07 \r done",
                          why="line1\n\x1b[31mline2\x1b[0m")], notes=("\x1b[5mblink",))
    text = render(res, "text", width=200)
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    lines = text.splitlines()
    assert "  note: blink" in lines
    assert "src/x.py" in lines
    assert "  HIGH     test-cannot-fail  line 3  name link  done" in lines


def test_a_secret_is_masked_in_every_format_wherever_it_appears() -> None:
    leaked = finding(rule="surviving-mutant", title=f"No test fails when key = {TOKEN}",
                     mutant=f"-token = None\n+token = '{TOKEN}'", code=f"TOKEN = '{TOKEN}'",
                     why=f"error: 401 for {TOKEN}")
    res = result([leaked, finding(rule="secret", why=f"found {TOKEN}")],
                 notes=(f"baseline failed: GITHUB_TOKEN={TOKEN}",))
    for fmt in FORMATS:
        text = render(res, fmt)
        assert TOKEN not in text, fmt
        assert TOKEN[:4] + "*" * (len(TOKEN) - 4) in text, fmt
    assert TOKEN not in step_summary(res)


def test_markdown_and_job_summary_stay_under_the_size_limit_most_severe_first() -> None:
    big = "x = 1  # " + "y" * 3000
    findings = ([finding(severity="high", line=n, title=f"high {n}", code=big) for n in range(40)]
                + [finding(rule="new-dependency", severity="low", line=n, title=f"low {n}", code=big)
                   for n in range(900)])
    res = result(findings)
    for text in (render(res, "markdown"), step_summary(res)):
        assert len(text) < 60_000
        assert "high 39" in text  # every high finding made it
        lines = text.splitlines()
        left_out = [line for line in lines if "more findings" in line]
        assert len(left_out) == 1
        shown_low = sum(1 for line in lines if line.startswith("| 🔵 low"))
        assert left_out[0].startswith(f"**{900 - shown_low} more findings ({900 - shown_low} low) are not shown")
        assert "The full report is in the JSON or SARIF file" in left_out[0]
    assert json.loads(render(res, "json"))["findings"][-1]["title"] == "low 899"  # JSON is whole


def test_a_rerun_command_of_hundreds_of_test_ids_names_their_files() -> None:
    ids = [f"tests/unit/test_{i % 3}.py::test_case_{i}[p-{i}]" for i in range(300)]
    command = "python -m pytest -x " + " ".join(ids)
    assert short_command(command) == ("python -m pytest -x tests/unit/test_0.py tests/unit/test_1.py "
                                      "tests/unit/test_2.py  # the 300 tests' files")
    many_files = [f"tests/pkg{i}/test_{i}.py::test_x" for i in range(200)]
    assert short_command("pytest " + " ".join(many_files)).endswith("# the 200 tests' folders")
    assert short_command("python -m pytest 'tests/a.py::test_x'") == "python -m pytest 'tests/a.py::test_x'"
    res = result([finding(rule="surviving-mutant", test_command=command)])
    for fmt in ("text", "markdown", "github", "junit", "sarif"):
        longest = max(len(line) for line in render(res, fmt).splitlines())
        assert longest < 1_000, fmt


def test_text_never_breaks_a_test_id_across_lines() -> None:
    test_id = "tests/test_very_long_module_name.py::TestSomething::test_a_long_name[param-one-two]"
    res = result([finding(rule="deleted-test", title=f"{test_id} was deleted while its code stayed",
                          why=f"the test {test_id} checked f", rerun=f"python -m pytest '{test_id}'")])
    lines = render(res, "text", width=60).splitlines()
    assert lines[5:11] == [
        "  HIGH     deleted-test  line 3",
        f"  {test_id}",
        "  was deleted while its code stayed",
        "      why: the test",
        f"      {test_id}",
        "      checked f",
    ]
    assert f"      rerun: python -m pytest '{test_id}'" in lines


def test_printable_keeps_text_and_drops_controls() -> None:
    assert printable("a\x1b[1;31mb\x1b[0m\tc\nd\x9b2Je\u202ef\ud800") == "ab\tc\nde" + "f\ufffd"
    assert printable("a\tb\nc", one_line=True) == "a b c"
