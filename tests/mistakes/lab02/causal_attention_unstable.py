"""causal_attention takes exp of the raw scores: overflow for large scores."""

import numpy as np


def causal_attention(q, k):
    scores = q @ k.T / np.sqrt(q.shape[-1])
    with np.errstate(all="ignore"):
        weights = np.exp(scores) * np.tril(np.ones(scores.shape))
        return weights / weights.sum(axis=-1, keepdims=True)
