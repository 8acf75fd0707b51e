"""sparse_features zeroing exactly round(sparsity * n * f) entries, picked by a permutation,
instead of each entry independently: every big batch looks right, a small one does not."""



def sparse_features(rng, n, n_features, sparsity):
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError("sparsity must be in [0, 1]")
    values = rng.random((n, n_features))
    off = rng.permutation(n * n_features)[:round(sparsity * n * n_features)]
    values.flat[off] = 0.0
    return values
