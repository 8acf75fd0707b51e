"""rank_rules shifting W in place (-=) before softmax: the caller's W changes."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def rank_rules(W, top=None):
    W -= W.max(axis=1, keepdims=True)
    e = np.exp(W)
    probs = e / e.sum(axis=1, keepdims=True)
    rules = [(TOKENS[i], TOKENS[int(np.argmax(probs[i]))], float(probs[i].max()))
             for i in range(27)]
    rules.sort(key=lambda r: -r[2])
    return rules if top is None else rules[:top]
