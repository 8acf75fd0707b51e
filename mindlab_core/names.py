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


GRADING_EVERY = 20  # while grading, a notebook's load_names() gives every 20th name


def sample_of_names() -> list[str]:
    """Every GRADING_EVERY-th name, in order: what load_names() gives a notebook's demo
    cells while the grader runs them (labs.py, Lab.while_grading), so a demo over every
    name costs milliseconds; graded functions take their inputs from the checks.

    >>> sample_of_names()[:2], len(sample_of_names()) == -(-len(load_names()) // 20)
    (['aaron', 'adele'], True)
    """
    return list(_names()[::GRADING_EVERY])
