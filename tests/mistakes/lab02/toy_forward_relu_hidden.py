"""toy_forward applies the ReLU to the hidden layer instead of the output."""

import numpy as np


def toy_forward(params, X):
    return np.maximum(0.0, np.asarray(X) @ params["W"].T) @ params["W"] + params["b"]
