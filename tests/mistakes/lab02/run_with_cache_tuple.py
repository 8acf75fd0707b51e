"""run_with_cache returning its streams as a tuple, not the list the contract names: right
arrays, wrong type (found from outside)."""

import numpy as np


def run_with_cache(params, contexts):
    E = params["E"]
    contexts = np.asarray(contexts)
    x = sum(E[p][contexts[:, p]] for p in range(E.shape[0]))
    streams = [x]
    for layer in range(params["W1"].shape[0]):
        hidden = np.maximum(0.0, x @ params["W1"][layer] + params["b1"][layer])
        x = x + hidden @ params["W2"][layer] + params["b2"][layer]
        streams.append(x)
    return tuple(streams)
