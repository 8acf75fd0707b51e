"""greedy_decode that never takes '.' right after the first letter (no one-letter words)."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < max_len:
        if len(letters) == 1:
            row = 1 + int(np.argmax(W[row, 1:]))
        else:
            row = int(np.argmax(W[row]))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)
