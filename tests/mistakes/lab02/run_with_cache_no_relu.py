"""run_with_cache forgets the ReLU between W1 and W2."""

import numpy as np


def run_with_cache(params, contexts):
    E = params["E"]
    contexts = np.asarray(contexts)
    x = sum(E[p][contexts[:, p]] for p in range(E.shape[0]))
    streams = [x]
    for layer in range(params["W1"].shape[0]):
        hidden = x @ params["W1"][layer] + params["b1"][layer]
        x = x + hidden @ params["W2"][layer] + params["b2"][layer]
        streams.append(x)
    return streams
