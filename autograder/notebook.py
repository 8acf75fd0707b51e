"""Checks inside a lab notebook: one tool's suite, run on the learner's own globals.

The check cell at the end of each tool calls

    check_tool("lab01", "tool01", globals())     # public checks: a check50-style list

and the instructor's copy adds, in a hidden-tests region nbgrader strips from the
student version,

    grade_tool("lab01", "tool01", globals())     # hidden checks; returns the score

whose return value is the cell's last output: nbgrader reads it as the cell's partial
credit. Neither raises for a learner's mistake (the notebook keeps running), and both
silence warnings and stderr while the checks run: nbgrader gives zero to a grade cell
that wrote to stderr, and a naive softmax overflowing is a mistake, not a crash.

When the grader runs a submission's top-level code (environment variable
MINDLAB_GRADING set), both return at once: the real grading happens outside.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import warnings

import numpy as np

from .checks import LocalLearner
from .judge import checks_of, run_checks, suite_modules
from .labs import Lab, get_lab
from .report import ToolResult, tool_result

GRADING_ENV = "MINDLAB_GRADING"  # set by the grader around a submission's top-level code


def check_tool(lab_id: str, tool_id: str, namespace: dict) -> None:
    """Run the public checks of one tool on `namespace` (pass globals()) and print them."""
    if os.environ.get(GRADING_ENV):
        return
    result = run_tool(lab_id, tool_id, "public", namespace)
    if result is None:
        print(f"No public checks for {lab_id} {tool_id} yet: your functions were not checked.")
        return
    print(format_tool(result, "public checks"))


def grade_tool(lab_id: str, tool_id: str, namespace: dict) -> float | None:
    """Run the hidden checks of one tool on `namespace`, print them, return the score.

    A missing hidden suite is the course's fault, not the learner's: LookupError.
    """
    if os.environ.get(GRADING_ENV):
        return None
    result = run_tool(lab_id, tool_id, "hidden", namespace)
    if result is None:
        raise LookupError(f"{lab_id} has no hidden checks for {tool_id}: add "
                          f"autograder/suites/{lab_id}/hidden/test_{tool_id}.py")
    print(format_tool(result, "hidden checks"))
    return result.score


def run_tool(lab_id: str, tool_id: str, kind: str, namespace: dict) -> ToolResult | None:
    """The results of one tool's `kind` ('public' or 'hidden') suite, None if it has none."""
    lab = get_lab(lab_id)
    tool = lab.tool(tool_id)
    module = suite_modules(lab, kind).get(tool_id)
    if module is None:
        return None
    learner = LocalLearner(namespace=namespace, reference=_reference(lab))
    sink = io.StringIO()  # the learner's prints and warnings stay out of the cell's output
    with (contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink),
          warnings.catch_warnings(), np.errstate(all="ignore")):
        warnings.simplefilter("ignore")
        tests = run_checks(checks_of(module), learner)
    return tool_result(tool.id, tool.title, tests)


def _reference(lab: Lab) -> dict:
    """The reference functions to swap in for the learner's *other* functions, if shipped.

    A student handout may come without the reference core: then each function is
    checked together with the learner's own helpers, which is still a fair check.
    """
    try:
        module = importlib.import_module(lab.reference)
    except ImportError:
        return {}
    return {name: getattr(module, name) for name in lab.functions}


def format_tool(result: ToolResult, what: str) -> str:
    """check50-style lines: a mark and the claim, the feedback under each failure, the score.

    ✓ softmax turns each row of logits into probabilities that sum to 1
    ✗ read_row gives softmax of the letter's row
        read_row is still a stub (it raises NotImplementedError): write its body.
    tool01 Read its mind: 2/10 points (public checks)
    """
    lines = []
    for test in result.tests:
        mark = "✓" if test.passed else "–" if test.status == "not run" else "✗"
        lines.append(f"{mark} {test.name}")
        if not test.passed:
            lines.append(f"    {test.feedback}")
    lines.append(f"{result.id} {result.title}: {result.score:g}/{result.max_score:g} points "
                 f"({what})")
    return "\n".join(lines)
