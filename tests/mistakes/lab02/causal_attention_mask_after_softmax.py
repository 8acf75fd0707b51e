"""causal_attention zeroes the future after the softmax, so rows no longer sum to 1."""

import numpy as np


def causal_attention(q, k):
    scores = q @ k.T / np.sqrt(q.shape[-1])
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return np.tril(weights)
