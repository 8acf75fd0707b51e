"""TOOL 04 — features are directions: the vectors, and the letters we sort with them.

The vectors are the rows of the trained bigram W (lab 01): row i is what the model
expects after letter i. Letters that behave alike have rows that point alike, so
"vowel-ness" is a direction: the mean of the vowel rows minus the mean of the consonant
rows. Project any letter on it and vowels land on one side, consonants on the other —
even letters the direction never saw (the held-out ones below).

>>> rows_of(letter_vectors(), "ae").shape
(2, 27)
"""

from __future__ import annotations

import numpy as np

from ..bigram import trained_model
from ..tokens import index

# The letters the direction is built from, and the ones it never sees (held out).
TRAIN_VOWELS = "aeo"
TRAIN_CONSONANTS = "bcdfghklmnprst"
HELD_OUT_VOWELS = "iu"
HELD_OUT_CONSONANTS = "jvwxz"
# Left out on purpose, to discuss: y (vowel and consonant), q (almost always followed by u,
# so its row looks a little vowel-like: it lands near the threshold) and `.`.


def letter_vectors() -> np.ndarray:
    """(27, 27) a writable copy of lab 01's trained W: row i is the logits after token i."""
    return np.array(trained_model().W)


def rows_of(X: np.ndarray, letters: str) -> np.ndarray:
    """The rows of a (27, d) per-token array for some letters: rows_of(X, "ae") is (2, d)."""
    return np.asarray(X)[[index(ch) for ch in letters]]


def midpoint_threshold(scores_a: np.ndarray, scores_b: np.ndarray) -> float:
    """The score halfway between the two classes' mean scores: above it reads as class a.

    >>> midpoint_threshold(np.array([2.0, 4.0]), np.array([-1.0]))
    1.0
    """
    return float((np.mean(scores_a) + np.mean(scores_b)) / 2)
