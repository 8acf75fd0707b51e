"""sparse_features rejecting sparsity 0 and 1 (0 < sparsity < 1), though both are valid."""



def sparse_features(rng, n, n_features, sparsity):
    if not 0.0 < sparsity < 1.0:
        raise ValueError("sparsity must be in (0, 1)")
    values = rng.random((n, n_features))
    return values * (rng.random((n, n_features)) >= sparsity)
