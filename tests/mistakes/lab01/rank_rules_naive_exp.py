"""rank_rules computing exp(W) without subtracting each row's maximum: nan for 1e4."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def rank_rules(W, top=None):
    e = np.exp(np.asarray(W, dtype=float))
    probs = e / e.sum(axis=1, keepdims=True)
    rules = [(TOKENS[i], TOKENS[int(np.argmax(probs[i]))], float(probs[i].max()))
             for i in range(27)]
    rules.sort(key=lambda r: -r[2])
    return rules if top is None else rules[:top]
