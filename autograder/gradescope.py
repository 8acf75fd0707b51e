"""`mindlab gradescope`: an autograder.zip for Gradescope, and what runs inside it.

    mindlab gradescope --lab lab01 --out autograder.zip --hidden-visibility after_published

The zip follows Gradescope's autograder specification: `setup.sh` and `run_autograder`
at its root. Gradescope unpacks it to /autograder/source, runs setup.sh once when it
builds the image (it pip-installs the `mindlab/` source folder shipped in the zip: the
grading side of mindlab for this lab, hidden suite and reference included, no solutions),
then runs run_autograder for each submission, which calls

    python3 -m autograder.gradescope --lab lab01 --hidden-visibility after_published

That grades the one .py or .ipynb file in /autograder/submission with the hidden checks
and writes /autograder/results/results.json (render.gradescope_results): one test per
check, with its points and learner-facing feedback, shown per --hidden-visibility. The
public checks come first as 0-point tests that are always visible, so a student sees at
once what `mindlab check` would have said. The environment variable
MINDLAB_AUTOGRADER_ROOT replaces /autograder (tests run the zip in a temporary folder),
and MINDLAB_PYTHON the interpreter run_autograder uses.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from .labs import Lab, get_lab
from .release import handout_files, packages_of, pyproject

ROOT_ENV = "MINDLAB_AUTOGRADER_ROOT"
PYTHON_ENV = "MINDLAB_PYTHON"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
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
# newer Ubuntu images mark the system Python as externally managed; this image is ours
export PIP_BREAK_SYSTEM_PACKAGES=1
python3 -m pip install --no-cache-dir ./{source}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission into
# /autograder/results/results.json ({root} and {python} override the root and python3).
exec "${{{python}:-python3}}" -m autograder.gradescope --lab {lab} --hidden-visibility {vis}
"""


# ---------------------------------------------------------------- building the zip


def build_zip(out: Path, lab_id: str = "lab01",
              hidden_visibility: str = "after_published") -> list[str]:
    """Write Gradescope's autograder.zip for `lab_id` to `out`; return its member names."""
    lab = get_lab(lab_id)
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {hidden_visibility!r}: choose one of "
                         f"{', '.join(VISIBILITIES)}")
    files = handout_files(lab, grader=True)
    texts = {
        "setup.sh": SETUP_SH.format(source=SOURCE),
        "run_autograder": RUN_AUTOGRADER.format(root=ROOT_ENV, python=PYTHON_ENV, lab=lab.id,
                                                vis=hidden_visibility),
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


def gradescope_command(out: Path, lab_id: str, hidden_visibility: str) -> int:
    """`mindlab gradescope`: 0 when the zip was written, 2 for a usage error."""
    import click

    try:
        names = build_zip(out, lab_id, hidden_visibility)
    except ValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        return 2
    except OSError as exc:  # a parent that is a file, no permission, a full disk
        click.echo(f"Error: cannot write {out} ({exc.strerror or exc}): choose an --out path "
                   "in a folder you can write to, e.g. --out autograder.zip", err=True)
        return 2
    click.echo(f"Wrote {out} ({len(names)} files, {out.stat().st_size / 1024:.0f} kB): "
               f"setup.sh, run_autograder and the grading side of mindlab for {lab_id}.")
    click.echo("Upload it as the assignment's autograder (Configure Autograder > Zip file); "
               f"hidden checks are shown {hidden_visibility.replace('_', ' ')}.")
    return 0


# ---------------------------------------------------------------- inside Gradescope


def find_submission(folder: Path, lab: Lab) -> tuple[Path | None, str]:
    """(the file to grade, '') or (None, why not, for the student).

    One .py/.ipynb anywhere in the submission is it; among several, the one named after
    the lab (lab01.ipynb before lab01.py when both are there, as the notebook is the
    lab's main form).
    """
    from .batch_layouts import candidates

    found = candidates(folder) if folder.is_dir() else []
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, (f"Your submission holds no .py or .ipynb file: upload your "
                      f"{lab.id}.ipynb (or {lab.id}.py).")
    for name in (f"{lab.id}.ipynb", f"{lab.id}.py"):
        named = [p for p in found if p.name == name]
        if len(named) == 1:
            return named[0], ""
    names = ", ".join(str(p.relative_to(folder)) for p in found[:6])
    return None, (f"Your submission holds several files ({names}) and none is named "
                  f"{lab.id}.ipynb or {lab.id}.py: upload only your lab file.")


def results(submission: Path, lab: Lab, hidden_visibility: str) -> dict[str, Any]:
    """Gradescope's results.json for one file: public checks (0 points, visible), then the
    hidden checks that make the score."""
    from .render import gradescope_results
    from .runner import Grader

    with Grader(lab=lab.id, suite="public") as grader:
        public = gradescope_results(grader.grade(submission), "visible")
    with Grader(lab=lab.id, suite="hidden") as grader:
        hidden = grader.grade(submission)
    out = gradescope_results(hidden, hidden_visibility)
    for k, test in enumerate(public["tests"], start=1):
        test.update(name=f"Public check · {test['name']}", number=f"0.{k}", score=0.0,
                    max_score=0.0, tags=[*test["tags"], "public"])
    out["tests"] = public["tests"] + out["tests"]
    out["output"] = "\n".join(filter(None, [
        f"Graded {submission.name}: the public checks (as in `mindlab check`, no points) "
        "come first, then the graded checks.", out["output"]]))
    return out


def run(root: Path, lab_id: str, hidden_visibility: str) -> dict[str, Any]:
    """Grade root/submission into root/results/results.json; return what was written."""
    lab = get_lab(lab_id)
    start = time.monotonic()
    submission, problem = find_submission(root / "submission", lab)
    if submission is None:
        data: dict[str, Any] = {"score": 0.0, "output": problem, "visibility": "visible",
                                "stdout_visibility": "hidden", "tests": []}
    else:
        data = results(submission, lab, hidden_visibility)
    data["execution_time"] = round(time.monotonic() - start)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    """run_autograder's entry: python -m autograder.gradescope --lab lab01 ..."""
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope",
                                     description="Grade a Gradescope submission.")
    parser.add_argument("--lab", default="lab01")
    parser.add_argument("--hidden-visibility", default="after_published", choices=VISIBILITIES)
    args = parser.parse_args(argv)
    root = Path(os.environ.get(ROOT_ENV) or "/autograder")
    try:
        data = run(root, args.lab, args.hidden_visibility)
    except Exception as exc:  # still tell the student something, and the instructor why
        target = root / "results" / "results.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({
            "score": 0.0, "tests": [], "visibility": "visible", "stdout_visibility": "hidden",
            "output": "The autograder could not grade this submission; please contact the "
                      "course staff."}), encoding="utf-8")
        print(f"mindlab autograder failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        raise
    tests = [t for t in data["tests"] if t["max_score"] > 0]
    print(f"mindlab {args.lab}: {data['score']:g}/{sum(t['max_score'] for t in tests):g} "
          f"({sum(t['status'] == 'passed' for t in tests)} of {len(tests)} graded checks "
          f"pass) in {data['execution_time']} s")
    for test in data["tests"]:
        print(f"  {test['status']:6} {test['score']:g}/{test['max_score']:g}  {test['name']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
