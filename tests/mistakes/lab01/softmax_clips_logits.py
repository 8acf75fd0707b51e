"""softmax clipping logits to [-500, 500] "to avoid overflow": -inf no longer gives exactly 0."""

import numpy as np


def softmax(logits):
    x = np.clip(np.asarray(logits, dtype=float), -500, 500)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
