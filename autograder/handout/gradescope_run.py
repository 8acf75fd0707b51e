"""What runs inside Gradescope for each submission (run_autograder calls it):

    python3 -m mindlab_grader.handout.gradescope_run --lab lab01 \\
      --hidden-visibility after_published --call-timeout 2 --load-timeout 10 --memory-mb 2048

It grades the one .py or .ipynb file in /autograder/submission (submissions.py's rule)
with the hidden checks and writes /autograder/results/results.json
(report/gradescope_json.py): one test per check, with its points and learner-facing
feedback, shown per --hidden-visibility. The public checks come first as 0-point tests
that are always visible, so a student sees at once what `mindlab check` would have
said (redacted as the hidden suite's feedback is: no learner text). Before any learner
code runs (gradescope_guard.py): as root, the installed grader is locked down; both
suites are imported and hashed, and both Graders started. The environment variable
MINDLAB_AUTOGRADER_ROOT replaces /autograder (tests run the zip in a temporary folder),
and MINDLAB_PYTHON the interpreter run_autograder uses.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..isolation import ISOLATIONS, resolve_isolation
from ..labs import Lab, get_lab
from ..loader import within_own_folder
from ..submissions import find_submission
from .gradescope_guard import CHANGED, Guard, lock_down
from .gradescope_zip import ROOT_ENV, VISIBILITIES


def results(submission: Path, lab: Lab, hidden_visibility: str, isolation: str = "auto",
            limits: dict[str, Any] | None = None) -> dict[str, Any]:
    """Gradescope's results.json for one file: public checks (0 points, visible), then the
    hidden checks that make the score.

    Both suites are imported and hashed before any learner code runs, both Graders
    started; the public checks' feedback is redacted like the hidden suite's (it is
    visible at once), and a suite changed on disk meanwhile is reported.
    """
    from ..grader import Grader
    from ..report.gradescope_json import gradescope_results

    guard = Guard.before(lab)  # before any learner code: what grading stands on
    used = resolve_isolation(isolation, "hidden")  # the strongest, for both suites
    accepted = inspect.signature(Grader).parameters  # e.g. budget, once the Grader has it
    options = {"lab": lab.id, "isolation": used, "redact": True,
               **{k: v for k, v in (limits or {}).items() if k in accepted}}
    with Grader(suite="public", **options) as public_grader, \
            Grader(suite="hidden", **options) as hidden_grader:
        public_report = public_grader.grade(submission)
        hidden = hidden_grader.grade(submission)
    changed = guard.changed()
    for report in (public_report, hidden):
        report.provenance["suites_sha256"] = guard.suite_hash(report.suite)
        report.provenance["suites_changed"] = changed
    if changed:
        hidden.integrity.append(CHANGED.format(what=", ".join(changed)))
    public = gradescope_results(public_report, "visible")
    out = gradescope_results(hidden, hidden_visibility)
    for k, test in enumerate(public["tests"], start=1):
        test.update(name=f"Public check · {test['name']}", number=f"0.{k}", score=0.0,
                    max_score=0.0, tags=[*test["tags"], "public"])
    out["tests"] = public["tests"] + out["tests"]
    out["output"] = "\n".join(filter(None, [
        f"Graded {submission.name}: the public checks (as in `mindlab check`, no points) "
        "come first, then the graded checks.", out["output"]]))
    return out


def run(root: Path, lab_id: str, hidden_visibility: str, isolation: str = "auto",
        limits: dict[str, Any] | None = None) -> dict[str, Any]:
    """Grade root/submission into root/results/results.json; return what was written."""
    lab = get_lab(lab_id)
    start = time.monotonic()
    lock_down(root, lab)  # as root: the grader's files read-only, the private ones unreadable
    submission, problem = find_submission(root / "submission", lab.id, anywhere=True)
    if submission is not None:  # a link out (to the installed reference: found from
        try:                    # outside) is read by neither suite's grader
            submission = within_own_folder(submission, root / "submission")
        except ValueError as exc:
            submission, problem = None, str(exc).split(";")[0]
    if submission is None:
        why = (f"Your submission cannot be graded: {problem}. Upload only your "
               f"{lab.id}.ipynb (or {lab.id}.py).")
        data: dict[str, Any] = {"score": 0.0, "output": why, "visibility": "visible",
                                "stdout_visibility": "hidden", "tests": []}
    else:
        data = results(submission, lab, hidden_visibility, isolation, limits)
    data["execution_time"] = round(time.monotonic() - start)
    write_results(root, data)
    return data


def write_results(root: Path, data: dict[str, Any]) -> None:
    """root/results/results.json, written whole and moved into place: whatever was there
    (a file, or a link somewhere else) is replaced, never written through."""
    folder = root / "results"
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".results-", suffix=".json", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1)
    os.chmod(name, 0o644)
    os.replace(name, folder / "results.json")


def parser() -> argparse.ArgumentParser:
    """run_autograder's options (gradescope_zip.RUN_AUTOGRADER writes them)."""
    parser = argparse.ArgumentParser(prog="python -m mindlab_grader.handout.gradescope_run",
                                     description="Grade a Gradescope submission.")
    parser.add_argument("--lab", default="lab01")
    parser.add_argument("--hidden-visibility", default="after_published", choices=VISIBILITIES)
    parser.add_argument("--isolation", default="auto", choices=ISOLATIONS)
    parser.add_argument("--call-timeout", type=float, default=2.0,
                        help="seconds one call of a learner's function may take")
    parser.add_argument("--load-timeout", type=float, default=10.0,
                        help="seconds a file's top-level code may take")
    parser.add_argument("--memory-mb", type=int, default=2048,
                        help="address-space limit of the learner's process")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds for one whole submission (when the Grader has it)")
    return parser


def limits_of(args: argparse.Namespace) -> dict[str, Any]:
    """The Grader's limit options from the parsed command line."""
    limits: dict[str, Any] = {"call_timeout": args.call_timeout,
                              "load_timeout": args.load_timeout, "memory_mb": args.memory_mb}
    if args.budget is not None:
        limits["budget"] = args.budget
    return limits


def main(argv: list[str] | None = None) -> int:
    """run_autograder's entry: python -m mindlab_grader.handout.gradescope_run --lab lab01 ..."""
    args = parser().parse_args(argv)
    root = Path(os.environ.get(ROOT_ENV) or "/autograder")
    try:
        data = run(root, args.lab, args.hidden_visibility, args.isolation, limits_of(args))
    except Exception as exc:  # still tell the student something, and the instructor why
        write_results(root, {
            "score": 0.0, "tests": [], "visibility": "visible", "stdout_visibility": "hidden",
            "output": "The autograder could not grade this submission; please contact the "
                      "course staff."})
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
