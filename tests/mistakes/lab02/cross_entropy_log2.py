"""cross_entropy measures in bits (log base 2) instead of nats."""

import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-log_probs[np.arange(len(targets)), targets].mean() / np.log(2))
