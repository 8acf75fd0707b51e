"""`mindlab check` (public checks, for learners) and `mindlab grade` (hidden checks)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..isolation import GRADER_DIR, fallback_note
from ..labs import get_lab
from ..report import Report
from ..report.text import render_report
from ..submissions import find_submission
from . import main
from .options import FILE_LAB_OPTION, ISOLATION_OPTION, LIMIT_OPTIONS, lab_of


@main.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@FILE_LAB_OPTION
@click.option("--verbose", "-v", is_flag=True, help="Add your own traceback to failed checks.")
@click.option("--watch", is_flag=True,
              help="Check again each time FILE is saved (Ctrl-C to stop).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the report as JSON (as grade --json, with \"suite\": \"public\").")
@ISOLATION_OPTION
def check(file: Path | None, lab: str | None, verbose: bool, watch: bool, as_json: bool,
          isolation: str) -> None:
    """Run the public checks on your FILE (default: LAB.py or LAB.ipynb here; a folder:
    the lab file in it).

    Prints one line per check and a score per tool; exits 0 only when every check passes.
    With --watch, runs them again whenever FILE is saved. In a notebook, its check cells
    check what the kernel has defined; this checks the saved FILE.
    """
    from ..isolation import prestart

    given, lab = lab, lab_of(file, lab)
    if file is not None and file.is_dir():
        found, why = find_submission(file, lab, anywhere=True)
        if found is None:
            raise SystemExit(_usage_error(_no_file(why, lab)))
        file, lab = found, lab_of(found, given)
    if given is None and file is not None and file.is_file():
        _refuse_other_lab(file, lab)
    prestart(lab, isolation)  # the worker's start-up overlaps our own imports
    if watch:
        raise SystemExit(watch_command(file, lab, verbose, isolation, as_json=as_json))
    raise SystemExit(check_command(file, lab, verbose, isolation, as_json=as_json))


def _refuse_other_lab(file: Path, lab: str) -> None:
    """Exit 2 when `file` defines none of `lab`'s graded functions but most of another
    lab's (its top-level defs read with ast; nothing runs)."""
    from ..lab_guess import wrong_lab

    message = wrong_lab(file, lab)
    if message:
        raise SystemExit(_usage_error(message))


def _no_file(why: str, lab: str) -> str:
    """What to do when no lab file is found; in a notebook (Colab, Jupyter), how to check
    the kernel's state instead of a saved file."""
    advice = f"{why}: pass your file, e.g. mindlab check path/to/my_{lab}.ipynb"
    if not any(name in os.environ for name in NOTEBOOK_VARIABLES):
        return advice
    return (f"{advice}. In a notebook, `!mindlab check` checks a saved file, not your "
            "kernel; to check what the kernel has defined, run the notebook's check cells "
            f"(check_tool(\"{lab}\", ...)), or in any cell: from mindlab_grader.notebook import "
            "check; check(\"FUNCTION\"). Colab keeps your notebook in Drive: save a copy in "
            f"the session's files to check it here (!mindlab check /content/{lab}.ipynb).")


# set in a Colab runtime, a JupyterHub server, or a Jupyter kernel's `!` commands
NOTEBOOK_VARIABLES = ("COLAB_RELEASE_TAG", "JUPYTERHUB_USER", "JPY_PARENT_PID",
                      "JPY_SESSION_NAME")


def watch_command(file: Path | None, lab: str, verbose: bool, isolation: str,
                  interval: float = 0.5, max_runs: int | None = None,
                  as_json: bool = False) -> int:
    """`mindlab check --watch`: check, then again each time the file's mtime changes.

    Polls every `interval` seconds; the screen is cleared between runs only on a
    terminal. Ctrl-C (or `max_runs` runs) stops it, returning the last run's status.
    """
    import time

    path = file
    if path is None:
        path, why = find_submission(Path.cwd(), lab)
        if path is None:
            return _usage_error(_no_file(why, lab).replace("check ", "check --watch ", 1))
    status, runs, seen = 2, 0, None
    try:
        while max_runs is None or runs < max_runs:
            stamp = _mtime(path)
            if stamp != seen:
                seen = stamp
                if runs and sys.stdout.isatty():
                    click.clear()
                status = check_command(path, lab, verbose, isolation, as_json=as_json)
                runs += 1
                click.echo(f"watching {path}: save it to check again (Ctrl-C to stop)")
                continue
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped watching")
    return status


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


@main.command()
@click.argument("file", type=click.Path(exists=True, path_type=Path))  # a folder: see grade
@FILE_LAB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (SPEC §4).")
@click.option("--gradescope", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write Gradescope's results.json to this path.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write JUnit XML to this path.")
@click.option("--verbose", "-v", is_flag=True, help="Add the learner's traceback to failures.")
@ISOLATION_OPTION
@LIMIT_OPTIONS
def grade(file: Path, lab: str | None, as_json: bool, gradescope: Path | None, junit: Path | None,
          verbose: bool, isolation: str, call_timeout: float, load_timeout: float,
          memory_mb: int, budget: float) -> None:
    """Grade one submission FILE with the hidden checks.

    Exit status: 0 when a report was produced (whatever the score), 2 for a usage
    error, 1 only when the grader itself failed.
    """
    if lab is None and file.is_file():
        _refuse_other_lab(file, lab_of(file, lab))
    raise SystemExit(grade_command(file, lab_of(file, lab), as_json, gradescope, junit, verbose,
                                   isolation, call_timeout=call_timeout,
                                   load_timeout=load_timeout, memory_mb=memory_mb,
                                         budget=budget))


def _usage_error(message: str) -> int:
    click.echo(f"Error: {message}", err=True)
    return 2


def check_command(file: Path | None, lab: str, verbose: bool, isolation: str,
                  as_json: bool = False) -> int:
    """`mindlab check`: 0 when every public check passes, 1 otherwise, 2 for usage errors.
    `as_json` prints the report as JSON (SPEC §4, "suite": "public") instead of text."""
    from ..grader import Grader

    try:
        get_lab(lab)
        path = file
        if path is None:
            path, why = find_submission(Path.cwd(), lab)
            if path is None:
                raise ValueError(_no_file(why, lab))
        if file is None and path.with_suffix({".py": ".ipynb", ".ipynb": ".py"}[path.suffix]
                                             ).is_file():
            click.echo(f"({path.name} is the more recently saved of {lab}.py and "
                       f"{lab}.ipynb; name a file to check the other)", err=True)
        if not path.is_file():
            raise ValueError(f"{path} does not exist")
        if path.suffix not in (".py", ".ipynb"):
            raise ValueError(f"{path.name}: mindlab checks a .py file or a .ipynb notebook")
        grader = Grader(lab=lab, suite="public", isolation=isolation, verbose=verbose)
    except ValueError as exc:
        return _usage_error(str(exc))
    with grader:
        report = grader.grade(path)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print_report(f"mindlab check · {lab} · public checks on {path}", report)
    tests = [t for tool in report.tools for t in tool.tests]
    return 0 if report.status == "graded" and all(t.passed for t in tests) else 1


def grade_command(file: Path, lab: str, as_json: bool, gradescope: Path | None,
                  junit: Path | None, verbose: bool, isolation: str, **options: Any) -> int:
    """`mindlab grade`: 0 when a report was produced, 1 for a grader fault, 2 for usage."""
    from ..grader import Grader
    from ..report.gradescope_json import gradescope_results
    from ..report.junit import junit_xml

    try:
        get_lab(lab)
        if file.is_dir():
            raise ValueError(f"{file} is a folder: to grade every submission in it, use "
                             f"mindlab grade-batch {file} --out grades")
        if file.suffix not in (".py", ".ipynb"):
            raise ValueError(f"{file}: mindlab grades a .py file or a .ipynb notebook")
        if not (GRADER_DIR / "suites" / lab / "hidden").is_dir():
            raise ValueError("the hidden checks are not part of the student handout: use "
                             f"mindlab check {file} (the public checks) instead.")
        grader = Grader(lab=lab, suite="hidden", isolation=isolation, verbose=verbose,
                        **options)
    except ValueError as exc:
        return _usage_error(str(exc))
    note = fallback_note(isolation, grader.isolation, "hidden")
    if note:
        click.echo(note, err=True)
    with grader:
        report = grader.grade(file)
    if gradescope is not None:
        gradescope.write_text(json.dumps(gradescope_results(report), indent=1), encoding="utf-8")
    if junit is not None:
        junit.write_text(junit_xml(report), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print_report(f"mindlab grade · {lab} · hidden checks on {file}", report)
    return 0 if report.status == "graded" else 1


def _print_report(title: str, report: Report) -> None:
    """The title line and the report, as `check` and `grade` print them (plain ASCII on a
    terminal that cannot show ✓ ✗ ·; colour only on a terminal)."""
    out = sys.stdout
    ascii_only = not _can_encode(out, "✓✗·")
    click.echo(title.replace("·", "-" if ascii_only else "·"))
    click.echo(render_report(report, color=out.isatty(), ascii_only=ascii_only), nl=False)


def _can_encode(stream: Any, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
        return True
    except (UnicodeEncodeError, LookupError):
        return False
