"""repeated_tokens draws from 0..n_vocab-1, so BOS can appear inside the sequence."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    half = rng.integers(0, n_vocab, size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)
