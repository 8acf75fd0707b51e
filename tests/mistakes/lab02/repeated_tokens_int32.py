"""repeated_tokens returns int32 tokens; the contract says int64 (found from outside:
the same mistake in make_contexts was caught, here it was not)."""

import numpy as np


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int32)
