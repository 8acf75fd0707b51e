"""make_contexts pads with k - 1 dots, so the contexts are shifted by one."""

import numpy as np


def make_contexts(words, k):
    if k < 1:
        raise ValueError("k >= 1")
    X, Y = [], []
    for word in words:
        if any(ch not in ".abcdefghijklmnopqrstuvwxyz"[1:] for ch in word):
            raise ValueError(f"bad word {word!r}")
        ids = [0] * (k - 1) + [".abcdefghijklmnopqrstuvwxyz".index(ch) for ch in word] + [0]
        for t in range(k, len(ids)):
            X.append(ids[t - k:t])
            Y.append(ids[t])
    return np.array(X, dtype=np.int64).reshape(-1, k), np.array(Y, dtype=np.int64)
