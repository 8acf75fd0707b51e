"""A report as JUnit XML: one <testsuite> per tool, one <testcase> per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .model import Report
from .text import points


def _xml_text(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (a learner's message may contain anything)."""
    return "".join(c for c in text if c in "\t\n\r" or " " <= c <= "\ud7ff"
                   or "\ue000" <= c <= "\ufffd" or c >= "\U00010000")


def junit_xml(report: Report) -> str:
    """JUnit XML: one <testsuite> per tool, one <testcase> per check, failures with feedback."""
    tests = [t for tool in report.tools for t in tool.tests]
    root = ET.Element("testsuites", name=f"mindlab {report.lab}", tests=str(len(tests)),
                      failures=str(sum(not t.passed for t in tests)),
                      errors="1" if report.status != "graded" else "0",
                      time=str(report.provenance.get("seconds", 0)))
    for tool in report.tools:
        suite = ET.SubElement(root, "testsuite", name=f"{tool.id} {tool.title}",
                              tests=str(len(tool.tests)),
                              failures=str(sum(not t.passed for t in tool.tests)))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="score", value=points(tool.score))
        ET.SubElement(props, "property", name="max_score", value=points(tool.max_score))
        for test in tool.tests:
            case = ET.SubElement(suite, "testcase", classname=f"{report.lab}.{tool.id}",
                                 name=test.id or test.name)
            if test.status == "not run":
                ET.SubElement(case, "skipped", message=_xml_text(test.feedback))
            elif not test.passed:
                failure = ET.SubElement(case, "failure", message=_xml_text(test.name))
                failure.text = _xml_text(test.feedback)
    if report.notes or report.integrity:
        ET.SubElement(root, "system-out").text = _xml_text("\n".join(report.notes
                                                                     + report.integrity))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
