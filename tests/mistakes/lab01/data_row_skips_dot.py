"""data_row indexing counts with "abc...z".index(letter): no row for '.', others one off."""

import numpy as np


def data_row(counts, letter):
    if not isinstance(letter, str) or len(letter) != 1:
        raise ValueError(f"not a token: {letter!r}")
    row = np.asarray(counts, dtype=float)["abcdefghijklmnopqrstuvwxyz".index(letter)]
    return row / row.sum()
