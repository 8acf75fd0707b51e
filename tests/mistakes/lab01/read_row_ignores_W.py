"""read_row reading the notebook's trained model (model.W) instead of the W it is given."""

import numpy as np

from mindlab_core.bigram import trained_model

TOKENS = ".abcdefghijklmnopqrstuvwxyz"
model = trained_model()


def read_row(W, letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    z = np.asarray(model.W, dtype=float)[TOKENS.index(letter)]
    e = np.exp(z - z.max())
    return e / e.sum()
