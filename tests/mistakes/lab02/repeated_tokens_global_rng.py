"""repeated_tokens draws with np.random instead of the rng it is given."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    half = np.random.randint(1, n_vocab, size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)
