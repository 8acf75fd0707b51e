"""greedy_decode ignoring max_len: a cycling walk never stops (bounded at 10,000 letters here
so the tests end; a real no-cap loop runs until the grader's time limit)."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=float)
    letters = []
    row = 0
    while len(letters) < 10_000:
        row = int(np.argmax(W[row]))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)
