"""The questions a lab 01 function is likely to ask the reference, from its inputs alone.

While a check calls the learner's `sample_word`, its `softmax` is the reference's,
answered by the judge one question at a time (answers.py): a sampled word of five
letters is five round trips. The judge sends these answers with the request instead,
so a learner who asks them (as the reference's own code would) waits for none.

A question here is sent only when building it takes none of the work the function
under test is graded on, so its answer is one the learner's code could ask for without
doing that work itself: the call's own arguments (`belief_gap`'s read_row(W, letter)),
the whole W (`rank_rules`' softmax(W)), every row of W at the default temperature
(`sample_word`: softmax of each row, not of the rows a path visits). Never a row picked
by the letter (`read_row`'s index(letter) is its work, and whether a letter has a row
is its ValueError check), never a row divided by the temperature (`sample_word`'s work),
never for the function under test (answers.py drops such a question anyway).

>>> W = np.zeros((27, 27))
>>> [name for name, _, _ in questions("greedy_decode", (W,), {})]
['softmax']
>>> len(questions("sample_word", (W, None), {}))
27
>>> questions("sample_word", (W, None), {"temperature": 0.5})
[]
>>> questions("read_row", (W, "q"), {})
[]
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from mindlab_core.lab01 import reference

Question = tuple[str, tuple, dict]  # (graded function, args, kwargs)


def _bound(function: str, args: tuple, kwargs: dict) -> dict[str, Any] | None:
    """The call's arguments by parameter name, defaults filled in; None if it cannot bind."""
    try:
        call = inspect.signature(getattr(reference, function)).bind(*args, **kwargs)
    except (TypeError, AttributeError):
        return None
    call.apply_defaults()
    return call.arguments


def _matrix(W: Any) -> np.ndarray | None:
    """W as the reference reads it ((27, 27) float64), or None when it is not one."""
    try:
        W = np.asarray(W, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return W if W.shape == (27, 27) else None


def questions(function: str, args: tuple, kwargs: dict) -> list[Question]:
    """What `function(*args, **kwargs)` would ask of the other graded functions, asked the
    way the reference asks it (the answer is used only where the bytes match exactly)."""
    bound = _bound(function, args, kwargs)
    if bound is None:
        return []
    W = _matrix(bound.get("W"))
    letter = bound.get("letter")
    if function == "belief_gap":  # its own arguments (a bad letter too: the ValueError)
        return [("read_row", (bound["W"], letter), {}),
                ("data_row", (bound["counts"], letter), {})]
    if function == "sample_word" and W is not None:
        t = bound.get("temperature")
        if type(t) in (int, float) and t == 1:  # W[i] / 1 is W[i], byte for byte
            return [("softmax", (W[i],), {}) for i in range(27)]
    if function in ("rank_rules", "greedy_decode") and W is not None:
        return [("softmax", (W,), {})]
    return []
