"""find_heads keeps scores equal to the threshold (>= instead of >)."""

import numpy as np


def find_heads(scores, threshold):
    scores = np.asarray(scores)
    return [(int(layer), int(head)) for layer, head in zip(*np.nonzero(scores >= threshold))]
