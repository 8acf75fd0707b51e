"""greedy_decode stripping 'the . at both ends' with path[1:-1], though the loop never appends
the final '.': the last letter of every word is lost."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def greedy_decode(W, max_len=50):
    probs = np.exp(W - W.max(axis=1, keepdims=True))
    path = [0]
    while len(path) <= max_len:
        nxt = int(np.argmax(probs[path[-1]]))
        if nxt == 0:
            break
        path.append(nxt)
    return "".join(TOKENS[t] for t in path[1:-1])
