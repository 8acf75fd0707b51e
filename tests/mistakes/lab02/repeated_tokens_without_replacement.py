"""repeated_tokens drawing the half without replacement (rng.choice(..., replace=False)):
no token twice, so the draws are not independent."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    if half_len <= n_vocab - 1:
        half = rng.choice(np.arange(1, n_vocab), size=half_len, replace=False)
    else:
        half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)
