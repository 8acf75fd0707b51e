"""`mindlab sync`, `mindlab release`, `mindlab gradescope`: packaging a lab (handout/)."""

from __future__ import annotations

from pathlib import Path

import click

from . import main
from .options import LAB_OPTION, LIMIT_OPTIONS


@main.command()
@LAB_OPTION
@click.option("--check", is_flag=True,
              help="Write nothing; list stale files and exit 1 if there are any.")
def sync(lab: str, check: bool) -> None:
    """Regenerate a lab's exercises, solutions and notebooks from its master labs/LAB.py."""
    from mindlab_labs import lab_file

    from ..handout.generate import MasterError, stale_files
    from ..handout.generate import sync as write_stale

    try:
        paths = stale_files(lab) if check else write_stale(lab)
    except MasterError as problem:
        raise click.ClickException(f"{lab_file('masters', lab)}: {problem}") from None
    except ValueError as problem:  # an unknown lab
        raise click.BadParameter(str(problem), param_hint="'--lab'") from None
    for path in paths:
        click.echo(f"{'stale' if check else 'wrote'}  {_shown(path)}")
    if check and paths:
        click.echo(f"{len(paths)} file(s) out of date with the master: run `mindlab sync "
                   f"--lab {lab}`.", err=True)
        raise SystemExit(1)
    if not paths:
        click.echo(f"{lab}: every generated file matches {_shown(lab_file('masters', lab))}")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@main.command()
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Folder for the handout (new or empty).")
@LAB_OPTION
@click.option("--force", is_flag=True, help="Replace the handout already in --out.")
def release(out: Path, lab: str, force: bool) -> None:
    """Build the student handout: exercise notebook, public checks, data, `mindlab check`.

    No solutions, hidden checks or reference answers go in (audited after writing).
    """
    from ..handout.release import HANDOUT_PACKAGE, WHEELS, build

    try:
        written = build(out, lab, force)
    except ValueError as exc:  # ReleaseError, or an unknown lab
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    size = sum(p.stat().st_size for p in written)
    wheel = written[-1]
    click.echo(f"Wrote the {lab} handout to {out}/ ({len(written)} files, "
               f"{size / 1024:.0f} kB):")
    click.echo(f"  {lab}.ipynb, {lab}.py   the exercise notebook (give students the folder)")
    click.echo(f"  {WHEELS}/{wheel.name}")
    click.echo(f"      students install it ({wheel.stat().st_size / 1024:.0f} kB; README.md "
               f"says how, also in Colab): python -m pip install \"{WHEELS}/{wheel.name}"
               "[student]\"")
    click.echo(f"  {HANDOUT_PACKAGE}/        the wheel's source (kept for reading)")
    click.echo("  No solutions, hidden checks or reference answers are inside (audited).")
    raise SystemExit(0)


@main.command()
@LAB_OPTION
@click.option("--out", default="autograder.zip", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The zip to write.")
@click.option("--hidden-visibility", default="after_published", show_default=True,
              type=click.Choice(["after_published", "visible", "hidden", "after_due_date"]),
              help="When students see the graded checks and the score (public checks: always).")
@LIMIT_OPTIONS
def gradescope(lab: str, out: Path, hidden_visibility: str, call_timeout: float,
               load_timeout: float, memory_mb: int, budget: float | None = None) -> None:
    """Build Gradescope's autograder.zip (setup.sh, run_autograder, mindlab's grader).

    The limits are written into run_autograder: each submission is graded with them.
    """
    from ..handout.gradescope_zip import build_zip

    limits = {"call_timeout": call_timeout, "load_timeout": load_timeout,
              "memory_mb": memory_mb, "budget": budget}
    try:
        names = build_zip(out, lab, hidden_visibility, limits)
    except ValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    except OSError as exc:  # a parent that is a file, no permission, a full disk
        click.echo(f"Error: cannot write {out} ({exc.strerror or exc}): choose an --out path "
                   "in a folder you can write to, e.g. --out autograder.zip", err=True)
        raise SystemExit(2) from None
    click.echo(f"Wrote {out} ({len(names)} files, {out.stat().st_size / 1024:.0f} kB): "
               f"setup.sh, run_autograder and the grading side of mindlab for {lab}.")
    click.echo("Upload it as the assignment's autograder (Configure Autograder > Zip file); "
               f"hidden checks are shown {hidden_visibility.replace('_', ' ')}.")
