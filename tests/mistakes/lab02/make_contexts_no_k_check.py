"""make_contexts accepts k = 0 (empty contexts) instead of raising ValueError."""

import numpy as np


def make_contexts(words, k):
    X, Y = [], []
    for word in words:
        if any(ch not in ".abcdefghijklmnopqrstuvwxyz"[1:] for ch in word):
            raise ValueError(f"bad word {word!r}")
        ids = [0] * k + [".abcdefghijklmnopqrstuvwxyz".index(ch) for ch in word] + [0]
        for t in range(k, len(ids)):
            X.append(ids[t - k:t])
            Y.append(ids[t])
    return np.array(X, dtype=np.int64).reshape(len(X), k), np.array(Y, dtype=np.int64)
