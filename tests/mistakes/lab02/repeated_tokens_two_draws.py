"""repeated_tokens draws the second half afresh instead of repeating the first."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([[0], half, rng.integers(1, n_vocab, size=half_len)]).astype(np.int64)
