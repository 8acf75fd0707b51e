"""Calling a learner's function from a check: fresh copies in, problems out as feedback.

    got = value(learner, "read_row", W, "q")          # the result, or LearnerRaised / Fail
    out = outcome(learner, "sample_word", W, Rng(1))  # the full Outcome (raised, mutated)

Arrays are copied before every call, so a function that writes into its input never
spoils a check's constants (across the worker channel they are copies anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.checks import Fail, Learner, LearnerRaised, Outcome, describe

# parameter names of the graded functions, to name what a call changed (SPEC §2)
PARAMETERS = {
    "softmax": ("logits",),
    "read_row": ("W", "letter"),
    "data_row": ("counts", "letter"),
    "belief_gap": ("W", "counts", "letter"),
    "ablate_column": ("W", "letter"),
    "sample_word": ("W", "rng", "temperature", "max_len"),
    "rank_rules": ("W", "top"),
    "greedy_decode": ("W", "max_len"),
}

BAD_LETTERS = ("A", "ab", "", 3)  # SPEC §2's own examples of what is not a letter


def _fresh(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def outcome(learner: Learner, function: str, *args: Any, **kwargs: Any) -> Outcome:
    """One call with fresh copies of every array argument."""
    return learner.call(function, *[_fresh(a) for a in args],
                        **{k: _fresh(v) for k, v in kwargs.items()})


def changed(function: str, mutated: tuple) -> str:
    """Feedback for a call that wrote into its inputs."""
    names = PARAMETERS.get(function, ())
    which = ", ".join(names[m] if isinstance(m, int) and m < len(names) else str(m)
                      for m in mutated)
    return (f"{function} changed its input {which} in place, but every function must leave "
            f"its inputs unchanged: compute on a copy (np.array({names[0] if names else 'x'}, "
            "dtype=float) makes one) "
            "and avoid in-place operators such as -= or /= on the arguments.")


def value(learner: Learner, function: str, *args: Any,
          on_raise: Callable[[Outcome], str | None] | None = None,
          keep_inputs: bool = False, **kwargs: Any) -> Any:
    """The learner's result; with keep_inputs=True, Fail if the call changed its inputs.

    One check per function asks for unchanged inputs, so a function that is right but
    writes into its arguments loses that check's points, not all of them.

    When the call raises, `on_raise(outcome)` may return a specific hint (a Fail);
    otherwise LearnerRaised lets the judge write the general feedback.
    """
    out = outcome(learner, function, *args, **kwargs)
    if out.raised is not None:
        hint = on_raise(out) if on_raise is not None else None
        if hint:
            raise Fail(hint)
        raise LearnerRaised(function, out.raised)
    if keep_inputs and out.mutated:
        raise Fail(changed(function, out.mutated))
    return out.value


def expect_value_error(learner: Learner, function: str, args: tuple, what: str,
                       kwargs: dict | None = None, hint: str = "") -> None:
    """Fail unless function(*args) raises ValueError; `what` names the bad input."""
    out = outcome(learner, function, *args, **(kwargs or {}))
    if out.raised is None:
        raise Fail(f"{function} returned {describe(out.value)} for {what}, but it should "
                   "raise ValueError there." + (f" {hint}" if hint else ""))
    if not out.raised.is_a(ValueError):
        raise Fail(f"{function} raised {out.raised.type_name} for {what}; raise ValueError "
                   "yourself for it (a clear message saying what is allowed helps).")


def expect_bad_letters_rejected(learner: Learner, function: str,
                                args_for: Callable[[Any], tuple]) -> None:
    """function(*args_for(bad)) raises ValueError for each of SPEC's bad letters."""
    for bad in BAD_LETTERS:
        hint = ("Careful: '' in TOKENS is True and TOKENS.index('') is 0, so also check "
                "that the letter is one character long." if bad == "" else "")
        expect_value_error(learner, function, args_for(bad),
                           f"the letter {bad!r} (letters are '.' and 'a' to 'z', one "
                           "character each)", hint=hint)
