"""`--format junit`: one test case per finding (a failure at or above --fail-on), so any CI
that reads JUnit XML shows the gate's findings beside the test results. Repository text
(test output, names) may hold characters XML 1.0 forbids: escape sequences are dropped and
other forbidden characters become U+FFFD, so the file is always well-formed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from comprehend.adversary.findings import blocking
from comprehend.adversary.review import CheckResult
from comprehend.display import printable
from comprehend.report.common import evidence_lines, headline

# Outside XML 1.0's Char production: C0 controls but tab, newline and carriage return,
# surrogates, U+FFFE and U+FFFF (printable() handles the rest of the controls).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", printable(value))


def render(result: CheckResult) -> str:
    failures = blocking(result.findings, result.fail_on)  # acknowledged ones are not failures
    suites = ET.Element("testsuites", name="comprehend check")
    suite = ET.SubElement(suites, "testsuite", name="comprehend check",
                          tests=str(max(len(result.findings), 1)), failures=str(len(failures)),
                          errors="0", skipped="0", time=str(result.run.get("seconds", 0)))
    props = ET.SubElement(suite, "properties")
    for key in ("base", "head", "fail_on", "policy_hash", "config_hash", "shard"):
        if result.run.get(key) is not None:
            ET.SubElement(props, "property", name=key, value=xml_text(str(result.run[key])))
    if not result.findings:
        case = ET.SubElement(suite, "testcase", classname="comprehend.check", name="no findings")
        ET.SubElement(case, "system-out").text = xml_text(headline(result))
    for f in result.findings:
        case = ET.SubElement(suite, "testcase", classname=xml_text(f"comprehend.{f.rule}"),
                             name=xml_text(f"{f.file}:{f.start_line} {f.title}"),
                             file=xml_text(f.file), line=str(f.start_line))
        detail = xml_text("\n".join(f"{k}: {v}" for k, v in evidence_lines(f)))
        if f in failures:
            failure = ET.SubElement(case, "failure", type=xml_text(f.rule),
                                    message=xml_text(f"[{f.severity}] {f.title}"))
            failure.text = detail
        else:
            why = "acknowledged" if f.acknowledged is not None else "below --fail-on"
            ET.SubElement(case, "system-out").text = f"[{f.severity}, {why}] {detail}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
