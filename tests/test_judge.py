"""The judge: declared dependencies between checks (check50's `@check(compiles)`)."""

from __future__ import annotations

import types

import pytest

from mindlab_grader.checks import Fail, LocalLearner, check
from mindlab_grader.judge import checks_of, run_checks
from mindlab_grader.report import Report, tool_result
from mindlab_grader.report.junit import junit_xml
from mindlab_grader.report.text import render_report


def suite(*fns) -> types.ModuleType:
    module = types.ModuleType("suite")
    for fn in fns:
        setattr(module, fn.__name__, fn)
    return module


@check(points=1, function="f")
def f_runs(learner):
    """f returns a number"""
    learner.f(1)


@check(points=2, function="f", after="f_runs")
def f_rejects_strings(learner):
    """f rejects a string"""
    raise Fail("f accepted a string")


@check(points=3, function="f", after=("f_runs",))
def f_doubles(learner):
    """f doubles"""
    if learner.f(2) != 4:
        raise Fail("f(2) is not 4")


def stub(x):
    raise NotImplementedError


def test_a_check_whose_prerequisite_failed_is_not_run_and_earns_nothing():
    results = run_checks(checks_of(suite(f_runs, f_rejects_strings, f_doubles)),
                         LocalLearner({"f": stub}))
    assert [r.status for r in results] == ["failed", "not run", "not run"]
    assert [r.score for r in results] == [0, 0, 0]
    assert results[1].feedback == 'not run: it needs "f returns a number" to pass first.'


def test_a_check_whose_prerequisite_passed_runs_as_usual():
    results = run_checks(checks_of(suite(f_runs, f_rejects_strings, f_doubles)),
                         LocalLearner({"f": lambda x: 2 * x}))
    assert [r.status for r in results] == ["passed", "failed", "passed"]
    assert sum(r.score for r in results) == 4


def test_an_unknown_prerequisite_is_a_suite_bug():
    with pytest.raises(ValueError, match="f_runs"):
        run_checks(checks_of(suite(f_doubles)), LocalLearner({"f": lambda x: 2 * x}))


def test_not_run_is_shown_as_neither_pass_nor_fail_in_text_and_junit():
    tests = run_checks(checks_of(suite(f_runs, f_doubles)), LocalLearner({"f": stub}))
    report = Report("f.py", "lab01", "graded", 0.0, 4.0, [tool_result("tool01", "T", tests)])
    text = render_report(report, ascii_only=True)
    assert "  - f doubles" in text and "(0 of 2 checks pass, 1 not run)" in text
    assert "<skipped" in junit_xml(report)
    assert Report.from_json(report.to_json()).tools[0].tests[1].status == "not run"
