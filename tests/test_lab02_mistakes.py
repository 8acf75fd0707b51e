"""Lab 02's mistake library proves its suites: right code gets full marks, each mistake loses
points in its own tool only, feedback names the function, and no hidden check is dead weight.

Each `mistakes/lab02/<name>.py` defines ONE graded function the wrong way (its docstring
names the mistake); a submission is the reference source with that file appended.
"""

from __future__ import annotations

import ast
import functools
import warnings
from pathlib import Path

import pytest

from autograder.checks import LocalLearner
from autograder.judge import checks_of, run_lab, suite_modules
from autograder.labs import LAB02
from autograder.report import ToolResult
from mindlab_core.lab02 import reference

ROOT = Path(__file__).resolve().parents[1]
MISTAKES = {p.stem: p for p in sorted((ROOT / "tests" / "mistakes" / "lab02").glob("*.py"))}
TOOL_OF = {fn: tool for tool in LAB02.tools for fn in tool.functions}


def wrong_function(path: Path) -> str:
    defined = [n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)]
    graded = [name for name in defined if name in LAB02.functions]
    assert len(graded) == 1 and len(defined) == 1, f"{path.name} defines {defined}"
    return graded[0]


def submission_source(mistake: Path | None) -> str:
    """The reference as a stand-alone file, then the mistake's wrong function (if any)."""
    source = (ROOT / "mindlab_core" / "lab02" / "reference.py").read_text()
    source = source.replace("from ..tokens import", "from mindlab_core.tokens import")
    return source if mistake is None else f"{source}\n\n{mistake.read_text()}"


@functools.cache
def graded(mistake: str | None, suite: str) -> dict[str, ToolResult]:
    ns: dict = {"__name__": "submission"}
    exec(compile(submission_source(MISTAKES[mistake] if mistake else None), "submission.py",
                 "exec"), ns)
    refs = {name: getattr(reference, name) for name in LAB02.functions}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return {tool.id: tool for tool in run_lab(LAB02, suite, LocalLearner(ns, refs))}


def test_the_library_holds_at_least_30_mistakes_covering_every_function():
    assert len(MISTAKES) >= 30
    for path in MISTAKES.values():
        assert path.read_text().startswith('"""'), f"{path.name}: a docstring names the mistake"
    assert {wrong_function(p) for p in MISTAKES.values()} == set(LAB02.functions)


@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_the_reference_gets_full_marks(suite):
    tools = graded(None, suite)
    assert set(tools) == {tool.id for tool in LAB02.tools}
    for tool in tools.values():
        assert not [(t.id, t.feedback) for t in tool.tests if not t.passed]
        assert tool.score == tool.max_score == LAB02.tool(tool.id).points


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_mistake_loses_points_in_its_own_tool_only(name):
    function = wrong_function(MISTAKES[name])
    own = TOOL_OF[function].id
    tools = graded(name, "hidden")
    assert tools[own].score < tools[own].max_score, f"{name} passes every hidden check"
    for tool in tools.values():
        for test in tool.tests:
            if not test.passed:
                assert tool.id == own and test.function == function, (test.id, test.feedback)
                assert function in test.feedback, f"feedback should name {function}"
                assert len(test.feedback) < 450 and "array([" not in test.feedback


def test_every_hidden_check_is_failed_by_some_mistake():
    failed: dict[str, list[str]] = {check.id: [] for module in
                                     suite_modules(LAB02, "hidden").values()
                                     for check in checks_of(module)}
    for name in MISTAKES:
        for tool in graded(name, "hidden").values():
            for test in tool.tests:
                if not test.passed:
                    failed[test.id].append(name)
    assert not [check for check, names in failed.items() if not names]


def test_each_hidden_tool_is_worth_its_points():
    for tool_id, module in suite_modules(LAB02, "hidden").items():
        assert sum(c.info.points for c in checks_of(module)) == LAB02.tool(tool_id).points
