"""feature_dimensionality treats the rows of W as the features."""

import numpy as np


def feature_dimensionality(W):
    W = np.asarray(W, dtype=float).T
    norms = np.linalg.norm(W, axis=0)
    alive = norms > 0
    units = np.where(alive, W / np.where(alive, norms, 1.0), 0.0)
    return np.where(alive, norms**2 / np.maximum(((units.T @ W) ** 2).sum(axis=1), 1e-300), 0.0)
