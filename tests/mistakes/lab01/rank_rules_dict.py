"""rank_rules returning the rulebook as a dict {after: (next, probability)}, not a list."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def rank_rules(W, top=None):
    z = np.asarray(W, dtype=float)
    P = np.exp(z - z.max(axis=1, keepdims=True))
    P = P / P.sum(axis=1, keepdims=True)
    rules = [(TOKENS[i], TOKENS[int(P[i].argmax())], float(P[i].max())) for i in range(27)]
    rules.sort(key=lambda r: -r[2])
    rules = rules if top is None else rules[:top]
    return {after: (nxt, p) for after, nxt, p in rules}
