"""mean_difference_direction subtracts the sums of the rows, not their means."""

import numpy as np


def mean_difference_direction(X_a, X_b):
    diff = np.sum(X_a, axis=0) - np.sum(X_b, axis=0)
    return diff / np.linalg.norm(diff)
