"""`mindlab explore`: a self-contained page that does what the lab does (autograder/explore/)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from . import main
from .options import LAB_OPTION


@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False,
                                                        path_type=Path))
@LAB_OPTION
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The page to write.  [default: explore-LAB.html]")
@click.option("--letter", default=None,
              help="The letter selected when the page opens (lab01: one of . and a-z; "
                   "lab02: a name for the logit lens).")
def explore(file: Path | None, lab: str, out: Path | None, letter: str | None) -> None:
    """Write one HTML page that opens offline and does what the lab does.

    Without FILE it shows the reference answers; with FILE, what your own functions
    produce (run in the grader's isolated worker), and where one of them fails.
    """
    from mindlab_grader.explore import ExploreError, build_page

    start = time.monotonic()
    try:
        text = build_page(lab, file, letter)
    except ExploreError as bad:
        raise click.UsageError(str(bad)) from None
    out = out or Path(f"explore-{lab}.html")
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out} ({len(text.encode()) / 1024:.0f} kB in "
               f"{time.monotonic() - start:.1f} s): open it in any browser, offline")
