"""sparse_features accepts a sparsity outside [0, 1]."""


def sparse_features(rng, n, n_features, sparsity):
    values = rng.random((n, n_features))
    return values * (rng.random((n, n_features)) >= sparsity)
