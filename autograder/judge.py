"""Run a lab's suites against a learner and turn every outcome into feedback.

The judge never runs learner code itself: it only talks to a `Learner` (a worker
process across the plain-data channel, or a LocalLearner in a notebook).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from .checks import CheckInfo, Fail
from .labs import Lab
from .learner import (
    Learner,
    LearnerCrashed,
    LearnerProblem,
    LearnerRaised,
    LearnerTimeout,
    MissingFunction,
    NotLoaded,
)
from .report import TestResult, ToolResult, tool_result


@dataclass(frozen=True)
class Check:
    fn: Callable
    info: CheckInfo

    @property
    def id(self) -> str:
        return self.fn.__name__.removeprefix("test_")


def suite_package(lab: Lab, kind: str) -> str:
    if kind not in ("public", "hidden"):
        raise ValueError(f"unknown suite {kind!r}: use 'public' or 'hidden'")
    return f"mindlab_grader.suites.{lab.id}.{kind}"


def suite_modules(lab: Lab, kind: str) -> dict[str, ModuleType]:
    """{tool id: module} for every `test_<tool>.py` of the suite (a missing tool is skipped).

    Imported once per process and kept: a grade asks twice, and listing the suite's
    folder each time cost a few ms of every submission."""
    key = (lab.id, suite_package(lab, kind), tuple(tool.id for tool in lab.tools))
    if key not in _IMPORTED:
        package = importlib.import_module(key[1])
        found = {info.name.removeprefix("test_")
                 for info in pkgutil.iter_modules(package.__path__)}
        _IMPORTED[key] = {tool.id: importlib.import_module(f"{package.__name__}.test_{tool.id}")
                          for tool in lab.tools if tool.id in found}
    return dict(_IMPORTED[key])


_IMPORTED: dict[tuple, dict[str, ModuleType]] = {}  # suite_modules' own, by lab and suite


def checks_of(module: ModuleType) -> list[Check]:
    """The module's checks in the order they are written."""
    found = [Check(fn, fn.mindlab_check) for fn in vars(module).values()
             if callable(fn) and hasattr(fn, "mindlab_check")]
    return sorted(found, key=lambda c: c.fn.__code__.co_firstlineno)  # no source read


def explain(problem: LearnerProblem) -> str:
    """Feedback for a learner-side problem that a check did not handle itself."""
    f = problem.function
    if isinstance(problem, NotLoaded):
        return problem.detail
    if isinstance(problem, MissingFunction):
        if problem.detail:
            return f"Your file has no function named {f}: {problem.detail}."
        return (f"Your file has no function named {f}: check the spelling of its def line, "
                "and that it is defined at top level (not inside another function).")
    if isinstance(problem, LearnerRaised):
        if problem.raised.is_a(NotImplementedError):
            return f"{f} is still a stub (it raises NotImplementedError): write its body."
        if problem.raised.is_a(SystemExit):
            return (f"{f} called exit() instead of returning a result: remove the exit "
                    "call from the function.")
        if problem.raised.is_a(TypeError) and "argument" in problem.raised.message:
            return (f"{f} could not be called the way the lab calls it ({problem.raised}): "
                    "check that its def line has the parameters the lab asks for.")
        if problem.raised.is_a(MemoryError):
            return (f"{f} ran out of memory (MemoryError): it tries to build something far "
                    "larger than a (27, 27) problem needs.")
        return (f"{f} raised {problem.raised} on an input where it should return a result; "
                "run it yourself on a small example to see where.")
    if isinstance(problem, LearnerTimeout):
        return (f"{f} did not finish in time{problem.detail}: look for a loop that never "
                "ends, such as a while loop whose condition never changes or a missing "
                "max_len cap.")
    if isinstance(problem, LearnerCrashed):
        return (f"{f} stopped the program running it{problem.detail}: it called exit, ran "
                "out of memory or crashed Python; graded functions should return a result.")
    return f"{f}: {problem.detail}"


def run_check(check: Check, learner: Learner, verbose: bool = False) -> TestResult:
    """One check, one result: points only when the check returns without raising.

    `verbose` appends the learner's own traceback (their frames only) when their
    function raised. Any other error inside the check fails it, never the run.
    """
    info = check.info
    try:
        check.fn(learner)
        passed, feedback = True, info.claim
    except Fail as failure:
        passed, feedback = False, str(failure)
    except LearnerProblem as problem:
        passed, feedback = False, explain(problem)
        if hasattr(type(learner), "problem_reached"):  # (not learner.<name>: that calls it)
            learner.problem_reached(problem)  # a batch's timeout or crash counts from now on
        if verbose and isinstance(problem, LearnerRaised) and problem.raised.traceback:
            feedback += "\nYour traceback:\n" + problem.raised.traceback.rstrip()
    except Exception as exc:  # e.g. the check met a value of an unexpected kind
        passed, feedback = False, (f"This check could not judge what {info.function} "
                                   f"returned ({type(exc).__name__}); check that it returns "
                                   "what the lab asks for.")
    return TestResult(name=info.claim, passed=passed, score=info.points if passed else 0.0,
                      max_score=info.points, feedback=feedback, id=check.id,
                      function=info.function)


def not_run(check: Check, missing: Check) -> TestResult:
    """The result of a check whose prerequisite `missing` did not pass: no points, not failed."""
    info = check.info
    return TestResult(name=info.claim, passed=False, score=0.0, max_score=info.points,
                      feedback=f"not run: it needs \"{missing.info.claim}\" to pass first.",
                      id=check.id, function=info.function, status="not run")


def not_checked(check: Check, function: str) -> TestResult:
    """The result of a check that would judge the learner's `function` (not passing) too."""
    info = check.info
    return TestResult(name=info.claim, passed=False, score=0.0, max_score=info.points,
                      feedback=f"not checked until {function} passes: {info.function} "
                      f"calls your {function}, so its result shows {function}'s mistake.",
                      id=check.id, function=info.function, status="not run")


def run_checks(checks: list[Check], learner: Learner, verbose: bool = False,
               failing: set[str] | None = None) -> list[TestResult]:
    """The checks in order, each run only once every check it names in `after` has passed.

    A prerequisite is named by its id and must come earlier in the same list (suites are
    checked for that in tests/test_suites.py); a name that is not there is a suite bug.
    `failing` (given when no reference is swapped in) holds the functions with a check
    that did not pass, earlier tools included; it grows as checks fail, and a check that
    `needs` one of them is not run (see checks.check).
    """
    by_id = {c.id: c for c in checks}
    passed: set[str] = set()
    results = []
    for c in checks:
        unknown = [n for n in c.info.after if n not in by_id]
        if unknown:
            raise ValueError(f"check {c.id} needs {unknown[0]!r}, which its module lacks")
        missing = next((by_id[n] for n in c.info.after if n not in passed), None)
        blocked = next((f for f in c.info.needs if f in (failing or ())), None)
        if blocked is not None:  # the root cause first: another function's mistake
            result = not_checked(c, blocked)
        elif missing is not None:
            result = not_run(c, missing)
        else:
            result = run_check(c, learner, verbose)
        if result.passed:
            passed.add(c.id)
        elif failing is not None:
            failing.add(c.info.function)
        results.append(result)
    return results


def run_lab(lab: Lab, kind: str, learner: Learner,
            before_tool: Callable[[str], None] | None = None,
            verbose: bool = False) -> list[ToolResult]:
    """Every tool of the lab, in order, with integrity applied: a function found to be the
    reference's own (the learner's `borrowed`) earns nothing in any of its checks.
    `before_tool(tool_id)` runs as each tool starts (benchmarks/lab01_suites.py times
    the tools with it).

    Where the learner cannot swap the reference in for the graded functions a function
    calls (`swaps_reference` false: the student handout), a check that `needs` a function
    whose check did not pass earlier is reported not run, so the mistake shows in its own
    function's checks only."""
    modules = suite_modules(lab, kind)
    swaps = getattr(type(learner), "swaps_reference", None) is None or learner.swaps_reference
    failing: set[str] | None = None if swaps else set()
    results = []
    for tool in lab.tools:
        if tool.id not in modules:
            continue
        if before_tool is not None:
            before_tool(tool.id)
        results.append((tool, run_checks(checks_of(modules[tool.id]), learner, verbose,
                                         failing)))
    borrowed = getattr(learner, "borrowed", {})  # known only once every check has run
    for _, tests in results:
        for test in tests:
            if test.function in borrowed:  # no credit for the reference's own function
                test.passed, test.score, test.status = False, 0.0, "failed"
                test.feedback = borrowed[test.function]
    return [tool_result(tool.id, tool.title, tests) for tool, tests in results]


# what the worker's guard refused, by kind (worker/guard.py): the judge's own words, never
# a path or any other text the learner's code chose
REFUSED = {
    "read": "Your code tried to read files the grader keeps from submissions (its own code, "
            "the suites, the solutions, other students' work or other processes); it was "
            "refused.",
    "write": "Your code tried to write, link or change files outside its own folder; it was "
             "refused.",
    "run": "Your code tried to run another program; it was refused.",
    "signal": "Your code tried to signal a process other than its own (the grader's?); it was "
              "refused.",
    "native": "Your code tried to call C code (through ctypes, or a C module it wrote or may "
              "not read, or one of Python's own test modules); it was refused.",
    "network": "Your code tried to open a network connection; it was refused.",
    "tamper": "Your code tried to change, trace or get around the grader's own functions (by "
              "digging through memory or starting another interpreter); it was refused.",
    "disk": "Your code tried to make more files than the grader allows while grading (a "
            "submission needs none); the extra ones were refused.",
}


def integrity_notes(learner: Learner) -> list[str]:
    """What the report's integrity section says: hidden imports tried, functions borrowed,
    what the guard refused."""
    notes = [f"Your file tried to import {module}, which the grader hides; submissions must "
             "not use the solutions or the grader." for module in getattr(learner, "blocked", [])]
    notes += list(getattr(learner, "borrowed", {}).values())
    return notes + [REFUSED[k] for k in REFUSED if k in getattr(learner, "refused", ())]
