"""induction_score averages the whole stripe, first-half queries too (TransformerLens's way)."""

import numpy as np


def induction_score(patterns, half_len):
    patterns = np.asarray(patterns, dtype=float)
    if patterns.shape[-1] != 2 * half_len + 1:
        raise ValueError("T must be 2 * half_len + 1")
    stripe = np.diagonal(patterns, offset=1 - half_len, axis1=-2, axis2=-1)
    return stripe.mean(axis=-1)
