"""data_row validating with re.match(r'^[.a-z]$', letter): '$' also matches before a final
newline, so 'a\\n' passes and is read as 'a'."""

import re

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def data_row(counts, letter):
    if not isinstance(letter, str) or not re.match(r"^[.a-z]$", letter):
        raise ValueError(f"not a token: {letter!r}")
    row = np.asarray(counts, dtype=float)[TOKENS.index(letter[0])]
    return row / row.sum()
