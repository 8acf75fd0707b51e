"""Calling a lab 01 function from a check: the shared helpers, with lab 01's parameter names.

    got = value(learner, "read_row", W, "q")          # the result, or LearnerRaised / Fail
    got = value(learner, "softmax", L, keep_inputs=True)   # ... and Fail if L was changed

Calling with copies and checking for ValueError are lab-independent
(autograder/suites/common/calls.py); what stays here is lab 01's: the names of its
parameters, its advice for a function that changed its input, and SPEC's bad letters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from mindlab_grader.checks import Learner, Outcome
from mindlab_grader.suites.common import calls
from mindlab_grader.suites.common.calls import Args, expect_value_errors

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

# SPEC §2's own examples of what is not a letter (its Boundaries list included)
BAD_LETTERS = ("A", "ab", "", 3, " a", "a\n", None)
# one-character strings next to the tokens that ord() arithmetic, strip() or a regex's
# `$` (which matches before a final newline) let through: hidden checks add them, and
# name them only by kind
OTHER_BAD_LETTERS = ("`", "{", "é", "a ", "\t", "\n", "..", 1.0)


def changed(function: str, mutated: tuple) -> str:
    """Feedback for a call that wrote into its inputs."""
    names = PARAMETERS.get(function, ())
    return calls.inputs_changed(
        function, mutated, names,
        f"compute on a copy (np.array({names[0] if names else 'x'}, dtype=float) makes one) "
        "and avoid in-place operators such as -= or /= on the arguments.")


def value(learner: Learner, function: str, *args: Any,
          on_raise: Callable[[Outcome], str | None] | None = None,
          keep_inputs: bool = False, **kwargs: Any) -> Any:
    """The learner's result; with keep_inputs=True, Fail if the call changed its inputs.

    One check per function asks for unchanged inputs, so a function that is right but
    writes into its arguments loses that check's points, not all of them.
    """
    return calls.value(learner, function, *args, on_raise=on_raise,
                       changed=changed if keep_inputs else None, **kwargs)


def values(learner: Learner, function: str, cases: Iterable[tuple | Args],
           on_raise: Callable[[Outcome], str | None] | None = None,
           keep_inputs: bool = False, **kwargs: Any) -> Iterator[Any]:
    """value() for each argument tuple, in one round trip (see common/calls.values)."""
    return calls.values(learner, function, cases, on_raise=on_raise,
                        changed=changed if keep_inputs else None, **kwargs)


def expect_bad_letters_rejected(learner: Learner, function: str,
                                args_for: Callable[[Any], tuple], others: bool = False) -> None:
    """function(*args_for(bad)) raises ValueError for each of SPEC's bad letters (one round
    trip); with others=True also for OTHER_BAD_LETTERS, which feedback names only by kind."""
    cases = []
    for bad in BAD_LETTERS:
        hint = ("Careful: '' in TOKENS is True and TOKENS.index('') is 0, so also check "
                "that the letter is one character long." if bad == "" else "")
        if isinstance(bad, str) and bad.strip() != bad:
            hint = "Check the letter exactly as given: do not strip or lower it first."
        cases.append((args_for(bad), f"the letter {bad!r} (letters are '.' and 'a' to 'z', "
                      "one character each)", hint))
    for bad in OTHER_BAD_LETTERS if others else ():
        cases.append((args_for(bad), "a string that is not one of the 27 tokens",
                      "Compare the letter with the tokens themselves (len(letter) == 1 and "
                      "letter in TOKENS), not with ord() ranges, strip() or a regex."))
    expect_value_errors(learner, function, cases)
