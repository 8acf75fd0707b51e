"""sample_word with the temperature capped at 2.5 at most (an outside helper's, 2026-12-02)."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    temperature = min(temperature, 2.5)
    while len(letters) < max_len:
        z = W[row] / temperature
        p = np.exp(z - z.max())
        token = int(rng.choice(27, p=p / p.sum()))
        if token == 0:
            break
        letters.append(TOKENS[token])
        row = token
    return "".join(letters)
