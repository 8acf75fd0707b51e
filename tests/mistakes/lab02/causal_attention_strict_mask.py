"""causal_attention also masks the diagonal, so a query cannot see itself (row 0 is nan)."""

import numpy as np


def causal_attention(q, k):
    q, k = np.asarray(q, dtype=float), np.asarray(k, dtype=float)
    scores = q @ k.T / np.sqrt(q.shape[-1])
    scores = np.where(np.triu(np.ones(scores.shape, dtype=bool), k=0), -np.inf, scores)
    with np.errstate(all="ignore"):
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return weights / weights.sum(axis=-1, keepdims=True)
