"""Calling a lab 02 function from a check: lab 01's helpers, with lab 02's parameter names.

    got = value(learner, "project", X, direction)   # the result, or LearnerRaised / Fail
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.checks import Fail, Learner, LearnerRaised, Outcome
from autograder.suites.lab01 import calls as lab01_calls

__all__ = ["PARAMETERS", "expect_value_error", "outcome", "value"]

# parameter names of the graded functions, to name what a call changed (docs/lab02-contract.md)
PARAMETERS = {
    "mean_difference_direction": ("X_a", "X_b"),
    "project": ("X", "direction"),
    "cosine_similarity": ("u", "v"),
    "make_contexts": ("words", "k"),
    "run_with_cache": ("params", "contexts"),
    "logit_lens": ("params", "streams"),
    "cross_entropy": ("logits", "targets"),
    "causal_attention": ("q", "k"),
    "repeated_tokens": ("rng", "n_vocab", "half_len"),
    "prev_token_score": ("patterns",),
    "induction_score": ("patterns", "half_len"),
    "find_heads": ("scores", "threshold"),
    "ablate_head": ("params", "layer", "head"),
    "sparse_features": ("rng", "n", "n_features", "sparsity"),
    "toy_forward": ("params", "X"),
    "importance_loss": ("X", "X_hat", "importance"),
    "feature_dimensionality": ("W",),
    "sae_encode": ("sae", "H"),
    "sae_decode": ("sae", "F"),
    "sae_loss": ("sae", "H", "l1"),
    "best_cosines": ("learned", "true"),
}


def fresh(value: Any) -> Any:
    """A writable deep copy of arrays, and of the dicts and lists that hold them (models)."""
    if isinstance(value, np.ndarray):
        return np.array(value)
    if type(value) is dict:
        return {k: fresh(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(fresh(v) for v in value)
    return value


def outcome(learner: Learner, function: str, *args: Any, **kwargs: Any) -> Outcome:
    """One call with fresh copies of every argument: a check's constants are never spoiled."""
    return learner.call(function, *fresh(args), **fresh(kwargs))


def changed(function: str, mutated: tuple) -> str:
    """Feedback for a call that wrote into its inputs."""
    names = PARAMETERS.get(function, ())
    which = ", ".join(names[m] if isinstance(m, int) and m < len(names) else str(m)
                      for m in mutated)
    return (f"{function} changed its input {which} in place, but every function must leave "
            "its inputs unchanged: work on copies (np.array(x, dtype=float), dict(params)) "
            "and avoid in-place operators such as += or [...] = on the arguments.")


def value(learner: Learner, function: str, *args: Any,
          on_raise: Callable[[Outcome], str | None] | None = None, **kwargs: Any) -> Any:
    """The learner's result; Fail if it changed its inputs; LearnerRaised if it raised.

    When the call raises, `on_raise(outcome)` may return a specific hint (a Fail).
    """
    out = outcome(learner, function, *args, **kwargs)
    if out.raised is not None:
        hint = on_raise(out) if on_raise is not None else None
        if hint:
            raise Fail(hint)
        raise LearnerRaised(function, out.raised)
    if out.mutated:
        raise Fail(changed(function, out.mutated))
    return out.value


def expect_value_error(learner: Learner, function: str, args: tuple, what: str,
                       kwargs: dict | None = None, hint: str = "") -> None:
    """Fail unless function(*args) raises ValueError (lab 01's check, on fresh copies)."""
    lab01_calls.expect_value_error(learner, function, fresh(args), what, fresh(kwargs or {}),
                                   hint)
