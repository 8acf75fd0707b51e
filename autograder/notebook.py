"""Checks inside a lab notebook: one tool's suite (or one function's), on the learner's globals.

The check cell at the end of each tool calls

    check_tool("lab01", "tool01", globals())     # public checks: a check50-style list

and the instructor's copy adds, in a hidden-tests region nbgrader strips from the
student version,

    grade_tool("lab01", "tool01", globals())     # hidden checks; returns the score

whose return value is the cell's last output: nbgrader reads it as the cell's partial
credit. `check("softmax")` (Otter-style, any cell) prints the public checks of one function.

- Every call of a learner's function has a time limit (CALL_LIMIT seconds, on every
  platform: a watchdog thread, see Watchdog); a function that runs over it costs its own
  checks, with the grader's sentence ("did not finish in time ...") and no traceback.
- check_tool raises ChecksFailed after printing when a public check fails, so `nbgrader
  validate` (and Run All) stops there, the way nbgrader expects of a failing test cell.
  Under `nbgrader autograde` (NBGRADER_EXECUTION=autograde) it only prints: the hidden
  grade_tool after it in the same cell must still run and give the partial credit.
- grade_tool returns a number or raises, whatever the environment says: a tool with no
  hidden check passed raises NoCredit (nbgrader scores an error 0, whatever the kernel
  does with cell results), so a grade cell that did not grade can never read as full marks.

While the isolated grader loads a submission, this module is replaced by a do-nothing
stand-in (STUBS in isolation/launch.py): the real grading happens outside, and this
module needs no way of being told so. Warnings and stderr are silenced while checks
run (nbgrader gives zero to a grade cell that wrote to stderr).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import math
import os
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .answerer import set_async_exc
from .checks import LocalLearner
from .judge import Check, checks_of, run_checks, suite_modules
from .labs import LABS, Lab, get_lab
from .learner import LearnerProblem, LearnerRaised, LearnerTimeout, MissingFunction, Outcome
from .remote import REPEAT_BUDGET
from .report import ToolResult, tool_result
from .worker import wire
from .worker.calling import NoSuchFunction, repeat_isolated

CALL_LIMIT = 2.0  # seconds per call of a learner's function, as the isolated grader's default
REFIRE = 0.05  # seconds between two interruptions of a call that swallowed the first


class ChecksFailed(AssertionError):
    """Some public checks of a tool fail (the lines printed above say which and why)."""


class NoCredit(Exception):
    """No hidden check of the tool passed: the grade cell errs, which nbgrader scores 0."""


class CallTimedOut(BaseException):
    """Raised inside a learner's call by the Watchdog (BaseException: `except Exception`
    in the learner's code does not swallow it)."""


# ---------------------------------------------------------------- the public API


def check_tool(lab_id: str, tool_id: str, namespace: dict) -> None:
    """Run the public checks of one tool on `namespace` (pass globals()) and print them.

    Raises ChecksFailed after printing when a check fails, except under nbgrader
    autograde (see the module docstring).
    """
    result = run_tool(lab_id, tool_id, "public", namespace)
    if result is None:
        print(f"No public checks for {lab_id} {tool_id} yet: your functions were not checked.")
        return
    print(format_tool(result, "public checks"))
    failed = [t for t in result.tests if not t.passed]
    if failed and os.environ.get("NBGRADER_EXECUTION") != "autograde":
        raise ChecksFailed(failure_line(tool_id, failed, len(result.tests)))


def failure_line(tool_id: str, failed: list, total: int) -> str:
    """What ChecksFailed says (nbgrader validate shows only the error, not the lines above).

    '2 of 9 public checks of tool01 fail (✗ read_row gives ...; ✗ data_row ...): the
    lines above say what to fix; run this cell again after fixing it.'
    """
    named = "; ".join(f"✗ {t.name}" for t in failed[:3]) + (
        f"; and {len(failed) - 3} more" if len(failed) > 3 else "")
    return (f"{len(failed)} of {total} public checks of {tool_id} fail ({named}): the lines "
            "above say what to fix; run this cell again after fixing it.")


def grade_tool(lab_id: str, tool_id: str, namespace: dict) -> float:
    """Run the hidden checks of one tool on `namespace`, print them, return the score.

    A missing hidden suite is the course's fault, not the learner's: LookupError.
    A score of 0 raises NoCredit after printing (see the module docstring).
    """
    result = run_tool(lab_id, tool_id, "hidden", namespace)
    if result is None:
        raise LookupError(f"{lab_id} has no hidden checks for {tool_id}: add "
                          f"autograder/suites/{lab_id}/hidden/test_{tool_id}.py")
    print(format_tool(result, "hidden checks"))
    if not result.score > 0:
        raise NoCredit(f"{tool_id}: no hidden check passed (0/{result.max_score:g} points).")
    return float(result.score)


def check(function: str, namespace: dict | None = None, lab: str | None = None) -> None:
    """Print the public checks of one graded function, run on the caller's globals.

        check("softmax")        # in any cell, once softmax is written

    ✓ softmax gives rows that sum to 1
    softmax: 4/4 points (public checks)
    """
    if namespace is None:
        caller = inspect.currentframe().f_back  # type: ignore[union-attr]
        namespace = caller.f_globals if caller is not None else {}
    the_lab = get_lab(lab) if lab else lab_of_function(function)
    tool = next(t for t in the_lab.tools if function in t.functions)
    module = suite_modules(the_lab, "public").get(tool.id)
    if module is None:
        print(f"No public checks for {function} yet: it was not checked.")
        return
    tests = _run(the_lab, checks_for(checks_of(module), function), namespace)
    mine = [t for t in tests if t.function == function]
    print(format_tool(tool_result(function, "", mine), "public checks"))


def lab_of_function(function: str) -> Lab:
    """The lab grading `function`: lab_of_function("softmax").id == "lab01"."""
    for lab in LABS.values():
        if function in lab.functions:
            return lab
    known = ", ".join(f for lab in LABS.values() for f in lab.functions)
    raise ValueError(f"{function!r} is not a graded function of any lab: choose one of {known}")


def checks_for(checks: list[Check], function: str) -> list[Check]:
    """The checks about `function`, with every check they need (after=), in suite order."""
    by_id = {c.id: c for c in checks}
    needed = {c.id for c in checks if c.info.function == function}
    todo = list(needed)
    while todo:
        for name in by_id[todo.pop()].info.after:
            if name in by_id and name not in needed:
                needed.add(name)
                todo.append(name)
    return [c for c in checks if c.id in needed]


# ---------------------------------------------------------------- running the checks


def run_tool(lab_id: str, tool_id: str, kind: str, namespace: dict) -> ToolResult | None:
    """The results of one tool's `kind` ('public' or 'hidden') suite, None if it has none."""
    lab = get_lab(lab_id)
    tool = lab.tool(tool_id)
    module = suite_modules(lab, kind).get(tool_id)
    if module is None:
        return None
    return tool_result(tool.id, tool.title, _run(lab, checks_of(module), namespace))


def _run(lab: Lab, checks: list[Check], namespace: dict) -> list:
    """run_checks with a TimedLocalLearner, the learner's prints and warnings kept out."""
    learner = TimedLocalLearner(namespace=namespace, reference=_reference(lab))
    sink = io.StringIO()  # the learner's prints and warnings stay out of the cell's output
    with (contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink),
          warnings.catch_warnings(), np.errstate(all="ignore")):
        warnings.simplefilter("ignore")
        return run_checks(checks, learner)


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
    title = f"{result.id} {result.title}" if result.title else result.id
    lines.append(f"{title}: {result.score:g}/{result.max_score:g} points ({what})")
    return "\n".join(lines)


# ---------------------------------------------------------------- the time limit


class Watchdog:
    """Raise CallTimedOut in the thread inside `with`, once `limit` s pass without restart().

    Portable (no SIGALRM: a thread and PyThreadState_SetAsyncExc), so it works on Windows
    and off the main thread. It interrupts Python code (a `while True: pass`), not one
    long C call (time.sleep(60) ends first). CallTimedOut is no Exception, so a learner's
    `except Exception:` does not catch it; it is raised again every REFIRE s until the
    block ends, which stops a loop whose bare `except:` does some work before looping
    (one that catches BaseException in a tight loop cannot be stopped from inside the
    process: nbgrader's cell timeout, or the isolated grader, ends it). `total` caps the
    whole block however often restart() is called.

    >>> with Watchdog(0.1):
    ...     while True:
    ...         pass
    Traceback (most recent call last):
    mindlab_grader.notebook.CallTimedOut
    """

    def __init__(self, limit: float, total: float | None = None) -> None:
        self.limit = limit
        self.total = total

    def __enter__(self) -> Watchdog:
        start = time.monotonic()
        self._end = start + self.total if self.total is not None else math.inf
        self._deadline = min(start + self.limit, self._end)
        self._target = threading.get_ident()
        self._halt = threading.Lock()  # held by the watcher while it fires; by __exit__ for good
        self._done = threading.Event()
        threading.Thread(target=self._watch, name="mindlab-watchdog", daemon=True).start()
        return self

    def restart(self) -> None:
        """A new `limit` from now (between the calls of a repeat)."""
        self._deadline = min(time.monotonic() + self.limit, self._end)

    def _watch(self) -> None:
        while not self._done.wait(max(0.0, self._deadline - time.monotonic())):
            if time.monotonic() < self._deadline:
                continue  # restarted meanwhile
            if not self._halt.acquire(blocking=False):
                return  # the block has ended
            try:
                set_async_exc(self._target, CallTimedOut)
            finally:
                self._halt.release()
            if self._done.wait(REFIRE):
                return

    def __exit__(self, *exc: object) -> None:
        # once the lock is ours no new interruption can come; one sent just before is
        # either raised here (the block timed out: the caller's `except` sees it) or cancelled
        self._halt.acquire()
        set_async_exc(self._target, None)
        self._done.set()


@dataclass
class TimedLocalLearner(LocalLearner):
    """A LocalLearner whose every call has `limit` seconds, as the isolated grader's.

    A call that runs over raises LearnerTimeout ("did not finish in time (limit 2 s per
    call)"), and the function's later checks get it at once, as in WorkerLearner: a
    looping function costs its own checks, a couple of seconds, and nothing else.

    >>> def spin(x):
    ...     while True:
    ...         pass
    >>> TimedLocalLearner({"spin": spin}, limit=0.1).call("spin", 1)
    Traceback (most recent call last):
    mindlab_grader.learner.LearnerTimeout: ('spin', ' (limit 0.1 s per call)')
    """

    limit: float = CALL_LIMIT
    poisoned: dict[str, LearnerProblem] = field(default_factory=dict)
    _deferred: dict[int, tuple[LearnerProblem, LearnerProblem]] = field(default_factory=dict)

    def _timeouts(self, function: str) -> tuple[LearnerTimeout, LearnerTimeout]:
        """(what this check says, what the function's later checks say)."""
        return (LearnerTimeout(function, f" (limit {self.limit:g} s per call)"),
                LearnerTimeout(function, f" (limit {self.limit:g} s per call; after that its "
                                         "other checks were not run)"))

    def _usable(self, function: str) -> None:
        if function in self.poisoned:
            raise self.poisoned[function]

    def _timed_call(self, function: str, args: tuple, kwargs: dict) -> Outcome:
        self._usable(function)
        saved = _graded_names(self.namespace, self.reference)
        try:
            with Watchdog(self.limit):
                return super().call(function, *args, **kwargs)
        except CallTimedOut:
            pass
        finally:  # an interruption may have cut the reference swap-back short
            _put_back(self.namespace, saved)
        problem, later = self._timeouts(function)
        self._deferred[id(problem)] = (problem, later)
        raise problem

    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome:
        try:
            return self._timed_call(function, args, kwargs)
        except LearnerTimeout as problem:
            self.problem_reached(problem)  # a single call: its function is cut off now
            raise

    def calls(self, function: str, cases: list[tuple[tuple, dict]],
              watch: bool = True) -> list[Outcome]:
        """One Outcome per case; from a case that timed out on, Outcome(problem=...)."""
        outcomes: list[Outcome] = []
        for args, kwargs in cases:
            try:
                outcomes.append(self._timed_call(function, args, kwargs))
            except LearnerTimeout as problem:
                return outcomes + [Outcome(problem=problem)] * (len(cases) - len(outcomes))
        return outcomes

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        """As LocalLearner.repeat, `limit` per call and REPEAT_BUDGET limits in all."""
        self._usable(function)
        saved = _graded_names(self.namespace, self.reference)
        try:
            with Watchdog(self.limit, total=self.limit * REPEAT_BUDGET) as dog:
                values, raised = repeat_isolated(self.namespace, self.reference, function,
                                                 times, args, kwargs, between=dog.restart)
        except NoSuchFunction:
            raise MissingFunction(function) from None
        except CallTimedOut:
            problem, self.poisoned[function] = self._timeouts(function)
            raise problem from None
        finally:
            _put_back(self.namespace, saved)
        if raised is not None:
            raise LearnerRaised(function, raised)
        return [wire.roundtrip(v) for v in values]

    def problem_reached(self, problem: LearnerProblem) -> None:
        """A check's feedback is this timeout: cut its function off from later checks."""
        held, later = self._deferred.pop(id(problem), (None, None))
        if held is problem and later is not None:
            self.poisoned[later.function] = later


_ABSENT = object()


def _graded_names(namespace: dict, reference: dict) -> dict:
    """What the namespace holds under each graded name (before a call swaps them)."""
    return {name: namespace.get(name, _ABSENT) for name in reference}


def _put_back(namespace: dict, saved: dict) -> None:
    """Undo whatever swap a cut-short call left: the learner's globals as they were."""
    for name, old in saved.items():
        if old is _ABSENT:
            namespace.pop(name, None)
        elif namespace.get(name, _ABSENT) is not old:
            namespace[name] = old
