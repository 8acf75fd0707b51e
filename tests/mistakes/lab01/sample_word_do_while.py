"""sample_word drawing before it tests the length (draw, append, then check): max_len=0 still
writes a letter."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while True:
        z = W[row] / temperature
        p = np.exp(z - z.max())
        token = int(rng.choice(27, p=p / p.sum()))
        if token == 0:
            break
        letters.append(TOKENS[token])
        row = token
        if len(letters) >= max_len:
            break
    return "".join(letters)
