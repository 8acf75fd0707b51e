"""repeated_tokens checking half_len but not n_vocab: n_vocab = 1 fails inside numpy instead."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1:
        raise ValueError("need half_len >= 1")
    half = rng.integers(1, max(n_vocab, 2), size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)
