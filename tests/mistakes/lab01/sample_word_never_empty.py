"""sample_word drawing the first letter again when '.' comes first ('a word is never empty'),
so a model that sometimes ends at once never writes ''."""

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
        token = int(rng.choice(27, p=p / p.sum()))
        if token == 0 and not letters and p[1:].sum() > 0:
            continue
        if token == 0:
            break
        letters.append(TOKENS[token])
        row = token
    return "".join(letters)
