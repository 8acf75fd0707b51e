"""sample_word ignoring max_len: only drawing '.' stops it (bounded at 1000 letters here
so the tests end; a real no-cap loop runs until the grader's time limit)."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < 1000:
        z = W[row] / temperature
        p = np.exp(z - z.max())
        p = p / p.sum()
        token = int(rng.choice(27, p=p))
        if token == 0:
            break
        letters.append(TOKENS[token])
        row = token
    return "".join(letters)
