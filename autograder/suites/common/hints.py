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


def same(got: Any, expected: Any, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
    """Numerically equal, shapes included; nan matches nan, inf matches inf of the same sign."""
    try:
        got = np.asarray(got, dtype=np.float64)
        expected = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True))


def mistake(got: Any, candidates: dict[str, Any]) -> str | None:
    """The first hint whose mistaken output `got` equals, or None."""
    for hint, wrong in candidates.items():
        if wrong is not None and same(got, wrong):
            return hint
    return None


def quietly(fn, *args: Any) -> Any:
    """What a mistaken formula gives, warnings off and errors as None (overflow is the point)."""
    with np.errstate(all="ignore"):
        try:
            return fn(*args)
        except (ValueError, IndexError, ZeroDivisionError, FloatingPointError):
            return None
