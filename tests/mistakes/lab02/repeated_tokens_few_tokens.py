"""repeated_tokens draws only from the first few tokens (1..3), not from all of
1..n_vocab-1: every property but uniformity holds (found from outside: 40/40)."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    half = 1 + rng.integers(min(3, n_vocab - 1), size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)
