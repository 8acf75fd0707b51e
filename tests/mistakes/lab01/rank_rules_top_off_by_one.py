"""rank_rules returning top + 1 rules."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def rank_rules(W, top=None):
    W = np.asarray(W, dtype=float)
    e = np.exp(W - W.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    rules = []
    for i in range(27):
        j = int(np.argmax(probs[i]))
        rules.append((TOKENS[i], TOKENS[j], float(probs[i, j])))
    rules.sort(key=lambda r: -r[2])
    return rules if top is None else rules[:top + 1]
