"""`mindlab tour`: the lab's story on the trained model (mindlab_core/tour.py)."""

from __future__ import annotations

from pathlib import Path

import click

from . import main
from .options import LAB_OPTION


@main.command()
@LAB_OPTION
@click.option("--letter", default="q", show_default=True,
              help="Which letter's belief to read (one of . and a-z).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the lab's pictures to (PNG).")
def tour(lab: str, letter: str, out: Path | None) -> None:
    """Walk through the lab on the trained model, using the reference answers.

    Reads the model's mind for one letter, ablates the end-of-word column and
    samples words before and after, prints the rulebook and the greedy word.
    """
    from mindlab_core.tour import TourError, TourUnavailable, run_tour

    try:
        run_tour(lab=lab, letter=letter, out=out)
    except TourError as bad:
        raise click.BadParameter(str(bad), param_hint=f"'--{bad.option}'") from None
    except TourUnavailable as missing:
        raise click.ClickException(str(missing)) from None
