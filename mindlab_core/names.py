"""The training words: 5,163 real first names, shipped with the package (see data/NOTE.md)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

NAMES_FILE = Path(__file__).with_name("data") / "names.txt"


@lru_cache(maxsize=1)
def _names() -> tuple[str, ...]:
    return tuple(NAMES_FILE.read_text(encoding="ascii").split())


def load_names() -> list[str]:
    """All training names, lower-case a-z, sorted: load_names()[:2] == ['aaron', 'abbey']."""
    return list(_names())
