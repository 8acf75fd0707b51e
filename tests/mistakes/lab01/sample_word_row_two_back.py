"""sample_word that draws from the row of the letter before last once the word has two letters."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=float)
    tokens = []
    while len(tokens) < max_len:
        row = tokens[-2] if len(tokens) >= 2 else (tokens[-1] if tokens else 0)
        z = W[row] / temperature
        p = np.exp(z - z.max())
        token = int(rng.choice(27, p=p / p.sum()))
        if token == 0:
            break
        tokens.append(token)
    return "".join(TOKENS[t] for t in tokens)
