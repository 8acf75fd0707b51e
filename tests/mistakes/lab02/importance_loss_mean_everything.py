"""importance_loss averages over features as well as rows."""

import numpy as np


def importance_loss(X, X_hat, importance):
    return float((((np.asarray(X) - np.asarray(X_hat)) ** 2) * importance).mean())
