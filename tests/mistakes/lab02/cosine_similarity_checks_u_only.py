"""cosine_similarity checking only u for zero: a zero v gives nan instead of ValueError."""

import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if u.shape != v.shape or not np.linalg.norm(u) > 0:
        raise ValueError("need two non-zero vectors of the same length")
    with np.errstate(all="ignore"):
        cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
    return min(1.0, max(-1.0, cos))
