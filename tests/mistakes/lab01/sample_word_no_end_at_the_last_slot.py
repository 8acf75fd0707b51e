"""sample_word that never draws '.' at the last step max_len allows (no words of max_len - 1)."""

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
        if len(letters) == max_len - 1 and p[1:].sum() > 0:
            p[0] = 0.0
        token = int(rng.choice(27, p=p / p.sum()))
        if token == 0:
            break
        letters.append(TOKENS[token])
        row = token
    return "".join(letters)
