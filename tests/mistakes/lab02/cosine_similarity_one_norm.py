"""cosine_similarity divides by the length of u only."""

import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if u.shape != v.shape or not np.linalg.norm(u) or not np.linalg.norm(v):
        raise ValueError("bad vectors")
    return float(u @ v / np.linalg.norm(u))
