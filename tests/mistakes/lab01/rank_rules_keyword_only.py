"""rank_rules with a keyword-only top: rank_rules(W, 3) raises TypeError."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def rank_rules(W, *, top=None):
    z = np.asarray(W, dtype=float)
    P = np.exp(z - z.max(axis=1, keepdims=True))
    P = P / P.sum(axis=1, keepdims=True)
    rules = [(TOKENS[i], TOKENS[int(P[i].argmax())], float(P[i].max())) for i in range(27)]
    rules.sort(key=lambda r: -r[2])
    return rules if top is None else rules[:top]
