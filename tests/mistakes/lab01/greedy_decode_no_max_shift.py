"""greedy_decode takes the argmax of exp(row) / sum(exp(row)) with no max-shift: with two
logits of 1e4 in a row both overflow to inf, every probability is nan, and np.argmax of
nans is the first one: the walk follows the wrong letter (found from outside)."""

import numpy as np

from mindlab_core.tokens import TOKENS


def greedy_decode(W, max_len=50):
    out, ix = "", 0
    for _ in range(max_len):
        p = np.exp(W[ix]) / np.exp(W[ix]).sum()
        ix = int(np.argmax(p))
        if ix == 0:
            break
        out += TOKENS[ix]
    return out
