"""softmax shifting a 1-D input in place (2-D rows are copied one by one): the caller's vector
changes."""

import numpy as np


def softmax(logits):
    if np.ndim(logits) == 2:
        return np.stack([softmax(np.array(row, dtype=float)) for row in logits])
    logits -= np.max(logits)
    e = np.exp(logits)
    return e / e.sum()
