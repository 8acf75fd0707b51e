"""softmax subtracting the largest logit of the whole array, not each row's: rows far
below it underflow to 0/0 = nan."""

import numpy as np


def softmax(logits):
    x = np.asarray(logits, dtype=float)
    e = np.exp(x - x.max())
    return e / e.sum(axis=-1, keepdims=True)
