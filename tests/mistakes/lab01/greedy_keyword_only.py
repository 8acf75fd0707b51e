"""greedy_decode with a keyword-only max_len: greedy_decode(W, 5) raises TypeError."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, *, max_len=50):
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < max_len:
        row = int(np.argmax(W[row]))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)
