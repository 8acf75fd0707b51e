"""What gradescope_run does before any learner code runs, and checks after it ran.

Gradescope runs run_autograder as root, in an image where setup.sh pip-installed the
grading side of mindlab (hidden suite and reference included). Before grading:

- `lock_down` (as root, on an installed copy only, never a checkout): every file of the
  installed `autograder` and `mindlab_core` packages owned by root with no write bit for
  group or other; what learner code needs not read (all of `autograder` except its
  `__init__.py` and `worker/`, which is all a worker imports; every lab's reference
  module and its bytecode) unreadable to anyone but root; the unpacked zip
  (/autograder/source) closed to others; /autograder/results root's alone to write.
  The worker itself runs as an unprivileged user when the grader is root
  (worker/, isolation/), so learner code can neither read nor change these files.
- `Guard.before`: both suites (and the reference) imported into this process and
  hashed. Grading runs on what was imported; `Guard.changed` hashes the files again
  afterwards and names what differs on disk, for the report.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..isolation import GRADER_DIR, PACKAGE_ROOT
from ..isolation.launch import reference_file
from ..labs import Lab

SUITES = ("public", "hidden")
CHANGED = ("The grader's files changed while your code ran ({what}); the grade uses the "
           "checks as they were before your code ran.")


def _tree(top: Path) -> list[Path]:
    """`top` and everything under it, links not followed."""
    return [top, *top.rglob("*")] if top.exists() else []


def _chmod(path: Path, clear: int) -> None:
    """Clear the mode bits `clear` of `path` (not of a link's target)."""
    mode = path.lstat().st_mode
    if not stat.S_ISLNK(mode) and stat.S_IMODE(mode) & clear:
        os.chmod(path, stat.S_IMODE(mode) & ~clear)


def worker_needs(path: Path) -> bool:
    """True for the files of `autograder` a worker imports: its __init__ and worker/."""
    rel = path.relative_to(GRADER_DIR).parts
    if not rel or rel[0] in ("__init__.py", "worker"):
        return True
    return rel[0] == "__pycache__" and (len(rel) == 1 or rel[1].startswith("__init__."))


def private_files(lab: Lab) -> list[Path]:
    """What learner code needs not read: all of `autograder` but what a worker imports,
    every lab's reference module and its bytecode (under mindlab_core)."""
    found = [p for p in _tree(GRADER_DIR) if not worker_needs(p)]
    core = PACKAGE_ROOT / "mindlab_core"
    found += [p for p in core.glob("*/reference.py")]
    found += [p for p in core.glob("*/__pycache__/reference.*.pyc")]
    ref = reference_file(lab)
    return found + ([Path(ref)] if ref and Path(ref) not in found else [])


def installed_copy() -> bool:
    """True when mindlab runs from an installed copy (site-packages), not a checkout."""
    return not (PACKAGE_ROOT / "pyproject.toml").exists() and not (PACKAGE_ROOT / ".git").exists()


def lock_down(root: Path, lab: Lab) -> list[Path]:
    """As root, on an installed copy: make the grader's files read-only to everyone and the
    private ones unreadable to all but root (see the module docstring); the private paths,
    or [] when nothing was done (not root, or a checkout)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not installed_copy():
        return []
    for top in (GRADER_DIR, PACKAGE_ROOT / "mindlab_core"):
        for path in _tree(top):
            os.chown(path, 0, 0, follow_symlinks=False)
            _chmod(path, stat.S_IWGRP | stat.S_IWOTH)
    private = private_files(lab)
    for path in private:
        _chmod(path, stat.S_IRWXG | stat.S_IRWXO)
    for folder in (root / "source",):  # the unpacked zip: the suites' and reference's source
        if folder.is_dir():
            os.chown(folder, 0, 0, follow_symlinks=False)
            _chmod(folder, stat.S_IRWXG | stat.S_IRWXO)
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    os.chown(results, 0, 0, follow_symlinks=False)
    _chmod(results, stat.S_IWGRP | stat.S_IWOTH)
    return private


def fingerprint(lab: Lab) -> dict[str, str]:
    """{what: sha256} of the public suite, the hidden suite and the reference as on disk."""
    from ..grader import suites_hash

    found = {f"the {suite} suite": suites_hash(lab.id, suite) for suite in SUITES}
    ref = reference_file(lab)
    if ref:
        found["the reference"] = hashlib.sha256(Path(ref).read_bytes()).hexdigest()
    return found


@dataclass
class Guard:
    """Both suites imported, and the grader's files hashed, before any learner code ran."""

    lab: Lab
    hashes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def before(cls, lab: Lab) -> Guard:
        """Import both suites, the reference and the report writer; hash the files."""
        from ..judge import suite_modules

        importlib.import_module("mindlab_grader.report.gradescope_json")
        if reference_file(lab):
            importlib.import_module(lab.reference)
        for suite in SUITES:
            suite_modules(lab, suite)
        return cls(lab, fingerprint(lab))

    def suite_hash(self, suite: str) -> str:
        """The sha256 of `suite` ('public' or 'hidden') as it was imported."""
        return self.hashes[f"the {suite} suite"]

    def changed(self) -> list[str]:
        """What differs on disk from what was imported (['the hidden suite', ...])."""
        try:
            now = fingerprint(self.lab)
        except OSError:  # a file removed, or made unreadable
            return list(self.hashes)
        return [what for what, sha in self.hashes.items() if now.get(what) != sha]
