"""mindlab's names as pip knows them: the distributions that install it, and what a user types.

The name `mindlab` is taken on PyPI (an unrelated data-science toolbox), so the full
install is the distribution `mindlab-interp`; a release's student handout installs as
`mindlab-interp-handout` and Gradescope's grading side as `mindlab-interp-gradescope`
(handout/release.py writes their pyproject.toml). The command stays `mindlab`.

>>> distribution("handout")
'mindlab-interp-handout'
"""

from __future__ import annotations

from pathlib import Path

DISTRIBUTION = "mindlab-interp"  # the full install: pyproject.toml's [project] name
KINDS = ("handout", "gradescope")  # the cut-down installs a release writes
FULL_INSTALL = ("mindlab's full install (the distribution mindlab-interp: "
                "python -m pip install . in a checkout of the course's mindlab repository)")


def distribution(kind: str = "") -> str:
    """The distribution name of the full install (kind ''), or of a release's `kind`."""
    return f"{DISTRIBUTION}-{kind}" if kind else DISTRIBUTION


def installed() -> tuple[str, str] | None:
    """(distribution, version) of the mindlab running here: the one whose files hold this
    very code, else (an editable install lists none) the first installed, the full one
    first; None when none is (a checkout run without installing)."""
    from importlib import metadata

    here = Path(__file__).resolve()
    found = []
    for name in (DISTRIBUTION, *(distribution(kind) for kind in KINDS)):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found.append((name, dist.version))
        if any(str(f).replace("\\", "/") in ("mindlab_grader/names.py", "autograder/names.py")
               and Path(str(dist.locate_file(f))).resolve() == here for f in dist.files or []):
            return name, dist.version
    return found[0] if found else None


def version_line() -> str:
    """What `mindlab --version` prints: the command, its version and which install it is."""
    import mindlab_core

    found = installed()
    if found is None:
        return f"mindlab, version {mindlab_core.__version__} (not installed: run from source)"
    name, number = found
    return f"mindlab, version {number} ({name})"
