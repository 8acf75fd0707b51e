"""ablate_head lets Python wrap head -1 around to the last head instead of raising."""

import numpy as np


def ablate_head(params, layer, head):
    ablated = dict(params)
    ablated["W_O"] = np.array(params["W_O"], dtype=float)
    ablated["W_O"][layer, head] = 0.0
    return ablated
