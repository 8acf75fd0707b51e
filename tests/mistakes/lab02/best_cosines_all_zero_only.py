"""best_cosines rejecting only an all-zero input: one zero row among others gives nan."""

import numpy as np


def best_cosines(learned, true):
    learned, true = np.asarray(learned, dtype=float), np.asarray(true, dtype=float)
    if not learned.any() or not true.any():
        raise ValueError("every row must be a non-zero vector")
    with np.errstate(all="ignore"):
        ul = learned / np.linalg.norm(learned, axis=1, keepdims=True)
        ut = true / np.linalg.norm(true, axis=1, keepdims=True)
    return (ut @ ul.T).max(axis=1)
