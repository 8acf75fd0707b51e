"""What lab 02 shows, computed with the reference: used by the tests, the tour and the benchmark.

Each function is one claim of the lab (docs/lab02-contract.md, "What the lab shows").
Learners find the same things with their own functions in the notebook.

>>> scores = letter_scores()
>>> scores["a"] > 0 > scores["t"]
True
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..names import load_names
from ..tokens import TOKENS
from . import directions, induction, reference, residual


def vowel_direction(X: np.ndarray | None = None) -> np.ndarray:
    """(27,) unit "vowel-ness" direction built only from the training vowels and consonants."""
    X = directions.letter_vectors() if X is None else X
    return reference.mean_difference_direction(
        directions.rows_of(X, directions.TRAIN_VOWELS),
        directions.rows_of(X, directions.TRAIN_CONSONANTS))


def letter_scores(X: np.ndarray | None = None) -> dict[str, float]:
    """{letter: score on the vowel direction} for all 27 tokens."""
    X = directions.letter_vectors() if X is None else X
    scores = reference.project(X, vowel_direction(X))
    return {t: float(s) for t, s in zip(TOKENS, scores)}


def vowel_threshold(X: np.ndarray | None = None) -> float:
    """The midpoint between the training vowels' and consonants' mean scores."""
    scores = letter_scores(X)
    return directions.midpoint_threshold([scores[c] for c in directions.TRAIN_VOWELS],
                                         [scores[c] for c in directions.TRAIN_CONSONANTS])


@lru_cache(maxsize=1)
def _name_contexts() -> tuple[np.ndarray, np.ndarray]:
    X, Y = reference.make_contexts(load_names(), residual.CONTEXT)
    X.setflags(write=False)
    Y.setflags(write=False)
    return X, Y


def name_contexts() -> tuple[np.ndarray, np.ndarray]:
    """X (n, 3), Y (n,): every (context, next) pair of the shipped names (read-only)."""
    return _name_contexts()


def forward(params: dict, contexts: np.ndarray) -> np.ndarray:
    """(n, 27) the residual model's logits for each context."""
    return reference.run_with_cache(params, contexts)[-1] @ params["U"] + params["bU"]


def lens_losses(params: dict, contexts: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """(L + 1,) the cross-entropy of the lens at each layer: the prediction sharpening."""
    lens = reference.logit_lens(params, reference.run_with_cache(params, contexts))
    return np.array([reference.cross_entropy(layer, targets) for layer in lens])


def repeated_half_loss(params: dict, tokens: np.ndarray, half_len: int) -> float:
    """Mean NLL of the predictions made inside the repeated half (those induction can know).

    Positions half_len + 1 .. 2 * half_len - 1 predict tokens half_len + 2 .. 2 * half_len:
    each is the token after an earlier copy.
    """
    logits, _ = induction.run_attention_model(params, tokens, reference.causal_attention)
    return reference.cross_entropy(logits[half_len + 1:-1], np.asarray(tokens)[half_len + 2:])


def head_scores(params: dict, tokens: np.ndarray, half_len: int) -> tuple[np.ndarray, np.ndarray]:
    """(previous-token scores, induction scores), each (layers, heads), on one repeated sequence."""
    _, patterns = induction.run_attention_model(params, tokens, reference.causal_attention)
    return reference.prev_token_score(patterns), reference.induction_score(patterns, half_len)
