"""`mindlab explore`: one self-contained HTML page per lab that does what the lab does.

    from mindlab_grader.explore import build_page
    html = build_page("lab01", Path("my_lab01.py"), letter="q")   # or file=None: the reference

Everything is computed here, in Python, ahead of time, and embedded in the page as JSON;
the page's small script only draws it. With a file, every number comes from the
learner's functions, each called through the grader's isolated worker (source.py), and
where one fails the page says so in that tool's section. No click here (cli/explore.py).
"""

from __future__ import annotations

from pathlib import Path

from mindlab_core.tokens import TOKENS

from ..labs import get_lab

__all__ = ["ExploreError", "build_data", "build_page"]


class ExploreError(ValueError):
    """A bad request (unknown lab, bad letter); the command line makes it a usage error."""


def build_data(lab: str, file: Path | None = None, letter: str | None = None) -> dict:
    """The JSON-ready data of `lab`'s page (the reference's, or `file`'s functions')."""
    try:
        get_lab(lab)
    except ValueError as bad:
        raise ExploreError(str(bad)) from None
    if lab == "lab01":
        from .lab01_build import build

        if letter is not None and letter not in TOKENS:
            raise ExploreError(f"--letter must be one of the 27 tokens '.' and a-z, "
                               f"got {letter!r}")
        return build(file, letter or "q")
    if lab == "lab02":
        from .lab02_build import build

        return build(file, letter)
    raise ExploreError(f"{lab} has no explore page yet (lab01 and lab02 have)")


def build_page(lab: str, file: Path | None = None, letter: str | None = None) -> str:
    """The whole HTML page of `lab` as a string."""
    data = build_data(lab, file, letter)
    if lab == "lab01":
        from .lab01_page import render
    else:
        from .lab02_page import render
    return render(data)
