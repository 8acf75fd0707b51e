"""best_cosines takes absolute cosines, so an opposite row counts as a match."""

import numpy as np


def best_cosines(learned, true):
    learned, true = np.asarray(learned, dtype=float), np.asarray(true, dtype=float)
    nl = np.linalg.norm(learned, axis=1, keepdims=True)
    nt = np.linalg.norm(true, axis=1, keepdims=True)
    if not (np.all(nl > 0) and np.all(nt > 0)):
        raise ValueError("zero row")
    return np.abs(true / nt @ (learned / nl).T).max(axis=1)
