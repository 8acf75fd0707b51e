"""make_contexts returns Python lists instead of numpy arrays."""


def make_contexts(words, k):
    if k < 1:
        raise ValueError("k >= 1")
    X, Y = [], []
    for word in words:
        if any(ch not in ".abcdefghijklmnopqrstuvwxyz"[1:] for ch in word):
            raise ValueError(f"bad word {word!r}")
        ids = [0] * k + [".abcdefghijklmnopqrstuvwxyz".index(ch) for ch in word] + [0]
        for t in range(k, len(ids)):
            X.append(ids[t - k:t])
            Y.append(ids[t])
    return X, Y
