"""toy_forward forgets the bias b."""

import numpy as np


def toy_forward(params, X):
    return np.maximum(0.0, np.asarray(X) @ params["W"].T @ params["W"])
