"""greedy_decode taking a step before it tests the length: max_len=0 still writes a letter."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while True:
        row = int(np.argmax(W[row]))
        if row == 0:
            break
        letters.append(TOKENS[row])
        if len(letters) >= max_len:
            break
    return "".join(letters)
