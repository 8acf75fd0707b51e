"""ablate_head zeroes W_V instead of W_O."""

import numpy as np


def ablate_head(params, layer, head):
    n_layers, n_heads = params["W_O"].shape[:2]
    if not (0 <= layer < n_layers and 0 <= head < n_heads):
        raise ValueError("no such head")
    ablated = dict(params)
    ablated["W_V"] = np.array(params["W_V"], dtype=float)
    ablated["W_V"][layer, head] = 0.0
    return ablated
