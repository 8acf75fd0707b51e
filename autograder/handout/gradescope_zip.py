"""`mindlab gradescope`: an autograder.zip for Gradescope (what runs inside it: gradescope_run.py).

    mindlab gradescope --lab lab01 --out autograder.zip --hidden-visibility after_published

The zip follows Gradescope's autograder specification: `setup.sh` and `run_autograder`
at its root. Gradescope unpacks it to /autograder/source, runs setup.sh once when it
builds the image (it pip-installs the `mindlab/` source folder shipped in the zip: the
grading side of mindlab for this lab, hidden suite and reference included, no solutions),
then runs run_autograder for each submission, which calls

    python3 -m mindlab_grader.handout.gradescope_run --lab lab01 \\
      --hidden-visibility after_published --call-timeout 2 --load-timeout 10 --memory-mb 2048

(the limits `mindlab gradescope` was given: --call-timeout, --load-timeout, --memory-mb,
--budget). Base image: Ubuntu 22.04 or newer (mindlab needs Python >= 3.10).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..labs import get_lab
from .release import handout_files, packages_of, pyproject

ROOT_ENV = "MINDLAB_AUTOGRADER_ROOT"
PYTHON_ENV = "MINDLAB_PYTHON"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
LAB_NAME = re.compile(r"lab\d+")  # a lab's own file or folder: lab01, lab02_page.py
SOURCE = "mindlab"  # the folder inside the zip that setup.sh pip-installs

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs the grading side of mindlab shipped beside it (./mindlab).
set -euo pipefail
cd "$(dirname "$0")"
if ! python3 -m pip --version >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "mindlab needs Python 3.10 or newer: choose the Ubuntu 22.04 (or newer) base image" >&2
  exit 1
fi
# newer Ubuntu images mark the system Python as externally managed; this image is ours
export PIP_BREAK_SYSTEM_PACKAGES=1
python3 -m pip install --no-cache-dir ./{source}
"""


RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission into
# /autograder/results/results.json ({root} and {python} override the root and python3).
# From this folder: `python -m` puts the folder it starts in first on the import path, so
# a numpy.py in the submission folder ran as root in the judge (found from outside).
if [ -n "${{{root}:-}}" ]; then export {root}="$(cd "${{{root}}}" && pwd)"; fi
cd "$(dirname "$0")"
exec "${{{python}:-python3}}" -m mindlab_grader.handout.gradescope_run --lab {lab} \\
  --hidden-visibility {vis}{limits}
"""
LIMITS = {"call_timeout": 2.0, "load_timeout": 10.0, "memory_mb": 2048}  # the Grader's defaults


def limit_args(limits: dict[str, float | int | None] | None = None) -> str:
    """run_autograder's limit options, e.g. ' --call-timeout 2 --load-timeout 10 ...'.

    >>> limit_args({"call_timeout": 1.5, "budget": None})
    ' --call-timeout 1.5 --load-timeout 10 --memory-mb 2048'
    """
    chosen = {**LIMITS, **{k: v for k, v in (limits or {}).items() if v is not None}}
    unknown = set(chosen) - {*LIMITS, "budget"}
    if unknown:
        raise ValueError(f"unknown limit {sorted(unknown)[0]!r}")
    return "".join(f" --{name.replace('_', '-')} {value:g}" for name, value in chosen.items())


def other_lab(rel: Path, lab_id: str) -> bool:
    """True for a file of another lab (e.g. autograder/explore/lab02_page.py in lab01's zip).

    >>> other_lab(Path("autograder/explore/lab02_page.py"), "lab01")
    True
    """
    return any(LAB_NAME.match(part) and not part.startswith(lab_id) for part in rel.parts)


def build_zip(out: Path, lab_id: str = "lab01", hidden_visibility: str = "after_published",
              limits: dict[str, float | int | None] | None = None) -> list[str]:
    """Write Gradescope's autograder.zip for `lab_id` to `out`; return its member names.

    `limits` (call_timeout, load_timeout, memory_mb, budget; None or missing: the
    Grader's default) go into run_autograder's command line."""
    lab = get_lab(lab_id)
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {hidden_visibility!r}: choose one of "
                         f"{', '.join(VISIBILITIES)}")
    files = {rel: src for rel, src in handout_files(lab, grader=True).items()
             if not other_lab(rel, lab.id)}
    texts = {
        "setup.sh": SETUP_SH.format(source=SOURCE),
        "run_autograder": RUN_AUTOGRADER.format(root=ROOT_ENV, python=PYTHON_ENV, lab=lab.id,
                                                vis=hidden_visibility,
                                                limits=limit_args(limits)),
        f"{SOURCE}/pyproject.toml": pyproject(lab, packages_of(files), "gradescope",
                                              "hidden and public checks"),
    }
    buffer = io.BytesIO()  # written whole, then moved into place: no half-written zip
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in texts.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if "." not in name or name.endswith(".sh")
                                  else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
        for rel, source in sorted(files.items()):
            info = zipfile.ZipInfo(f"{SOURCE}/{rel.as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read_bytes())
        names = archive.namelist()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(out)
    return names
