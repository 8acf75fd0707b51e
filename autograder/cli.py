"""`mindlab`: the lab's command line, for students, instructors and self-learners."""

from __future__ import annotations

from pathlib import Path

import click

LAB_OPTION = click.option("--lab", default="lab01", show_default=True,
                          help="Which lab: lab01 is 'Reverse-engineer a mind'.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mindlab")
def main() -> None:
    """mindlab: reverse-engineer a mind, one small model at a time.

    \b
    Students:      mindlab tour          see the lab on the trained model
                   mindlab check         run the public checks on your file
    Instructors:   mindlab grade FILE    grade one submission with the hidden checks
                   mindlab grade-batch DIR --out OUTDIR   grade a whole class
    """


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
    from mindlab_core.tour import run_tour

    run_tour(lab=lab, letter=letter, out=out)


if __name__ == "__main__":
    main()
