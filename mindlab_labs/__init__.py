"""Lab files shipped with mindlab: the masters (labs/), exercises/ and solutions/.

In a checkout (or an editable install) they are the repository's top-level folders;
a wheel carries them inside this package (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_FOLDERS = {"masters": "labs", "exercises": "exercises", "solutions": "solutions"}


def lab_dir(kind: str) -> Path:
    """The folder holding one kind of lab file: 'masters', 'exercises' or 'solutions'."""
    here = Path(__file__).resolve().parent
    if (here / kind).is_dir():  # installed from a wheel
        return here / kind
    return here.parent / _FOLDERS[kind]  # a checkout


def lab_file(kind: str, lab: str, suffix: str = ".py") -> Path:
    """lab_file("exercises", "lab01", ".ipynb") -> .../exercises/lab01.ipynb"""
    return lab_dir(kind) / f"{lab}{suffix}"
