"""ablate_column blocking the column of a copy but never returning it (None)."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def ablate_column(W, letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    ablated = np.array(W, dtype=float)
    ablated[:, TOKENS.index(letter)] = -np.inf
