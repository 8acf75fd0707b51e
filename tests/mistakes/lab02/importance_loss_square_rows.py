"""importance_loss lining importance up with whichever axis of X has its length, checking
the rows first: for a square X (n == f) it weights rows instead of features."""

import numpy as np


def importance_loss(X, X_hat, importance):
    err = (np.asarray(X, dtype=float) - np.asarray(X_hat, dtype=float)) ** 2
    importance = np.asarray(importance, dtype=float)
    if importance.shape[0] == err.shape[0]:  # one weight per row of err
        importance = importance[:, None]
    return float((err * importance).sum(axis=1).mean())
