"""find_heads returns numpy integers instead of plain ints."""

import numpy as np


def find_heads(scores, threshold):
    scores = np.asarray(scores)
    return [(layer, head) for layer, head in zip(*np.nonzero(scores > threshold))]
