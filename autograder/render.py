"""A report, written out: text for a terminal (check50's spirit), JUnit XML, Gradescope JSON.

>>> from autograder.report import Report, TestResult, tool_result
>>> t = TestResult("softmax sums to 1", True, 2.0, 2.0, "softmax sums to 1")
>>> r = Report("lab01.py", "lab01", "graded", 2.0, 2.0, [tool_result("tool01", "Read", [t])])
>>> print(render_report(r, ascii_only=True).splitlines()[2])
  + softmax sums to 1
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .report import Report

GREEN, RED, YELLOW, BOLD, DIM, RESET = ("\033[32m", "\033[31m", "\033[33m", "\033[1m",
                                        "\033[2m", "\033[0m")


def points(x: float) -> str:
    """7.0 -> '7', 7.5 -> '7.5'."""
    return f"{x:g}"


def render_report(report: Report, color: bool = False, ascii_only: bool = False) -> str:
    """The report as the learner reads it: per tool a score line, then one line per check."""
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    ok, bad, skip = ("+", "x", "-") if ascii_only else ("✓", "✗", "–")
    lines: list[str] = []
    for tool in report.tools:
        head = f"{tool.id} · {tool.title}" if not ascii_only else f"{tool.id} - {tool.title}"
        score = f"{points(tool.score)}/{points(tool.max_score)}"
        lines.append(paint(f"{head}  {score}", BOLD))
        for test in tool.tests:
            if test.passed:
                lines.append(f"  {paint(ok, GREEN)} {test.name}")
                continue
            if test.status == "not run":
                lines.append(f"  {paint(skip, DIM)} {test.name}")
                lines.append(f"      {paint(test.feedback, DIM)}")
                continue
            lines.append(f"  {paint(bad, RED)} {test.name}")
            for line in test.feedback.splitlines():
                lines.append(f"      {paint(line, DIM) if line.startswith('  ') else line}")
    for title, items in (("Notes", report.notes), ("Integrity", report.integrity)):
        if items:
            lines.append(paint(f"{title}:", YELLOW))
            lines += [f"  - {item}" for item in items]
    if report.status != "graded":
        lines.append(paint("The grader could not grade this file (status: error).", RED))
    tests = [t for tool in report.tools for t in tool.tests]
    passed = sum(t.passed for t in tests)
    skipped = sum(t.status == "not run" for t in tests)
    total = (f"Total: {points(report.score)}/{points(report.max_score)} "
             f"({passed} of {len(tests)} checks pass"
             + (f", {skipped} not run" if skipped else "") + ")")
    lines.append(paint(total, BOLD + (GREEN if passed == len(tests) else "")))
    return "\n".join(lines) + "\n"


def gradescope_results(report: Report, visibility: str = "visible") -> dict[str, Any]:
    """Gradescope's results.json: one test per check, named 'tool01 · claim'.

    Keys follow Gradescope's autograder specification: top-level score, output,
    visibility, stdout_visibility, execution_time; tests[] with score, max_score,
    status, name, number, output, visibility, tags.
    """
    tests = []
    for i, tool in enumerate(report.tools, start=1):
        for j, test in enumerate(tool.tests, start=1):
            tests.append({
                "score": test.score, "max_score": test.max_score,
                "status": "passed" if test.passed else "failed",
                "name": f"{tool.title}: {test.name}", "number": f"{i}.{j}",
                "output": "" if test.passed else test.feedback, "output_format": "text",
                "tags": [tool.id, test.function] if test.function else [tool.id],
                "visibility": visibility})
    output = [*report.notes, *report.integrity]
    if report.status != "graded":
        output.insert(0, "The autograder could not grade this submission; "
                         "please contact the course staff.")
    return {"score": report.score, "output": "\n".join(output), "output_format": "text",
            "execution_time": round(float(report.provenance.get("seconds", 0.0))),
            "visibility": visibility, "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"lab": report.lab, "status": report.status,
                           "max_score": report.max_score, "provenance": report.provenance}}


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
