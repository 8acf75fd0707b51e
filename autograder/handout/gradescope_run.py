"""What runs inside Gradescope for each submission (run_autograder calls it):

    python3 -m autograder.handout.gradescope_run --lab lab01 --hidden-visibility after_published

It grades the one .py or .ipynb file in /autograder/submission (submissions.py's rule)
with the hidden checks and writes /autograder/results/results.json
(report/gradescope_json.py): one test per check, with its points and learner-facing
feedback, shown per --hidden-visibility. The public checks come first as 0-point tests
that are always visible, so a student sees at once what `mindlab check` would have
said. The environment variable MINDLAB_AUTOGRADER_ROOT replaces /autograder (tests run
the zip in a temporary folder), and MINDLAB_PYTHON the interpreter run_autograder uses.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from ..labs import Lab, get_lab
from ..submissions import find_submission
from .gradescope_zip import ROOT_ENV, VISIBILITIES


def results(submission: Path, lab: Lab, hidden_visibility: str) -> dict[str, Any]:
    """Gradescope's results.json for one file: public checks (0 points, visible), then the
    hidden checks that make the score."""
    from ..grader import Grader
    from ..report.gradescope_json import gradescope_results

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
    submission, problem = find_submission(root / "submission", lab.id, anywhere=True)
    if submission is None:
        why = (f"Your submission cannot be graded: {problem}. Upload only your "
               f"{lab.id}.ipynb (or {lab.id}.py).")
        data: dict[str, Any] = {"score": 0.0, "output": why, "visibility": "visible",
                                "stdout_visibility": "hidden", "tests": []}
    else:
        data = results(submission, lab, hidden_visibility)
    data["execution_time"] = round(time.monotonic() - start)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    """run_autograder's entry: python -m autograder.handout.gradescope_run --lab lab01 ..."""
    parser = argparse.ArgumentParser(prog="python -m autograder.handout.gradescope_run",
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
