"""greedy_decode letting the highest index win a tie."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < max_len:
        row = 26 - int(np.argmax(W[row][::-1]))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)
