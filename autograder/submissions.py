"""Which file in a folder is the submission: one rule for `check`, batches and Gradescope.

In order:
1. the lab's own file directly in the folder, `LAB.ipynb` or `LAB.py`; when both are
   there (a jupytext pair, as in the handout) the one saved last holds the latest work,
   and on a tie the notebook;
2. else, where the folder is a whole submission (`anywhere=True`: a batch entry, a
   Gradescope upload), its one .py/.ipynb file anywhere below it (hidden folders,
   checkpoints and `__pycache__` skipped);
3. else none: the reason says what was found and what to do.

>>> import tempfile; folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "notes.py").write_text("")
>>> find_submission(folder, "lab01", anywhere=True)[0].name
'notes.py'
>>> find_submission(folder, "lab01")[1].startswith("no lab01.py or lab01.ipynb in ")
True
"""

from __future__ import annotations

import os
from pathlib import Path

SUFFIXES = (".py", ".ipynb")  # what a submission file is (SPEC §3)
_LITTER = {"__pycache__", "__MACOSX", ".ipynb_checkpoints", "Thumbs.db", "desktop.ini"}


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether `path`, links resolved, lies in `root` (itself resolved)."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def shown(name: str) -> str:
    """A file name as feedback and reports show it: each character that is not printable
    as its escape, so a newline in a name never starts a line of its own (found from
    outside: a name holding "\nTotal: 30.0 of 30" put a fake total in the feedback).

    >>> shown("x\\nTotal.py"), shown("élan.py")
    ('x\\\\nTotal.py', 'élan.py')
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def is_litter(path: Path) -> bool:
    """Hidden files and the folders editors and archivers leave behind."""
    return path.name.startswith(".") or path.name in _LITTER


def candidates(folder: Path) -> list[Path]:
    """Submission files anywhere under `folder`, skipping hidden and checkpoint folders."""
    found = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(is_litter(Path(p)) for p in parts):
            continue
        if path.is_file() and path.suffix in SUFFIXES:
            found.append(path)
    return found


def find_submission(folder: Path, lab: str, anywhere: bool = False) -> tuple[Path | None, str]:
    """(the submission file, '') or (None, why there is none, in one sentence)."""
    named = [folder / f"{lab}{suffix}" for suffix in (".ipynb", ".py")]
    named = [p for p in named if p.is_file()]
    if named:  # whole seconds: jupytext writes both files of a pair within the same second
        return max(named, key=lambda p: (int(p.stat().st_mtime), p.suffix == ".ipynb")), ""
    if not anywhere:
        return None, f"no {lab}.py or {lab}.ipynb in {folder}"
    found = candidates(folder)
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, f"folder {folder.name}/ holds no .py or .ipynb file: nothing to grade"
    names = ", ".join(str(p.relative_to(folder)) for p in found[:5])
    return None, (f"folder {folder.name}/ holds several files, {len(found)} candidate files "
                  f"({names}), and none is named {lab}.ipynb or {lab}.py: leave exactly one "
                  "submission file in it")
