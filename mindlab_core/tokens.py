"""The 27 tokens of the bigram world: `.` (the word boundary) and `a`..`z`.

>>> encode("ann")
[0, 1, 14, 14, 0]
>>> decode([1, 14, 14])
'ann'
"""

from __future__ import annotations

TOKENS = ".abcdefghijklmnopqrstuvwxyz"  # index 0 is `.`, the word boundary
BOUNDARY = 0
VOCAB = len(TOKENS)  # 27


def index(letter: object) -> int:
    """The index of one token: index(".") == 0, index("a") == 1, index("z") == 26.

    Anything that is not exactly one of the 27 tokens ("A", "ab", "", 3) raises
    ValueError, with a message that says what a token is.
    """
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(
            f"{letter!r} is not a token: use one of '.' and 'a'..'z' (a one-character str)"
        )
    return TOKENS.index(letter)


def encode(word: str) -> list[int]:
    """A word as token indices with `.` at both ends: "ab" -> [0, 1, 2, 0]."""
    return [BOUNDARY] + [index(ch) for ch in word] + [BOUNDARY]


def decode(ids: list[int]) -> str:
    """Token indices back to text, boundaries dropped: [0, 1, 2, 0] -> "ab"."""
    return "".join(TOKENS[i] for i in ids if i != BOUNDARY)
