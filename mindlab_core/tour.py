"""`mindlab tour`: the lab's story told on the trained model with the reference answers.

One short section per lab tool, in the order a learner meets them. Each lab registers
its own tour function:

    @tour("lab02")
    def tour_lab02(letter: str, out: Path | None) -> list[Path]: ...

`run_tour(lab, letter, out)` validates its inputs (a bad one raises TourError, which
the CLI reports as a usage error, exit status 2), runs the lab's tour, and lists the
pictures it wrote to `out`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from .tokens import index

TourFunction = Callable[[str, "Path | None"], list[Path]]
TOURS: dict[str, TourFunction] = {}



def tour(lab: str) -> Callable[[TourFunction], TourFunction]:
    """Register `fn(letter, out) -> written picture paths` as the tour of `lab`."""

    def register(fn: TourFunction) -> TourFunction:
        TOURS[lab] = fn
        return fn

    return register


def run_tour(lab: str = "lab01", letter: str = "q", out: Path | None = None) -> list[Path]:
    """Print the tour of `lab` for `letter`; write its pictures to `out` (if given)."""
    _discover(lab)
    if lab not in TOURS:
        for folder in Path(__file__).parent.glob("lab*/tour.py"):  # list every lab's tour
            _discover(folder.parent.name)
        known = ", ".join(sorted(TOURS))
        raise TourError("lab", f"there is no tour for {lab!r} yet: choose one of {known}.")
    try:
        index(letter)
    except ValueError:
        raise TourError("letter", f"{letter!r} is not a token: use '.' (the word boundary) or "
                        "one lower-case letter a-z, for example --letter q.") from None
    if out is not None and out.exists() and not out.is_dir():
        raise TourError("out", f"{out} exists and is not a folder: pass a folder for the "
                        "pictures, for example --out pictures/.")
    written = TOURS[lab](letter, out)
    if written:
        section("PICTURES", f"written to {out}/")
        for path in written:
            print(f"  {path}")
    return written


def _discover(lab: str) -> None:
    """Import mindlab_core.<lab>.tour when it exists: where a lab registers its tour."""
    if lab in TOURS or not lab.isidentifier():
        return
    try:
        importlib.import_module(f"{__package__}.{lab}.tour")
    except ModuleNotFoundError as missing:
        if missing.name not in (f"{__package__}.{lab}", f"{__package__}.{lab}.tour"):
            raise  # the lab's tour exists but needs something that is not installed


def section(title: str, subtitle: str = "") -> None:
    """A blank line, then a tour section's title line."""
    print()
    print(f"{title}: {subtitle}" if subtitle else title)


class TourError(ValueError):
    """A bad tour option: `option` names it (the CLI makes it a usage error, exit 2)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


class TourUnavailable(RuntimeError):
    """A tour that cannot run in this install (a student handout has no reference answers)."""


def needs_full_install() -> TourUnavailable:
    """The error a tour raises in a student handout, which ships without reference answers."""
    return TourUnavailable(
        "mindlab tour shows the reference answers, which this student install does not "
        "include: it needs mindlab's full install, e.g. your instructor's (the distribution "
        "mindlab-interp: python -m pip install . in a checkout of the course's repository).")
