"""sparse_features drawing one on/off per row, shared by its features: not independent."""



def sparse_features(rng, n, n_features, sparsity):
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError("sparsity must be in [0, 1]")
    values = rng.random((n, n_features))
    on = rng.random((n, 1)) >= sparsity
    return values * on
