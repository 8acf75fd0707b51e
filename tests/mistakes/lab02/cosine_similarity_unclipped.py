"""cosine_similarity not clipping: rounding gives 1.0000000000000002 for parallel vectors."""

import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if u.shape != v.shape or not np.linalg.norm(u) > 0 or not np.linalg.norm(v) > 0:
        raise ValueError("need two non-zero vectors of the same length")
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
