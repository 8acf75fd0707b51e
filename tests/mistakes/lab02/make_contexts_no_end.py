"""make_contexts forgets the final `.`: the end of a word is never a target."""

import numpy as np


def make_contexts(words, k):
    if k < 1:
        raise ValueError("k >= 1")
    X, Y = [], []
    for word in words:
        if any(ch not in ".abcdefghijklmnopqrstuvwxyz"[1:] for ch in word):
            raise ValueError(f"bad word {word!r}")
        ids = [0] * k + [".abcdefghijklmnopqrstuvwxyz".index(ch) for ch in word]
        for t in range(k, len(ids)):
            X.append(ids[t - k:t])
            Y.append(ids[t])
    return np.array(X, dtype=np.int64).reshape(-1, k), np.array(Y, dtype=np.int64)
