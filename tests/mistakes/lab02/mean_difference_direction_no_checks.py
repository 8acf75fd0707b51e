"""mean_difference_direction never raises: equal means give nan, other widths crash."""

import numpy as np


def mean_difference_direction(X_a, X_b):
    diff = np.mean(X_a, axis=0) - np.mean(X_b, axis=0)
    with np.errstate(all="ignore"):
        return diff / np.linalg.norm(diff)
