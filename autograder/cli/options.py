"""Options shared by several commands, and which lab a file is."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..isolation import ISOLATIONS
from ..labs import LABS

LAB_HELP = "Which lab: " + "; ".join(f"{lab.id} is '{lab.title}'" for lab in LABS.values())


LAB_OPTION = click.option("--lab", default="lab01", show_default=True, help=LAB_HELP + ".")


# check and grade: a file named after a lab (lab02.ipynb, my_lab02.py) is that lab's
FILE_LAB_OPTION = click.option(
    "--lab", default=None,
    help=LAB_HELP + ".  [default: the lab FILE is named after, e.g. my_lab02.ipynb -> "
                    "lab02; else lab01, or the handout's own lab]")


LAB_IN_NAME = re.compile(r"(?<![a-z0-9])(lab\d+)(?!\d)")


def lab_of(file: Path | None, lab: str | None) -> str:
    """The lab to check `file` against: --lab if given, else the one lab its name names,
    else (no FILE) the one lab whose LAB.py / LAB.ipynb is here, else the default lab.

    >>> lab_of(Path("alice_lab02.ipynb"), None), lab_of(Path("alice.py"), None)
    ('lab02', 'lab01')
    """
    if lab is not None:
        return lab
    if file is not None:
        named = {m for m in LAB_IN_NAME.findall(file.name.lower()) if m in LABS}
        return named.pop() if len(named) == 1 else default_lab()
    here = [lab_id for lab_id in LABS
            if any(Path(f"{lab_id}{suffix}").is_file() for suffix in (".py", ".ipynb"))]
    return here[0] if len(here) == 1 else default_lab()


def default_lab() -> str:
    """lab01; in a student handout, the one lab whose public checks it holds."""
    suites = Path(__file__).resolve().parents[1] / "suites"
    installed = [lab_id for lab_id in LABS if (suites / lab_id / "public").is_dir()]
    return installed[0] if len(installed) == 1 else "lab01"


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
