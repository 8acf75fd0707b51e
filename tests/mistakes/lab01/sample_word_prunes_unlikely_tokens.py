"""sample_word that never draws a token of probability below 0.01 (renormalising the rest)."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < max_len:
        z = W[row] / temperature
        p = np.exp(z - z.max())
        p = p / p.sum()
        p = np.where(p < 0.01, 0.0, p)
        token = int(rng.choice(27, p=p / p.sum()))
        if token == 0:
            break
        letters.append(TOKENS[token])
        row = token
    return "".join(letters)
