"""mean_difference_direction returns the raw difference of the means, not a unit vector."""

import numpy as np


def mean_difference_direction(X_a, X_b):
    return np.mean(X_a, axis=0) - np.mean(X_b, axis=0)
