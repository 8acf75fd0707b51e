"""What a lab notebook's check cells import: the checks, only where a learner is watching.

    from mindlab_core.checkcell import check_tool
    check_tool("lab01", "tool01", globals())

In a Jupyter kernel (a learner's notebook, nbgrader's autograde) this runs
`autograder.notebook.check_tool` (or `grade_tool`). Anywhere else it does nothing:
when the grader loads a submission it runs the file's top-level code with the
autograder hidden (and counts any attempt to import it against the file), and from a
terminal `mindlab check FILE` is the way to check. This module never imports the
autograder unless a kernel is running, so a learner's file stays clean for the grader.
"""

from __future__ import annotations

import sys


def in_kernel() -> bool:
    """True inside a running IPython/Jupyter shell, False in plain Python (or the grader)."""
    ipython = sys.modules.get("IPython")
    return ipython is not None and ipython.get_ipython() is not None


def check_tool(lab_id: str, tool_id: str, namespace: dict) -> None:
    """The public checks of one tool, printed check50-style (in a notebook only)."""
    if not in_kernel():
        return
    from autograder.notebook import check_tool as run

    run(lab_id, tool_id, namespace)


def grade_tool(lab_id: str, tool_id: str, namespace: dict) -> float | None:
    """The hidden checks of one tool; the score is the cell's output (in a notebook only)."""
    if not in_kernel():
        return None
    from autograder.notebook import grade_tool as run

    return run(lab_id, tool_id, namespace)
