"""sparse_features keeps a feature on with probability sparsity (it should be off)."""


def sparse_features(rng, n, n_features, sparsity):
    if not 0 <= sparsity <= 1:
        raise ValueError("sparsity is a probability")
    values = rng.random((n, n_features))
    return values * (rng.random((n, n_features)) < sparsity)
