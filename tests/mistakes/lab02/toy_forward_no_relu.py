"""toy_forward forgets the ReLU on the output."""

import numpy as np


def toy_forward(params, X):
    return np.asarray(X) @ params["W"].T @ params["W"] + params["b"]
