"""`mindlab`: the lab's command line, for students, instructors and self-learners.

The click commands only, one module per audience; they parse options, call the library
(which never imports click) and turn its errors into usage errors (exit 2):

- options.py  options shared by several commands, and which lab a file is
- tour.py     mindlab tour
- grading.py  mindlab check (--watch, --json), mindlab grade
- hint.py     mindlab hint FUNCTION
- explore.py  mindlab explore
- batch.py    mindlab grade-batch, mindlab merge-grades
- nbgrader.py mindlab nbgrader-gradebook (an nbgrader course graded in the sandbox)
- course.py   mindlab sync, mindlab release, mindlab gradescope
"""

from __future__ import annotations

import importlib.util

import click

from ..names import FULL_INSTALL, version_line

# What a command needs beyond the student handout (handout/release.py leaves these out):
# any one of the modules, or of the lab suites' kinds. Commands not named need nothing.
NEEDS_MODULES: dict[str, tuple[str, ...]] = {
    "grade-batch": ("mindlab_grader.batch",),
    "merge-grades": ("mindlab_grader.batch",),
    "nbgrader-gradebook": ("mindlab_grader.batch",),
    "sync": ("mindlab_grader.handout",),
    "release": ("mindlab_grader.handout",),
    "gradescope": ("mindlab_grader.handout",),
}
NEEDS_HIDDEN = ("grade",)  # needs some lab's hidden suite
NEEDS_REFERENCE = ("tour", "explore")  # show the reference answers: need some lab's


def _importable(name: str) -> bool:
    """True when module `name` can be imported here (its parents are imported to find it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a parent package is missing
        return False


def available(command: str) -> bool:
    """True when `command` can do its work in this install (every command can in the full
    install; a student handout lacks what grading, tours and course tools need)."""
    if command in NEEDS_HIDDEN:
        from ..labs import LABS

        return any(_importable(f"mindlab_grader.suites.{lab}.hidden") for lab in LABS)
    if command in NEEDS_REFERENCE:
        from ..labs import LABS

        return any(_importable(lab.reference) for lab in LABS.values())
    return any(map(_importable, NEEDS_MODULES.get(command, ("mindlab_grader",))))


def _names_missing_command(line: str) -> bool:
    """True for a help line that shows a command (`mindlab grade FILE ...`) this install
    cannot run."""
    words = line.split()
    if "mindlab" not in words or words.index("mindlab") + 1 >= len(words):
        return False
    return not available(words[words.index("mindlab") + 1])


class Main(click.Group):
    """The command group. A student handout (handout/release.py) leaves out the
    instructor commands' modules and the labs' reference answers: its --help lists only
    the commands that work there, and calling another says what it needs instead of a
    traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands --help shows: those that work in this install."""
        return [name for name in super().list_commands(ctx) if available(name)]

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's help, without the lines about commands this install lacks."""
        lines = (self.help or "").splitlines()
        kept = [line for line in lines if not _names_missing_command(line)]
        self.help, full = "\n".join(kept), self.help
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = full

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith(("mindlab_grader.", "mindlab_core.lab")):
                raise
            raise click.ClickException(
                f"`mindlab {ctx.invoked_subcommand}` needs {FULL_INSTALL}: this student "
                f"install does not include {exc.name}.") from None


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the version and which distribution is installed."""
    if value and not ctx.resilient_parsing:
        click.echo(version_line())
        ctx.exit()


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_version, help="Show the version and which install this is.")
def main() -> None:
    """mindlab: reverse-engineer a mind, one small model at a time.

    \b
    Students:      mindlab check         run the public checks on your file
                   mindlab tour          see the lab on the trained model
    Instructors:   mindlab grade FILE    grade one submission with the hidden checks
                   mindlab grade-batch DIR --out OUTDIR   grade a whole class
    """


from . import batch, course, explore, grading, hint, nbgrader, tour  # noqa: E402,F401  (each adds its commands)
