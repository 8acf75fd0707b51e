"""ablate_head zeroes every head of the layer."""

import numpy as np


def ablate_head(params, layer, head):
    n_layers, n_heads = params["W_O"].shape[:2]
    if not (0 <= layer < n_layers and 0 <= head < n_heads):
        raise ValueError("no such head")
    ablated = dict(params)
    ablated["W_O"] = np.array(params["W_O"], dtype=float)
    ablated["W_O"][layer] = 0.0
    return ablated
