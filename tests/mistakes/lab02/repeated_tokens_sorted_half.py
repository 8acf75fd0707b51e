"""repeated_tokens sorting its random half: every token is from 1..n_vocab-1 and each count
over whole sequences is right, but the first position is the smallest (found from outside)."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    half = np.sort(rng.integers(1, n_vocab, size=half_len))
    return np.concatenate([[0], half, half]).astype(np.int64)
