"""Naming a learner's mistake by what it produced: compare the output with each known mistake's.

A check computes, next to the right answer, what a few typical mistakes would return on
the same input (in the judge process, never shown to the learner). When the learner's
output matches one of them, the feedback can say which mistake it was:

>>> right, wrong_axis = np.array([0.5, 0.5]), np.array([0.2, 0.8])
>>> mistake(np.array([0.2, 0.8]), {"normalised along the wrong axis": wrong_axis})
'normalised along the wrong axis'
>>> mistake(right, {"normalised along the wrong axis": wrong_axis}) is None
True
"""

from __future__ import annotations

from typing import Any

import numpy as np


def same(got: Any, expected: Any, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """Numerically equal, shapes included; nan matches nan, inf matches inf of the same sign.

    A learner's array is told apart by its shape before it is converted, and compared a
    block at a time: 63 MB of booleans made float64 whole took the judge to 785 MB (found
    from outside); now a few MB more than the reply itself.

    >>> same(np.ones(3, dtype=bool), [1.0, 1.0, 1.0]), same(np.ones(3), np.ones(4))
    (True, False)
    """
    try:
        if not isinstance(got, np.ndarray):  # (a list or a number: small, the channel's)
            got = np.asarray(got, dtype=np.float64)
        if not isinstance(expected, np.ndarray):
            expected = np.asarray(expected, dtype=np.float64)
        if got.shape != expected.shape:
            return False
        if got.size > _BLOCK:
            a, b = got.reshape(-1), expected.reshape(-1)
            return all(same(a[i:i + _BLOCK], b[i:i + _BLOCK], rtol, atol)
                       for i in range(0, a.size, _BLOCK))
        got = np.asarray(got, dtype=np.float64)
        expected = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True))


_BLOCK = 1 << 16  # elements compared at once by same(): half a MB of float64 each


def mistake(got: Any, candidates: dict[str, Any]) -> str | None:
    """The first hint whose mistaken output `got` equals, or None."""
    for hint, wrong in candidates.items():
        if wrong is not None and same(got, wrong):
            return hint
    return None


def near_miss(got: Any, expected: Any) -> str | None:
    """A hint for a result right to a few digits but not to float64's: float32 somewhere,
    an epsilon added, a rounding. None when the result is further off than that (a wrong
    formula) or exact.

    >>> near_miss(np.float32(0.1), 0.1)
    'it is computed in float32 (about 7 digits): keep float64 throughout'
    >>> near_miss(0.1 + 1e-8, 0.1), near_miss(0.2, 0.1)
    ('it is right to several digits but not to float64 precision: no float32, no small epsilon added to a denominator, no rounding', None)
    """  # noqa: E501 (a doctest's output is one line)
    try:
        scale = float(np.max(np.abs(np.asarray(expected, dtype=np.float64)), initial=0.0))
    except (TypeError, ValueError):
        return None
    if same(got, expected) or not same(got, expected, rtol=1e-4, atol=1e-5 * scale + 1e-7):
        return None
    if getattr(got, "dtype", None) in (np.float32, np.float16):
        return "it is computed in float32 (about 7 digits): keep float64 throughout"
    return ("it is right to several digits but not to float64 precision: no float32, no "
            "small epsilon added to a denominator, no rounding")


def mistake_everywhere(got: list, candidates: dict[str, list]) -> str | None:
    """The first hint whose mistaken outputs equal the learner's on EVERY case, or None.

    A hint names a mistake only when the learner's outputs match it on all the cases of a
    check, those that tell it apart from other mistakes included: an output that merely
    agrees with a mistake on one case (a rounded 0.0 where the mistake also gives 0.0)
    says nothing about what the learner did. A candidate's None entry (a formula that does
    not apply to that case) never matches.

    >>> mistake_everywhere([1.0, 2.0], {"doubles": [2.0, 2.0], "adds one": [1.0, 2.0]})
    'adds one'
    >>> mistake_everywhere([0.0, 2.0], {"forgets abs": [0.0, 0.0]}) is None
    True
    """
    for hint, wrongs in candidates.items():
        if len(wrongs) == len(got) and all(w is not None and same(g, w)
                                           for g, w in zip(got, wrongs)):
            return hint
    return None


def quietly(fn, *args: Any) -> Any:
    """What a mistaken formula gives, warnings off and errors as None (overflow is the point)."""
    with np.errstate(all="ignore"):
        try:
            return fn(*args)
        except (ValueError, IndexError, ZeroDivisionError, FloatingPointError):
            return None
