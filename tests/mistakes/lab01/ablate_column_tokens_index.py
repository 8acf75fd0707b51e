"""ablate_column looking the letter up with TOKENS.index: '' blocks column 0, no ValueError."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def ablate_column(W, letter):
    ablated = np.array(W, dtype=float)
    ablated[:, TOKENS.index(letter)] = -np.inf
    return ablated
