"""cosine_similarity takes the absolute value: opposite vectors get +1."""

import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if u.shape != v.shape or not np.linalg.norm(u) or not np.linalg.norm(v):
        raise ValueError("bad vectors")
    return float(abs(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v)))
