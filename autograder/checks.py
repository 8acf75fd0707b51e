"""How a check is written.

A check is a small function, in check50's spirit: its name says what it tests, its
docstring's first line is the claim the learner reads, and a failure is a `Fail`
carrying a hint written for the learner. It receives a `learner` (learner.py) and calls
the learner's functions through it, never directly:

    @check(points=2, function="softmax")
    def test_softmax_rows_sum_to_one(learner):
        '''softmax gives rows that sum to 1'''
        p = expect_array(learner.softmax(LOGITS), "softmax(logits)", shape=(4, 27))
        if not np.allclose(p.sum(axis=1), 1):
            raise Fail(f"your probabilities sum to {p.sum(axis=1)[0]:.3g}: softmax divides "
                       "each exp by its row's total")

A check may name the checks it needs with `after=` (see `check`). Checks are plain
pytest tests too: `pytest autograder/suites/lab01/hidden` runs them against the
reference (see suites/conftest.py). What a check needs of the learner API is
re-exported here: Learner, Outcome, LearnerRaised, Rng, and LocalLearner to run
checks on trusted code in this process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .learner import Learner, LearnerRaised, LocalLearner, Outcome, Rng
from .worker.wire import Unsupported

__all__ = ["CheckInfo", "Fail", "Learner", "LearnerRaised", "LocalLearner", "Outcome", "Rng",
           "check", "describe", "expect_array", "expect_float", "expect_str"]


class Fail(Exception):
    """A failed check. The message is what the learner reads: observation, expectation, hint."""


@dataclass(frozen=True)
class CheckInfo:
    points: float
    function: str  # the graded function this check is about
    claim: str  # first line of the docstring
    after: tuple[str, ...] = ()  # ids of checks (same module) that must pass before this runs
    needs: tuple[str, ...] = ()  # graded functions it relies on when no reference is swapped in


def check(points: float, function: str, after: str | tuple[str, ...] = (),
          needs: str | tuple[str, ...] = ()) -> Callable[[Callable], Callable]:
    """Mark a test function as a graded check worth `points`, about `function`.

    `after` names the checks (their function names without `test_`, in the same module)
    this one needs, in check50's spirit (`@check(compiles)`): when one of them did not
    pass, this check is reported as not run, with no points, instead of failing:

        @check(points=1, function="data_row", after="data_row_runs")
        def test_data_row_rejects_bad_letters(learner): ...

    `needs` names the other graded functions this check's result goes through when the
    learner's own are called (read_row calls softmax). Where the reference can be swapped
    in for them (`learner.swaps_reference`) it is ignored; where it cannot (the student
    handout), the check is reported as not run, "not checked until softmax passes", once
    a check of a needed function has not passed earlier in the run.
    """
    prerequisites = (after,) if isinstance(after, str) else tuple(after)
    functions = (needs,) if isinstance(needs, str) else tuple(needs)

    def mark(fn: Callable) -> Callable:
        claim = (fn.__doc__ or fn.__name__).strip().splitlines()[0]
        fn.mindlab_check = CheckInfo(float(points), function, claim, prerequisites, functions)
        return fn

    return mark


# ---------------------------------------------------------------- judging what came back


def describe(value: Any) -> str:
    """'a list', 'a float', 'a numpy array of shape (27,)' — for messages."""
    if isinstance(value, Unsupported):
        return _a(value.type_name)
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if value is None:
        return "None (is a return statement missing?)"
    return _a(type(value).__name__)


def _a(name: str) -> str:
    """'a list', 'an int', 'an object of ...' — the article a learner expects."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def expect_array(value: Any, what: str, shape: tuple[int, ...] | None = None,
                 precise: bool = False) -> np.ndarray:
    """The value as a float ndarray, or Fail saying what came back instead; `precise`:
    probabilities compared to 1e-9, which float32 (7 digits) or float16 cannot hold."""
    if not isinstance(value, np.ndarray):
        raise Fail(f"{what} returned {describe(value)}, expected a numpy array"
                   + (f" of shape {shape}" if shape else "") + ".")
    if value.dtype.kind not in "fiub":
        raise Fail(f"{what} returned an array of dtype {value.dtype}, expected numbers.")
    if shape is not None and value.shape != shape:
        raise Fail(f"{what} returned shape {value.shape}, expected {shape}.")
    if precise and value.dtype.kind == "f" and value.dtype.itemsize < 8:
        raise Fail(f"{what} returned {value.dtype} numbers, good to about "
                   f"{3 if value.dtype.itemsize == 2 else 7} digits: probabilities are "
                   "compared to 1e-9, which needs float64 (numpy's default: leave out the "
                   f"astype or dtype={value.dtype}).")
    return value.astype(np.float64)


def expect_float(value: Any, what: str) -> float:
    """A real number (Python float or int, or a numpy scalar), or Fail."""
    if type(value) in (float, int) or isinstance(value, (np.floating, np.integer)):
        return float(value)
    if isinstance(value, np.ndarray) and value.shape == ():
        return float(value)
    raise Fail(f"{what} returned {describe(value)}, expected a float.")


def expect_str(value: Any, what: str) -> str:
    if type(value) is str:
        return value
    if isinstance(value, np.str_):
        return str(value)
    raise Fail(f"{what} returned {describe(value)}, expected a str.")
