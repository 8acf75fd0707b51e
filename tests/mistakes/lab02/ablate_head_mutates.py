"""ablate_head zeroes the head in the params it was given (no copy)."""


def ablate_head(params, layer, head):
    n_layers, n_heads = params["W_O"].shape[:2]
    if not (0 <= layer < n_layers and 0 <= head < n_heads):
        raise ValueError("no such head")
    params["W_O"][layer, head] = 0.0
    return params
