"""repeated_tokens accepts half_len = 0 instead of raising ValueError."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)
