"""A report as Gradescope's results.json (its autograder specification)."""

from __future__ import annotations

from typing import Any

from .model import Report


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
