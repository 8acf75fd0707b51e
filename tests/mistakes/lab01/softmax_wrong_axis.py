"""softmax normalising along axis 0 (columns) instead of the last axis (rows)."""

import numpy as np


def softmax(logits):
    x = np.asarray(logits, dtype=float)
    e = np.exp(x - x.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
