"""data_row dividing the row by the total of all counts instead of its own sum."""

import numpy as np

from mindlab_core.tokens import index


def data_row(counts, letter):
    counts = np.asarray(counts, dtype=float)
    return counts[index(letter)] / counts.sum()
