"""`mindlab nbgrader-gradebook`: an nbgrader course graded in the sandbox, into its gradebook.

    cd course && mindlab nbgrader-gradebook . --assignment lab01

grades submitted/<student>/<assignment>/ with grade-batch (isolated, resumable), then
writes the scores and feedback into nbgrader's gradebook (batch/nbgrader_gradebook.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..labs import get_lab
from . import main
from .batch import progress_printer
from .options import ISOLATION_OPTION, LAB_OPTION, LIMIT_OPTIONS


@main.command("nbgrader-gradebook")
@click.argument("course", type=click.Path(exists=True, file_okay=False, path_type=Path))
@LAB_OPTION
@click.option("--assignment", default=None,
              help="The nbgrader assignment  [default: the lab's id]")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for mindlab's own gradebook and results  "
                   "[default: COURSE/mindlab-grades]")
@click.option("--db", default=None,
              help="nbgrader's gradebook: a file or a database URL  "
                   "[default: COURSE/gradebook.db]")
@click.option("--create", is_flag=True,
              help="Add students the gradebook does not know (as nbgrader autograde --create).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Submissions graded at once  [default: number of cores]")
@click.option("--force", is_flag=True, help="Regrade every submission, even unchanged ones.")
@ISOLATION_OPTION
@LIMIT_OPTIONS
def nbgrader_gradebook(course: Path, lab: str, assignment: str | None, out: Path | None,
                       db: str | None, create: bool, jobs: int | None, force: bool,
                       isolation: str, **limits: Any) -> None:
    """Grade an nbgrader COURSE's submitted/ in mindlab's sandbox and write the scores and
    feedback into nbgrader's gradebook (formgrader, generate_feedback and export read
    them): no grade cell runs in a student's kernel."""
    from ..batch import grade_batch
    from ..batch.layouts import LayoutError
    from ..batch.nbgrader_gradebook import GradebookError, open_gradebook, write_gradebook

    try:
        get_lab(lab)
        open_gradebook(db or course / "gradebook.db").close()  # a missing one: say so first
    except (ValueError, GradebookError) as exc:
        raise click.UsageError(str(exc)) from None
    out = out or course / "mindlab-grades"
    show, finish = progress_printer()
    try:
        summary = grade_batch(course, out, lab=lab, jobs=jobs, layout="nbgrader",
                              assignment=assignment, force=force, isolation=isolation,
                              progress=show, command=" ".join(["mindlab", *sys.argv[1:]]),
                              **limits)  # LIMIT_OPTIONS: the Grader's limits
    except (LayoutError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        finish()
    click.echo(summary.line())
    try:
        written = write_gradebook(course, summary.records, lab=lab,
                                  assignment=assignment or lab, db=db, create=create)
    except GradebookError as exc:
        raise click.UsageError(str(exc)) from None
    for message in written.messages:
        click.echo(f"warning: {message}", err=True)
    click.echo(f"nbgrader's gradebook: {len(written.students)} students written; "
               f"mindlab's: {out / 'grades.csv'}")
    raise SystemExit(1 if summary.faults or summary.interrupted else 0)
