"""greedy_decode appending the final '.' to the word."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < max_len:
        row = int(np.argmax(W[row]))
        letters.append(TOKENS[row])
        if row == 0:
            break
    return "".join(letters)
