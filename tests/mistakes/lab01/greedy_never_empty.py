"""greedy_decode choosing the first letter among a..z only ('a word has at least one letter'):
a model whose most likely first token is '.' gets a letter instead of ''."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < max_len:
        row = int(np.argmax(W[row][1:])) + 1 if not letters else int(np.argmax(W[row]))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)
