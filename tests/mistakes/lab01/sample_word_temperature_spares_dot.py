"""sample_word dividing every logit by temperature but the '.' one (how often words end)."""

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
        z[0] = W[row, 0]
        p = np.exp(z - z.max())
        token = int(rng.choice(27, p=p / p.sum()))
        if token == 0:
            break
        letters.append(TOKENS[token])
        row = token
    return "".join(letters)
