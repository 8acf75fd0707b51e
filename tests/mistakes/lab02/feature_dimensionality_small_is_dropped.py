"""feature_dimensionality treating columns of norm below 1e-6 as dropped: only an exactly
zero column is."""

import numpy as np


def feature_dimensionality(W):
    W = np.asarray(W, dtype=float)
    norms = np.linalg.norm(W, axis=0)
    alive = norms > 1e-6
    units = np.where(alive, W / np.where(alive, norms, 1.0), 0.0)
    interference = ((units.T @ W) ** 2).sum(axis=1)
    return np.where(alive, norms**2 / np.where(alive, interference, 1.0), 0.0)
