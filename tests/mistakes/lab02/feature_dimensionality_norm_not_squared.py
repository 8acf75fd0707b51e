"""feature_dimensionality puts |W_i| in the numerator instead of |W_i|^2."""

import numpy as np


def feature_dimensionality(W):
    W = np.asarray(W, dtype=float)
    norms = np.linalg.norm(W, axis=0)
    alive = norms > 0
    units = np.where(alive, W / np.where(alive, norms, 1.0), 0.0)
    return np.where(alive, norms / np.maximum(((units.T @ W) ** 2).sum(axis=1), 1e-300), 0.0)
