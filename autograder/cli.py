"""`mindlab`: the lab's command line, for students, instructors and self-learners."""

from __future__ import annotations

import re
from pathlib import Path

import click

from .labs import LABS

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
    suites = Path(__file__).resolve().parent / "suites"
    installed = [lab_id for lab_id in LABS if (suites / lab_id / "public").is_dir()]
    return installed[0] if len(installed) == 1 else "lab01"


class Main(click.Group):
    """The command group; a student handout (autograder/release.py) leaves out the
    instructor commands' modules and the labs' reference answers, and calling a command
    that needs them says so instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith(("autograder.", "mindlab_core.lab")):
                raise
            raise click.ClickException(
                f"`mindlab {ctx.invoked_subcommand}` needs mindlab's full install (the "
                f"instructor's): this student install does not include {exc.name}.") from None


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
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
    from mindlab_core.tour import TourError, TourUnavailable, run_tour

    try:
        run_tour(lab=lab, letter=letter, out=out)
    except TourError as bad:
        raise click.BadParameter(str(bad), param_hint=f"'--{bad.option}'") from None
    except TourUnavailable as missing:
        raise click.ClickException(str(missing)) from None


def LIMIT_OPTIONS(command):  # noqa: N802 -- a decorator, named like the options above
    """--call-timeout, --load-timeout and --memory-mb: the limits each learner's worker gets."""
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
    "--isolation", type=click.Choice(["auto", "bwrap", "process"]), default="auto",
    show_default=True,
    help="How learner code is isolated: bwrap (Linux sandbox), process (limits only); "
         "auto = process for check, bwrap for grade when available.")


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@FILE_LAB_OPTION
@click.option("--verbose", "-v", is_flag=True, help="Add your own traceback to failed checks.")
@ISOLATION_OPTION
def check(file: Path | None, lab: str | None, verbose: bool, isolation: str) -> None:
    """Run the public checks on your FILE (default: LAB.py or LAB.ipynb here).

    Prints one line per check and a score per tool; exits 0 only when every check passes.
    """
    from autograder.sandbox import prestart

    lab = lab_of(file, lab)

    prestart(lab, isolation)  # the worker's start-up overlaps our own imports
    from autograder.runner import check_command

    raise SystemExit(check_command(file, lab, verbose, isolation))


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
          memory_mb: int) -> None:
    """Grade one submission FILE with the hidden checks.

    Exit status: 0 when a report was produced (whatever the score), 2 for a usage
    error, 1 only when the grader itself failed.
    """
    from autograder.runner import grade_command

    raise SystemExit(grade_command(file, lab_of(file, lab), as_json, gradescope, junit, verbose,
                                   isolation, call_timeout=call_timeout,
                                   load_timeout=load_timeout, memory_mb=memory_mb))


@main.command()
@LAB_OPTION
@click.option("--check", is_flag=True,
              help="Write nothing; list stale files and exit 1 if there are any.")
def sync(lab: str, check: bool) -> None:
    """Regenerate a lab's exercises, solutions and notebooks from its master labs/LAB.py."""
    from autograder.generate import run_sync

    run_sync(lab, check)


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
                memory_mb: int) -> None:
    """Grade every submission in FOLDER with the hidden checks; rerun to continue.

    Each entry of FOLDER (a file, or a folder holding one submission file) is one
    student; nbgrader's submitted/ folders and Gradescope exports are read too.
    """
    from autograder.batch import grade_batch_command

    raise SystemExit(grade_batch_command(folder, out, lab, jobs, layout, assignment, force,
                                         shard, isolation, call_timeout=call_timeout,
                                         load_timeout=load_timeout, memory_mb=memory_mb))


@main.command("merge-grades")
@click.argument("parts", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the joined gradebook and report.")
def merge_grades(parts: tuple[Path, ...], out: Path) -> None:
    """Join the --out folders of several grade-batch --shard runs into one gradebook."""
    from autograder.batch import merge_command

    raise SystemExit(merge_command(parts, out))


@main.command()
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Folder for the handout (new or empty).")
@LAB_OPTION
@click.option("--force", is_flag=True, help="Replace the handout already in --out.")
def release(out: Path, lab: str, force: bool) -> None:
    """Build the student handout: exercise notebook, public checks, data, `mindlab check`.

    No solutions, hidden checks or reference answers go in (audited after writing).
    """
    from autograder.release import release_command

    raise SystemExit(release_command(out, lab, force))


@main.command()
@LAB_OPTION
@click.option("--out", default="autograder.zip", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The zip to write.")
@click.option("--hidden-visibility", default="after_published", show_default=True,
              type=click.Choice(["after_published", "visible", "hidden", "after_due_date"]),
              help="When students see the graded checks and the score (public checks: always).")
def gradescope(lab: str, out: Path, hidden_visibility: str) -> None:
    """Build Gradescope's autograder.zip (setup.sh, run_autograder, mindlab's grader)."""
    from autograder.gradescope import gradescope_command

    raise SystemExit(gradescope_command(out, lab, hidden_visibility))


if __name__ == "__main__":
    main()
