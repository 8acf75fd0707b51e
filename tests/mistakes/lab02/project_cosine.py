"""project divides by the rows' lengths too (a cosine, not a projection)."""

import numpy as np


def project(X, direction):
    X, d = np.asarray(X, dtype=float), np.asarray(direction, dtype=float)
    if np.linalg.norm(d) == 0 or X.shape[1] != len(d):
        raise ValueError("bad direction")
    return X @ d / np.linalg.norm(d) / np.linalg.norm(X, axis=1)
