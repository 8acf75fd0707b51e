"""softmax shifting the logits in place (-=): right answer, but the caller's array changes."""

import numpy as np


def softmax(logits):
    logits -= logits.max(axis=-1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=-1, keepdims=True)
