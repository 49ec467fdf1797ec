"""`--format junit`: one test case per finding (a failure at or above --fail-on), so any CI
that reads JUnit XML shows the gate's findings beside the test results."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from comprehend.adversary.findings import blocking
from comprehend.adversary.review import CheckResult
from comprehend.report.common import evidence_lines, headline


def render(result: CheckResult) -> str:
    failures = blocking(result.findings, result.fail_on)  # acknowledged ones are not failures
    suites = ET.Element("testsuites", name="comprehend check")
    suite = ET.SubElement(suites, "testsuite", name="comprehend check",
                          tests=str(max(len(result.findings), 1)), failures=str(len(failures)),
                          errors="0", skipped="0", time=str(result.run.get("seconds", 0)))
    props = ET.SubElement(suite, "properties")
    for key in ("base", "head", "fail_on", "policy_hash", "config_hash", "shard"):
        if result.run.get(key) is not None:
            ET.SubElement(props, "property", name=key, value=str(result.run[key]))
    if not result.findings:
        case = ET.SubElement(suite, "testcase", classname="comprehend.check", name="no findings")
        ET.SubElement(case, "system-out").text = headline(result)
    for f in result.findings:
        case = ET.SubElement(suite, "testcase", classname=f"comprehend.{f.rule}",
                             name=f"{f.file}:{f.start_line} {f.title}", file=f.file,
                             line=str(f.start_line))
        detail = "\n".join(f"{k}: {v}" for k, v in evidence_lines(f))
        if f in failures:
            failure = ET.SubElement(case, "failure", type=f.rule,
                                    message=f"[{f.severity}] {f.title}")
            failure.text = detail
        else:
            why = "acknowledged" if f.acknowledged is not None else "below --fail-on"
            ET.SubElement(case, "system-out").text = f"[{f.severity}, {why}] {detail}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
