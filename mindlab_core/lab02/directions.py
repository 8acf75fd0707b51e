"""TOOL 04 — features are directions: a concept is a direction, a dot product tests for it.

The vectors we look at are the rows of the trained bigram W (lab 01): row i is what the
model expects after letter i. Letters that behave alike have rows that point alike, so
"vowel-ness" is a direction: the mean of the vowel rows minus the mean of the consonant
rows. Project any letter on it and vowels land on one side, consonants on the other —
even letters the direction never saw.

>>> X_a = np.array([[2.0, 0.0], [4.0, 0.0]]); X_b = np.array([[0.0, 0.0]])
>>> mean_difference_direction(X_a, X_b).tolist()
[1.0, 0.0]
>>> project(np.array([[3.0, 4.0]]), np.array([0.0, 2.0])).tolist()
[4.0]
"""

from __future__ import annotations

import numpy as np

from ..bigram import trained_model
from ..tokens import TOKENS, index

# The letters the direction is built from, and the ones it never sees (held out).
TRAIN_VOWELS = "aeo"
TRAIN_CONSONANTS = "bcdfghklmnprst"
HELD_OUT_VOWELS = "iu"
HELD_OUT_CONSONANTS = "jvwxz"
# Left out on purpose, to discuss: y (vowel and consonant), q (almost always followed by u,
# so its row looks a little vowel-like: it lands right on the threshold) and `.`.


def _matrix(X, what: str) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"{what} must be a non-empty (n, d) array of vectors, got shape {X.shape}")
    return X


def _vector(v, what: str) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"{what} must be a 1-D (d,) vector, got shape {v.shape}")
    norm = np.linalg.norm(v)
    if not norm > 0:
        raise ValueError(f"{what} has length 0: a direction needs a non-zero vector")
    return v


def mean_difference_direction(X_a: np.ndarray, X_b: np.ndarray) -> np.ndarray:
    """(d,) unit vector from the mean of X_b (m, d) to the mean of X_a (n, d).

    >>> mean_difference_direction(np.array([[0.0, 3.0]]), np.array([[0.0, 1.0]])).tolist()
    [0.0, 1.0]

    Points toward class a: members of a project higher than members of b. Its length is
    exactly 1. The two arrays must have the same width d (else ValueError); when the two
    means coincide there is no direction and ValueError is raised. Inputs are unchanged.
    """
    X_a, X_b = _matrix(X_a, "X_a"), _matrix(X_b, "X_b")
    if X_a.shape[1] != X_b.shape[1]:
        raise ValueError(f"X_a has width {X_a.shape[1]} but X_b has {X_b.shape[1]}: "
                         "both classes must live in the same space")
    diff = X_a.mean(axis=0) - X_b.mean(axis=0)
    return diff / np.linalg.norm(_vector(diff, "the difference of the two means"))


def project(X: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """(n,) how far each row of X (n, d) reaches along `direction` (d,): X @ direction / |d|.

    >>> project(np.array([[1.0, 1.0], [2.0, -1.0]]), np.array([3.0, 0.0])).tolist()
    [1.0, 2.0]

    The direction's length does not matter (it is normalised first), its sign does.
    Mismatched widths or a zero direction raise ValueError. Inputs are unchanged.
    """
    X, direction = _matrix(X, "X"), _vector(direction, "direction")
    if X.shape[1] != direction.shape[0]:
        raise ValueError(f"X has width {X.shape[1]} but direction has length "
                         f"{direction.shape[0]}: they must match")
    return X @ (direction / np.linalg.norm(direction))


def cosine_similarity(u: np.ndarray, v: np.ndarray) -> float:
    """The cosine of the angle between u (d,) and v (d,), a float in [-1, 1].

    >>> cosine_similarity(np.array([1.0, 0.0]), np.array([5.0, 5.0]))
    0.7071067811865475

    1 means same direction, 0 orthogonal, -1 opposite; lengths do not matter. Mismatched
    lengths or a zero vector raise ValueError. Inputs are unchanged.
    """
    u, v = _vector(u, "u"), _vector(v, "v")
    if u.shape != v.shape:
        raise ValueError(f"u has length {u.shape[0]} but v has {v.shape[0]}: they must match")
    cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
    return min(1.0, max(-1.0, cos))  # rounding can step a hair outside [-1, 1]


# ---------------------------------------------------------------- the lab's vectors (not graded)


def letter_vectors() -> np.ndarray:
    """(27, 27): row i is the trained bigram model's logits after token i (lab 01's W)."""
    return np.array(trained_model().W)


def rows_of(X: np.ndarray, letters: str) -> np.ndarray:
    """The rows of a (27, d) per-token array for some letters: rows_of(X, "ae") is (2, d)."""
    return np.asarray(X)[[index(ch) for ch in letters]]


def vowel_direction(X: np.ndarray | None = None) -> np.ndarray:
    """(27,) unit "vowel-ness" direction built only from the training vowels and consonants."""
    X = letter_vectors() if X is None else X
    return mean_difference_direction(rows_of(X, TRAIN_VOWELS), rows_of(X, TRAIN_CONSONANTS))


def midpoint_threshold(scores_a: np.ndarray, scores_b: np.ndarray) -> float:
    """The score halfway between the two classes' mean scores: above it reads as class a."""
    return float((np.mean(scores_a) + np.mean(scores_b)) / 2)


def letter_scores(X: np.ndarray | None = None) -> dict[str, float]:
    """{letter: score on the vowel direction} for all 27 tokens."""
    X = letter_vectors() if X is None else X
    scores = project(X, vowel_direction(X))
    return {t: float(s) for t, s in zip(TOKENS, scores)}
