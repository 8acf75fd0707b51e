"""greedy_decode returning its list of letters, not the word ''.join(letters)."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < max_len:
        row = int(np.argmax(W[row]))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return letters
