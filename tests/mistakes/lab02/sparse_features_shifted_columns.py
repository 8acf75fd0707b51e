"""sparse_features drawing one uniform value per row and shifting it for each column,
(u + i / f) % 1: each column is uniform, but the values of a row depend on each other."""

import numpy as np


def sparse_features(rng, n, n_features, sparsity):
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError("sparsity must be in [0, 1]")
    u = rng.random((n, 1))
    values = (u + np.arange(n_features) / n_features) % 1.0
    on = rng.random((n, n_features)) >= sparsity
    return values * on
