"""feature_dimensionality divides by zero for a dropped feature (nan, not 0)."""

import numpy as np


def feature_dimensionality(W):
    W = np.asarray(W, dtype=float)
    norms = np.linalg.norm(W, axis=0)
    with np.errstate(all="ignore"):
        units = W / norms
        return norms**2 / ((units.T @ W) ** 2).sum(axis=1)
