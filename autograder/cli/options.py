"""Options shared by several commands, and which lab a file is."""

from __future__ import annotations

import click

from ..isolation import ISOLATIONS
from ..labs import LABS, lab_of  # noqa: F401  (the commands import lab_of from here)

LAB_HELP = "Which lab: " + "; ".join(f"{lab.id} is '{lab.title}'" for lab in LABS.values())


LAB_OPTION = click.option("--lab", default="lab01", show_default=True, help=LAB_HELP + ".")


# check and grade: a file named after a lab (lab02.ipynb, my_lab02.py) is that lab's
FILE_LAB_OPTION = click.option(
    "--lab", default=None,
    help=LAB_HELP + ".  [default: the lab FILE is named after, e.g. my_lab02.ipynb -> "
                    "lab02; else lab01, or the handout's own lab]")


def LIMIT_OPTIONS(command):  # noqa: N802 -- a decorator, named like the options above
    """--call-timeout, --load-timeout, --memory-mb and --budget: the limits each learner's
    worker gets."""
    command = click.option("--budget", type=click.FloatRange(min=0.1), default=60.0,
                           show_default=True,
                           help="Seconds for one whole submission; the checks after that "
                                "point are failed, and the report is still written.")(command)
    command = click.option("--memory-mb", type=click.IntRange(min=64), default=2048,
                           show_default=True,
                           help="Address-space limit of each learner's process.")(command)
    command = click.option("--load-timeout", type=click.FloatRange(min=0.01), default=10.0,
                           show_default=True,
                           help="Seconds a file's top-level code may take.")(command)
    return click.option("--call-timeout", type=click.FloatRange(min=0.01), default=2.0,
                        show_default=True,
                        help="Seconds one call of a learner's function may take.")(command)


ISOLATION_OPTION = click.option(
    "--isolation", type=click.Choice(ISOLATIONS), default="auto",
    show_default=True,
    help="How learner code is isolated: bwrap (Linux sandbox), process (limits only); "
         "auto = process for check, bwrap for grade when available.")
