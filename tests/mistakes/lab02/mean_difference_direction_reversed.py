"""mean_difference_direction points from class a to class b."""

import numpy as np


def mean_difference_direction(X_a, X_b):
    diff = np.mean(X_b, axis=0) - np.mean(X_a, axis=0)
    return diff / np.linalg.norm(diff)
