"""find_heads returns (head, layer) pairs."""

import numpy as np


def find_heads(scores, threshold):
    scores = np.asarray(scores)
    return [(int(head), int(layer)) for layer, head in zip(*np.nonzero(scores > threshold))]
