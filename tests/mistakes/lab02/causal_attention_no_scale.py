"""causal_attention forgets to divide the scores by sqrt(d_head)."""

import numpy as np


def causal_attention(q, k):
    q, k = np.asarray(q, dtype=float), np.asarray(k, dtype=float)
    scores = q @ k.T
    scores = np.where(np.triu(np.ones(scores.shape, dtype=bool), k=1), -np.inf, scores)
    with np.errstate(all="ignore"):
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return weights / weights.sum(axis=-1, keepdims=True)
