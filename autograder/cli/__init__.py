"""`mindlab`: the lab's command line, for students, instructors and self-learners.

The click commands only, one module per audience; they parse options, call the library
(which never imports click) and turn its errors into usage errors (exit 2):

- options.py  options shared by several commands, and which lab a file is
- tour.py     mindlab tour
- grading.py  mindlab check (--watch), mindlab grade
- hint.py     mindlab hint FUNCTION
- batch.py    mindlab grade-batch, mindlab merge-grades
- course.py   mindlab sync, mindlab release, mindlab gradescope
"""

from __future__ import annotations

import click


class Main(click.Group):
    """The command group; a student handout (handout/release.py) leaves out the
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


from . import batch, course, explore, grading, hint, tour  # noqa: E402,F401  (each adds its commands)
