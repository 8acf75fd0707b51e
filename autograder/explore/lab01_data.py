"""The numbers behind lab 01's explore page, computed ahead of time with a Learner.

Every number the page shows comes from the source's functions (the reference, or the
learner's file through the grader's worker); the reference is computed beside it only
to say where the two differ and to fall back on, clearly labelled, where a function failed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import TOKENS

from ..learner import LearnerBase
from .source import BadValue, Problems, attempt, value_of

SEED = 0  # every sampled word comes from default_rng(SEED): the same words on every build
SAMPLES = 8
MAX_LEN = 20  # short enough to read; words of a model that cannot stop all reach it
TEMPERATURES = (0.5, 1.0, 2.0)


def plain(a: np.ndarray) -> list:
    """Nested lists of floats with every non-finite entry as None (JSON has no inf)."""
    flat = [None if not np.isfinite(x) else float(x) for x in a.ravel()]
    if a.ndim == 1:
        return flat
    width = a.shape[-1]
    return [flat[i:i + width] for i in range(0, len(flat), width)]


def _row(value: Any, function: str) -> np.ndarray:
    """value as a (27,) float array, or BadValue saying what it was instead."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.shape != (27,):
        got = f"shape {arr.shape}" if arr is not None else type(value).__name__
        raise BadValue(f"your {function} returned {got}, not 27 numbers")
    return arr


def tool01(learner: LearnerBase, W: np.ndarray, counts: np.ndarray) -> dict:
    """Belief, data and gap after each of the 27 tokens; which functions differ or fail."""
    problems: Problems = Problems()
    differs: dict[str, list[str]] = {"read_row": [], "data_row": [], "belief_gap": []}
    args = {"read_row": lambda t: (W, t), "data_row": lambda t: (counts, t),
            "belief_gap": lambda t: (W, counts, t)}
    refs = {"read_row": lambda t: ref.read_row(W, t), "data_row": lambda t: ref.data_row(counts, t),
            "belief_gap": lambda t: ref.belief_gap(W, counts, t)}
    got: dict[str, list] = {}
    for name in args:
        outcomes = attempt(problems, name,
                           lambda n=name: learner.calls(n, [(args[n](t), {}) for t in TOKENS]))
        got[name] = []
        for t, outcome in zip(TOKENS, outcomes or [None] * 27):
            value = None if outcome is None else attempt(
                problems, name, lambda o=outcome, n=name: _checked(n, value_of(n, o)))
            expected = refs[name](t)
            if value is not None and not np.allclose(value, expected, atol=1e-6):
                differs[name].append(t)
            got[name].append((value, expected))
    letters = {}
    for k, t in enumerate(TOKENS):
        entry = {}
        for name, key in (("read_row", "belief"), ("data_row", "data"), ("belief_gap", "gap")):
            value, expected = got[name][k]
            entry[key] = _shown(expected if value is None else value, name == "belief_gap")
            entry[key + "_fallback"] = value is None
        letters[t] = entry
    _softmax_check(learner, W, problems, differs)
    return {"letters": letters, "problems": problems.of("softmax", *args),
            "differs": _differ_sentences(differs, W, counts)}


def _checked(function: str, value: Any) -> Any:
    """A learner's value in the form the page needs (a row, or a float gap)."""
    if function == "belief_gap":
        if type(value) not in (float, int) or not np.isfinite(value):
            raise BadValue(f"your belief_gap returned {value!r}, not a number in [0, 1]")
        return float(value)
    return _row(value, function)


def _shown(value: Any, scalar: bool) -> Any:
    return round(float(value), 4) if scalar else plain(np.round(value, 4))


def _softmax_check(learner: LearnerBase, W: np.ndarray, problems: Problems,
                   differs: dict[str, list[str]]) -> None:
    """softmax on the whole of W (2-D): it should give every row's belief at once."""
    value = attempt(problems, "softmax", lambda: learner.softmax(W))
    if value is None:
        return
    try:
        ok = bool(np.allclose(np.asarray(value, dtype=np.float64), ref.softmax(W), atol=1e-6))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        differs["softmax"] = ["the whole matrix"]


def _differ_sentences(differs: dict[str, list[str]], W: np.ndarray, counts: np.ndarray
                      ) -> list[str]:
    """One sentence per function whose answers are not the reference's."""
    out = []
    for name, letters in differs.items():
        if not letters:
            continue
        if name == "softmax":
            out.append("your softmax applied to all of W (27 rows at once) does not give "
                       "each row's probabilities")
            continue
        shown = ", ".join(f"'{t}'" for t in letters[:6]) + (" ..." if len(letters) > 6 else "")
        out.append(f"your {name} differs from the reference after {len(letters)} of 27 "
                   f"tokens ({shown})")
    return out
