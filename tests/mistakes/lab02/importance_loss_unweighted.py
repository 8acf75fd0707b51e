"""importance_loss ignores the importance weights."""

import numpy as np


def importance_loss(X, X_hat, importance):
    return float(((np.asarray(X) - np.asarray(X_hat)) ** 2).sum(axis=1).mean())
