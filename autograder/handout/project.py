"""The texts a release writes: a cut-down pyproject.toml (the handout's, Gradescope's) and
the handout's README.md, with the wheel's file name it tells students to install."""

from __future__ import annotations

import json
import re

import mindlab_core

from ..isolation import PACKAGE_ROOT
from ..labs import Lab
from ..names import DISTRIBUTION, distribution

WHEELS = "dist"  # the handout's folder holding its wheel
# what pyproject.toml says, for a Python that can read neither it nor installed metadata
FALLBACK_REQUIREMENTS = ["numpy>=1.23", "click>=8.1,<9", "jupytext>=1.15", "matplotlib>=3.7"]
FALLBACK_STUDENT = ["jupyterlab>=4", "ipywidgets>=8"]


def requirements() -> tuple[list[str], list[str]]:
    """(run-time requirements, the `student` extra's) of mindlab: from the checkout's
    pyproject.toml when there is one (always current), else the installed metadata."""
    project = _checkout_project()
    if project is not None:
        extras = project.get("optional-dependencies", {})
        return list(project.get("dependencies", [])), list(extras.get("student", []))
    from importlib.metadata import PackageNotFoundError, requires

    try:
        listed = requires(DISTRIBUTION) or []
    except PackageNotFoundError:
        return list(FALLBACK_REQUIREMENTS), list(FALLBACK_STUDENT)
    plain = [r for r in listed if "extra ==" not in r]
    student = [r.split(";")[0].strip() for r in listed
               if re.search(r"""extra\s*==\s*["']student["']""", r)]
    return plain, student


def _checkout_project() -> dict | None:
    """The [project] table of the checkout's pyproject.toml, if this is mindlab's checkout
    and this Python reads TOML (3.11+, or tomli)."""
    path = PACKAGE_ROOT / "pyproject.toml"
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:
        try:
            import tomli as tomllib  # type: ignore[import-not-found,no-redef]
        except ImportError:
            return None
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return None
    return project if project.get("name") == DISTRIBUTION else None


def pyproject(lab: Lab, packages: list[str], kind: str = "handout",
              summary: str = "public checks") -> str:
    """The pyproject.toml of mindlab cut down to `packages`: the distribution
    mindlab-interp-KIND, version 0.1.0+lab01.KIND, with the `student` extra."""
    q = json.dumps  # a JSON string is a valid TOML basic string for this text
    plain, student = requirements()
    deps = "".join(f"    {q(r)},\n" for r in plain)
    pkgs = "".join(f"    {q(p)},\n" for p in packages)
    version = f"{mindlab_core.__version__}+{lab.id}.{kind}"
    return (
        '[build-system]\nrequires = ["setuptools>=61"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{distribution(kind)}"\nversion = "{version}"\n'
        f"description = {q(f'mindlab {kind} for {lab.id} ({lab.title}): {summary}')}\n"
        f'requires-python = ">=3.10"\ndependencies = [\n{deps}]\n\n'
        f"[project.optional-dependencies]\nstudent = {q(student)}\n\n"
        '[project.scripts]\nmindlab = "mindlab_grader.console:main"\n\n'
        f"[tool.setuptools]\ninclude-package-data = false\npackages = [\n{pkgs}]\n\n"
        '[tool.setuptools.package-data]\nmindlab_core = ["data/*"]\n'
        '"mindlab_labs.exercises" = ["*.py", "*.ipynb"]\n')


def wheel_name(lab: Lab, kind: str = "handout") -> str:
    """The file name pip gives the wheel of a `kind` release of `lab`."""
    version = f"{mindlab_core.__version__}+{lab.id}.{kind}"
    return f"{distribution(kind).replace('-', '_')}-{version}-py3-none-any.whl"


def readme(lab: Lab) -> str:
    """The handout's README.md: the commands a student types, in a terminal or in Colab."""
    wheel, first = wheel_name(lab), lab.tools[0].functions[0]
    return f"""# {lab.id}: {lab.title}

Your files: `{lab.id}.ipynb` (the notebook) and `{lab.id}.py` (the same, as a Python file).
Work in either one; hand in the one you worked in.

## On your computer (Python 3.10 or newer)

Install the checker once, with JupyterLab and the notebook's widgets (from this folder):

    python -m pip install "{WHEELS}/{wheel}[student]"

Open the notebook, and check your work at any time (from this folder):

    jupyter lab {lab.id}.ipynb
    mindlab check {lab.id}.ipynb        # or: mindlab check {lab.id}.py

## In Colab or JupyterHub

Open `{lab.id}.ipynb` there (Colab: File > Upload notebook), upload `{WHEELS}/{wheel}`
to the session's files, and run once, in a cell:

    !pip install {wheel}

(Colab already has Jupyter and ipywidgets.) The check cell at the end of each tool checks
what your kernel has defined now: run it after the cells that define your functions.
From any cell, `from mindlab_grader.notebook import check` then `check("{first}")` checks one
function. `!mindlab check FILE` checks a saved file, not the kernel: in Colab your
notebook is kept in Drive, so name a copy you saved in the session's files
(`!mindlab check /content/{lab.id}.ipynb`).

The public checks say what to fix; your grade comes from other, hidden checks of the
same functions, so passing these is a good sign, not a promise.
"""
