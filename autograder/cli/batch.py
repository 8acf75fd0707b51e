"""`mindlab grade-batch` and `mindlab merge-grades`: a class at once (autograder/batch/)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..labs import get_lab
from . import main
from .options import ISOLATION_OPTION, LAB_OPTION, LIMIT_OPTIONS

OUT_LOCKED = 3  # exit status: another grade-batch or merge-grades is writing to --out


@main.command("grade-batch")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for grades.csv, grades.json, feedback/, report.html.")
@LAB_OPTION
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Submissions graded at once  [default: number of cores]")
@click.option("--layout", type=click.Choice(["auto", "flat", "nbgrader", "gradescope"]),
              default="auto", show_default=True, help="How FOLDER is organised.")
@click.option("--assignment", default=None,
              help="nbgrader layout: which assignment folder  [default: the lab's id]")
@click.option("--force", is_flag=True, help="Regrade every submission, even unchanged ones.")
@click.option("--shard", default=None, metavar="I/N",
              help="Grade only part I of N (a Slurm array task); join with merge-grades.")
@ISOLATION_OPTION
@LIMIT_OPTIONS
def grade_batch(folder: Path, out: Path, lab: str, jobs: int | None, layout: str,
                assignment: str | None, force: bool, shard: str | None,
                isolation: str, call_timeout: float, load_timeout: float,
                memory_mb: int, budget: float | None = None) -> None:
    """Grade every submission in FOLDER with the hidden checks; rerun to continue.

    Each entry of FOLDER (a file, or a folder holding one submission file) is one
    student; nbgrader's submitted/ folders and Gradescope exports are read too.
    """
    limits: dict[str, Any] = {"call_timeout": call_timeout, "load_timeout": load_timeout,
                              "memory_mb": memory_mb}
    if budget is not None:  # --budget (LIMIT_OPTIONS): seconds for one whole submission
        limits["budget"] = budget
    raise SystemExit(grade_batch_command(folder, out, lab, jobs, layout, assignment, force,
                                         shard, isolation, **limits))


@main.command("merge-grades")
@click.argument("parts", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the joined gradebook and report.")
def merge_grades(parts: tuple[Path, ...], out: Path) -> None:
    """Join the --out folders of several grade-batch --shard runs into one gradebook."""
    raise SystemExit(merge_command(parts, out))


def progress_printer(stream: Any = None) -> tuple[Callable[[dict, int, int], None],
                                                  Callable[[], None]]:
    """(progress callback, finish): a click bar with ETA on a terminal, plain lines otherwise."""
    from ..batch.bounds import printable

    stream = stream or sys.stderr
    if not stream.isatty():
        def line(record: dict, done: int, total: int) -> None:
            report = record.get("report") or {}
            what = (f"{report.get('score', 0):g}/{report.get('max_score', 0):g}"
                    if record["status"] == "graded" else f"error: {record.get('reason', '')}")
            click.echo(printable(f"[{done}/{total}] {record['student']}: {what} "
                                 f"({record.get('seconds', 0):.2f} s)").replace("\n", " "),
                       file=stream)
        return line, lambda: None

    state: dict[str, Any] = {}

    def bar(record: dict, done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label="grading", show_eta=True,
                                             show_pos=True, file=stream,
                                             item_show_func=lambda s: s)
            state["bar"].__enter__()
        state["bar"].update(1, printable(record["student"]).replace("\n", " "))

    def finish() -> None:  # idempotent: called on every way out
        bar = state.pop("bar", None)
        if bar is not None:
            bar.__exit__(None, None, None)

    return bar, finish


def grade_batch_command(folder: Path, out: Path, lab: str, jobs: int | None, layout: str,
                        assignment: str | None, force: bool, shard: str | None,
                        isolation: str, **limits: Any) -> int:
    """`mindlab grade-batch`: grade, print a summary, return the exit status.

    0 when every row was produced (stray files and learners' faults included), 1 when
    the grader itself failed on some submission, 3 when another run is writing to OUT
    (nothing done), 130 when interrupted (rerun to go on).
    """
    from ..batch import grade_batch, parse_shard, results_dir
    from ..batch.layouts import LayoutError
    from ..batch.lock import OutLocked
    from ..isolation import fallback_note, resolve_isolation

    try:
        part = parse_shard(shard) if shard else None
        get_lab(lab)
        note = fallback_note(isolation, resolve_isolation(isolation, "hidden"), "hidden")
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if note:
        click.echo(note, err=True)
    show, finish = progress_printer()
    try:
        summary = grade_batch(folder, out, lab=lab, jobs=jobs, layout=layout,
                              assignment=assignment, force=force, shard=part,
                              isolation=isolation, progress=show,
                              command=" ".join(["mindlab", *sys.argv[1:]]), **limits)
    except OutLocked as exc:
        finish()
        click.echo(f"error: {exc}", err=True)
        return OUT_LOCKED
    except (LayoutError, ValueError) as exc:  # bad folder, layout or isolation
        raise click.UsageError(str(exc)) from None
    except KeyboardInterrupt:  # a second Ctrl-C while the gradebook was being written
        finish()
        click.echo(f"\ninterrupted: every result so far is saved in {results_dir(out)}; run "
                   "the same command again to continue", err=True)
        return 130
    finally:
        finish()
    click.echo(summary.line())
    click.echo(f"gradebook: {Path(out) / 'grades.csv'}   report: {Path(out) / 'report.html'}")
    if summary.interrupted:
        click.echo("interrupted: run the same command again to grade the rest", err=True)
        return 130
    if summary.faults:
        click.echo(f"the grader failed on {summary.faults} submission(s): see the reason "
                   "column; rerun to retry them", err=True)
        return 1
    return 0


def merge_command(parts: tuple[Path, ...], out: Path) -> int:
    """`mindlab merge-grades`: join shard outputs, print warnings, return the exit status."""
    from ..batch import merge
    from ..batch.bounds import printable
    from ..batch.lock import OutLocked

    try:
        rows, warnings = merge(parts, out, command=" ".join(["mindlab", *sys.argv[1:]]))
    except OutLocked as exc:
        click.echo(f"error: {exc}", err=True)
        return OUT_LOCKED
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    for w in warnings:
        click.echo(f"warning: {printable(w)}", err=True)
    graded = sum(r["status"] == "graded" for r in rows)
    click.echo(f"merged {len(parts)} parts: {len(rows)} students, {graded} graded, "
               f"{len(rows) - graded} errors")
    click.echo(f"gradebook: {Path(out) / 'grades.csv'}   report: {Path(out) / 'report.html'}")
    return 0
