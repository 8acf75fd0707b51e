"""ablate_column with ord(letter) - ord('a'): blocks the column before the letter's."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def ablate_column(W, letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    ablated = np.array(W, dtype=float)
    ablated[:, 0 if letter == "." else ord(letter) - ord("a")] = -np.inf
    return ablated
