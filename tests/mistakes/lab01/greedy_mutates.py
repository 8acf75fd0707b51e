"""greedy_decode shifting W in place (-=) before taking argmaxes: the caller's W changes."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    W -= W.max(axis=1, keepdims=True)
    letters = []
    row = 0
    while len(letters) < max_len:
        row = int(np.argmax(W[row]))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)
