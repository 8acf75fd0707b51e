"""sample_word dividing W by the temperature in place (/=): the caller's W changes."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W /= temperature
    letters = []
    row = 0
    while len(letters) < max_len:
        p = np.exp(W[row] - W[row].max())
        p = p / p.sum()
        row = int(rng.choice(27, p=p))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)
