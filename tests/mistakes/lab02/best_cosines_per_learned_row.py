"""best_cosines takes the best match for each learned row, not for each true direction."""

import numpy as np


def best_cosines(learned, true):
    learned, true = np.asarray(learned, dtype=float), np.asarray(true, dtype=float)
    nl = np.linalg.norm(learned, axis=1, keepdims=True)
    nt = np.linalg.norm(true, axis=1, keepdims=True)
    if not (np.all(nl > 0) and np.all(nt > 0)):
        raise ValueError("zero row")
    return (true / nt @ (learned / nl).T).max(axis=0)
