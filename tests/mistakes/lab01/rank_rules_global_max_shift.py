"""rank_rules shifts by the largest logit of the whole matrix, not each row's own: a row
1e4 below the top underflows to 0 / 0 = nan (found from outside)."""

import numpy as np

from mindlab_core.tokens import TOKENS


def rank_rules(W, top=None):
    E = np.exp(W - W.max())
    P = E / E.sum(axis=1, keepdims=True)
    rules = []
    for i in range(27):
        j = int(np.argmax(P[i]))
        rules.append((TOKENS[i], TOKENS[j], float(P[i, j])))
    rules.sort(key=lambda r: -r[2])
    return rules if top is None else rules[:top]
