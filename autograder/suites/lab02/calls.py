"""Calling a lab 02 function from a check: the shared helpers, with lab 02's parameter names.

    got = value(learner, "project", X, direction)   # the result, or LearnerRaised / Fail
    for got in values(learner, "project", [(X, d1), (X, d2)]):  # one round trip
        ...

Calling with copies and checking for ValueError are lab-independent
(autograder/suites/common/calls.py); what stays here is lab 02's: the names of its
parameters and its advice for a function that changed its input (every call checks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from mindlab_grader.checks import Fail, Learner, Outcome
from mindlab_grader.suites.common import calls
from mindlab_grader.suites.common.calls import Args

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


def changed(function: str, mutated: tuple) -> str:
    """Feedback for a call that wrote into its inputs."""
    return calls.inputs_changed(
        function, mutated, PARAMETERS.get(function, ()),
        "work on copies (np.array(x, dtype=float), dict(params)) and avoid in-place "
        "operators such as += or [...] = on the arguments.")


def value(learner: Learner, function: str, *args: Any,
          on_raise: Callable[[Outcome], str | None] | None = None, **kwargs: Any) -> Any:
    """The learner's result; Fail if it changed its inputs; LearnerRaised if it raised.

    When the call raises, `on_raise(outcome)` may return a specific hint (a Fail).
    """
    return calls.value(learner, function, *args, on_raise=on_raise, changed=changed, **kwargs)


def values(learner: Learner, function: str, cases: Iterable[tuple | Args],
           on_raise: Callable[[Outcome], str | None] | None = None,
           **kwargs: Any) -> Iterator[Any]:
    """value() for each case (a tuple of arguments, or Args), all in one round trip.

    Yields each result in order; the first case that raised or changed its inputs raises
    there, as a loop of value() calls would.
    """
    return calls.values(learner, function, cases, on_raise=on_raise, changed=changed, **kwargs)


def expect_draws_from_rng(function: str, what: str, draw: str, first: Any, again: Any,
                          other: Any) -> None:
    """Fail unless `first` and `again` (two generators of one seed) are equal and `other`
    (another seed) differs: `function` draws with its rng argument (its `draw` method).

    >>> expect_draws_from_rng("f", "draws", "rng.random", np.zeros(2), np.zeros(2), np.ones(2))
    """
    if not np.array_equal(first, again):
        raise Fail(f"{function} gave different {what} for two generators of the same seed: "
                   f"draw with the rng argument ({draw}), not np.random.")
    if np.array_equal(first, other):
        raise Fail(f"{function} gave the same {what} for generators of different seeds: "
                   "draw with the rng argument, not a generator of your own.")
