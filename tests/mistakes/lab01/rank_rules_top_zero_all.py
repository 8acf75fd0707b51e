"""rank_rules testing `if top:` for the cut: top=0 is falsy and gives all 27 rules."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def rank_rules(W, top=None):
    z = np.asarray(W, dtype=float)
    P = np.exp(z - z.max(axis=1, keepdims=True))
    P = P / P.sum(axis=1, keepdims=True)
    rules = [(TOKENS[i], TOKENS[int(P[i].argmax())], float(P[i].max())) for i in range(27)]
    rules.sort(key=lambda r: -r[2])
    return rules[:top] if top else rules
