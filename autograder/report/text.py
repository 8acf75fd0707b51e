"""A report as the learner reads it on a terminal, in check50's spirit.

>>> from mindlab_grader.report import Report, TestResult, tool_result
>>> t = TestResult("softmax sums to 1", True, 2.0, 2.0, "softmax sums to 1")
>>> r = Report("lab01.py", "lab01", "graded", 2.0, 2.0, [tool_result("tool01", "Read", [t])])
>>> print(render_report(r, ascii_only=True).splitlines()[1])
  + softmax sums to 1
"""

from __future__ import annotations

from .model import Report

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
    progress = function_progress(report)
    if progress:
        lines.append(progress)
    return "\n".join(lines) + "\n"


def function_progress(report: Report) -> str:
    """'N of M functions pass': a function passes when every one of its checks does.

    Checks that name no function are left out; '' when none names one.

    >>> from mindlab_grader.report import Report, TestResult, tool_result
    >>> ts = [TestResult("a", True, 1, 1, "", function="softmax"),
    ...       TestResult("b", False, 0, 1, "", function="read_row"),
    ...       TestResult("c", True, 1, 1, "", function="read_row")]
    >>> function_progress(Report("f.py", "lab01", "graded", 2, 3, [tool_result("t", "T", ts)]))
    '1 of 2 functions pass (still to do: read_row)'
    """
    verdicts: dict[str, bool] = {}
    for tool in report.tools:
        for test in tool.tests:
            if test.function:
                verdicts[test.function] = verdicts.get(test.function, True) and test.passed
    if not verdicts:
        return ""
    passing = sum(verdicts.values())
    todo = [name for name, ok in verdicts.items() if not ok]
    line = f"{passing} of {len(verdicts)} functions pass"
    return line + (f" (still to do: {', '.join(todo)})" if todo else "")
