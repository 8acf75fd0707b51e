"""Calling a learner's function from a check: fresh copies in, problems out as feedback.

    out = outcome(learner, "sample_word", W, Rng(1))   # the full Outcome (raised, mutated)
    got = value(learner, "project", X, d, changed=lab_changed)  # the result, or a Fail
    for got in values(learner, "read_row", [(W, "a"), (W, "q")]):  # one round trip
        ...

Every argument is deep-copied before every call (arrays, and the dicts, lists and tuples
holding them, e.g. a model's params), so a function that writes into its input never
spoils a check's constants (across the worker channel they are copies anyway). What a
lab says about a changed input names that lab's parameters, so each lab's calls.py
passes its own `changed` (see `inputs_changed`).

A check with several cases asks for them all at once (`values`, `expect_value_errors`):
one round trip to the worker instead of one per case, and the cases are still judged in
order, the first wrong one failing the check, as a loop of `value` calls would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from mindlab_grader.checks import Fail, Learner, LearnerRaised, Outcome, describe

# feedback for a call that wrote into its inputs: changed(function, outcome.mutated)
Changed = Callable[[str, tuple], str]


def fresh(value: Any, memo: dict | None = None) -> Any:
    """A writable deep copy of arrays, and of the dicts and lists that hold them (models).
    With `memo`, an array met again is copied once (the cases of one request share it: it
    crosses the channel once, and each case gets its own copy in the worker).

    >>> W = np.zeros(2); params = {"W": W}
    >>> fresh(params)["W"] is W, fresh((W, "q"))[1]
    (False, 'q')
    """
    if isinstance(value, np.ndarray):
        if memo is None:
            return np.array(value)
        if id(value) not in memo:
            memo[id(value)] = np.array(value)
        return memo[id(value)]
    if type(value) is dict:
        return {k: fresh(v, memo) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(fresh(v, memo) for v in value)
    return value


def outcome(learner: Learner, function: str, *args: Any, **kwargs: Any) -> Outcome:
    """One call with fresh copies of every argument: a check's constants are never spoiled."""
    return learner.call(function, *fresh(args), **fresh(kwargs))


class Args:
    """One case's arguments when they include keywords: values(..., [Args(W, top=3), ...])."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs


def outcomes(learner: Learner, function: str, cases: Iterable[tuple | Args],
             watch: bool = True, **kwargs: Any) -> list[Outcome]:
    """One Outcome per case (a tuple of arguments, or Args), in one round trip.

    Every call also gets `kwargs` (an Args' own keywords win). watch=False when nobody
    will look at what the calls did to their inputs (Outcome.mutated): the judge then
    does not compare them.
    """
    calls = [(case.args, {**kwargs, **case.kwargs}) if isinstance(case, Args)
             else (tuple(case), kwargs) for case in cases]
    memo: dict | None = {} if getattr(learner, "cases_copied", False) else None
    return learner.calls(function, [(fresh(args, memo), fresh(kw, memo)) for args, kw in calls],
                         watch=watch)


def inputs_changed(function: str, mutated: tuple, names: tuple[str, ...], advice: str) -> str:
    """Feedback for a call that wrote into its inputs, naming them from the parameter names.

    >>> inputs_changed("f", (0, "k"), ("X", "k"), "work on a copy.")
    'f changed its input X, k in place, but every function must leave its inputs unchanged: work on a copy.'
    """  # noqa: E501 (a doctest's output is one line)
    which = ", ".join(names[m] if isinstance(m, int) and m < len(names) else str(m)
                      for m in mutated)
    return (f"{function} changed its input {which} in place, but every function must leave "
            f"its inputs unchanged: {advice}")


def value(learner: Learner, function: str, *args: Any,
          on_raise: Callable[[Outcome], str | None] | None = None,
          changed: Changed | None = None, **kwargs: Any) -> Any:
    """The learner's result; LearnerRaised (or on_raise's hint) if it raised; with `changed`,
    Fail(changed(function, mutated)) if the call wrote into its inputs.

    When the call raises, `on_raise(outcome)` may return a specific hint (a Fail);
    otherwise LearnerRaised lets the judge write the general feedback.
    """
    return judged(function, outcome(learner, function, *args, **kwargs), on_raise, changed)


def values(learner: Learner, function: str, cases: Iterable[tuple | Args],
           on_raise: Callable[[Outcome], str | None] | None = None,
           changed: Changed | None = None, **kwargs: Any) -> Iterator[Any]:
    """value() for each argument tuple, all called in one round trip, judged one by one.

    Yields each result in order; a case that raised (or changed its inputs) raises there,
    so the cases after it are never looked at, as in a loop of value() calls.
    """
    for out in outcomes(learner, function, cases, watch=changed is not None, **kwargs):
        yield judged(function, out, on_raise, changed)


def judged(function: str, out: Outcome,
           on_raise: Callable[[Outcome], str | None] | None = None,
           changed: Changed | None = None) -> Any:
    """out.value, or the Fail / LearnerRaised its call deserves (see value)."""
    if out.problem is not None:  # it timed out or crashed: the judge words that
        raise out.problem
    if out.raised is not None:
        hint = on_raise(out) if on_raise is not None else None
        if hint:
            raise Fail(hint)
        raise LearnerRaised(function, out.raised)
    if changed is not None and out.mutated:
        raise Fail(changed(function, out.mutated))
    return out.value


def expect_value_error(learner: Learner, function: str, args: tuple, what: str,
                       kwargs: dict | None = None, hint: str = "") -> None:
    """Fail unless function(*args) raises ValueError; `what` names the bad input."""
    expect_value_errors(learner, function, [(args, what, hint)], kwargs)


def expect_value_errors(learner: Learner, function: str, cases: list[tuple[tuple, str, str]],
                        kwargs: dict | None = None) -> None:
    """Fail unless every (args, what, hint) case raises ValueError (one round trip).

    `what` names the bad input in the feedback; `hint` (may be "") is added to it.
    """
    outs = outcomes(learner, function, [args for args, _, _ in cases], watch=False,
                    **(kwargs or {}))
    for out, (_, what, hint) in zip(outs, cases):
        if out.problem is not None:
            raise out.problem
        if out.raised is None:
            raise Fail(f"{function} returned {describe(out.value)} for {what}, but it should "
                       "raise ValueError there." + (f" {hint}" if hint else ""))
        if out.raised.is_a(NotImplementedError):  # a stub: say so, as every other check does
            raise LearnerRaised(function, out.raised)
        if not out.raised.is_a(ValueError):
            raise Fail(f"{function} raised {out.raised.type_name} for {what}; raise ValueError "
                       "yourself for it (a clear message saying what is allowed helps).")
