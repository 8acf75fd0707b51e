"""sparse_features draws with np.random instead of the rng it is given."""

import numpy as np


def sparse_features(rng, n, n_features, sparsity):
    if not 0 <= sparsity <= 1:
        raise ValueError("sparsity is a probability")
    values = np.random.random((n, n_features))
    return values * (np.random.random((n, n_features)) >= sparsity)
