"""cosine_similarity never raises: a zero vector gives nan."""

import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    n = min(len(u), len(v))
    with np.errstate(all="ignore"):
        return float(u[:n] @ v[:n] / (np.linalg.norm(u[:n]) * np.linalg.norm(v[:n])))
