"""sample_word drawing from copy.deepcopy(rng) 'to leave its input unchanged': every call
starts from the same state, so one generator writes the same word again and again."""

import copy

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    rng = copy.deepcopy(rng)
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < max_len:
        z = W[row] / temperature
        p = np.exp(z - z.max())
        token = int(rng.choice(27, p=p / p.sum()))
        if token == 0:
            break
        letters.append(TOKENS[token])
        row = token
    return "".join(letters)
