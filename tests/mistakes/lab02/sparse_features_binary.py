"""sparse_features turns features on at 1.0 instead of a uniform value."""

import numpy as np


def sparse_features(rng, n, n_features, sparsity):
    if not 0 <= sparsity <= 1:
        raise ValueError("sparsity is a probability")
    values = np.full((n, n_features), 0.999)
    return values * (rng.random((n, n_features)) >= sparsity)
