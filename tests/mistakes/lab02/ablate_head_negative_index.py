"""ablate_head checking only the upper bounds: layer -1 and head -1 ablate the last ones."""

import numpy as np


def ablate_head(params, layer, head):
    n_layers, n_heads = params["W_O"].shape[:2]
    if layer >= n_layers or head >= n_heads:
        raise ValueError(f"there is no head ({layer}, {head})")
    ablated = dict(params)
    ablated["W_O"] = np.array(params["W_O"], dtype=float)
    ablated["W_O"][layer, head] = 0.0
    return ablated
