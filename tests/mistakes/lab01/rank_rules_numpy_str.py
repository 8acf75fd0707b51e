"""rank_rules taking its letters from np.array(list(TOKENS)): they are numpy.str_, not str."""

import numpy as np

LETTERS = np.array(list(".abcdefghijklmnopqrstuvwxyz"))


def rank_rules(W, top=None):
    z = np.asarray(W, dtype=float)
    P = np.exp(z - z.max(axis=1, keepdims=True))
    P = P / P.sum(axis=1, keepdims=True)
    rules = [(LETTERS[i], LETTERS[int(P[i].argmax())], float(P[i].max())) for i in range(27)]
    rules.sort(key=lambda r: -r[2])
    return rules if top is None else rules[:top]
