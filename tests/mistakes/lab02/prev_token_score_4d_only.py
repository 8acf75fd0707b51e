"""prev_token_score written for (layers, heads, T, T) patterns only: it unpacks four axes,
so one head's (T, T) pattern or one layer's (H, T, T) stack raises (found from outside)."""

import numpy as np


def prev_token_score(patterns):
    patterns = np.asarray(patterns, dtype=float)
    n_layers, n_heads, T, _ = patterns.shape
    i = np.arange(1, T)
    return patterns[:, :, i, i - 1].mean(axis=-1)
