"""What a submission's top-level code gets while it is graded (labs.py, Lab.while_grading).

Lab 02's demo cells run the learner's functions over every name; graded, load_names()
gives every 20th name (docs/lab02-contract.md, "While grading"), so a grade costs what
lab 01's does. Lab 01 is graded on all names, and the checks themselves use every name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mistakes import submission_source

from mindlab_core.names import GRADING_EVERY, load_names, sample_of_names
from mindlab_grader.grader import Grader

PROBE = ("\n\nfrom mindlab_core.names import load_names as _probe\n"
         "raise RuntimeError(f'names seen: {len(_probe())}')\n")


def _names_seen(lab: str, tmp_path: Path) -> tuple[int, float, float]:
    """(how many names the file's top-level code saw, its score, the most) on `lab`'s
    public suite: the probe's RuntimeError, at the very end, becomes a load note."""
    path = tmp_path / f"{lab}.py"
    path.write_text(submission_source(lab=lab) + PROBE, encoding="utf-8")
    with Grader(lab=lab, suite="public", isolation="process") as grader:
        report = grader.grade(path)
    seen = [int(m) for note in report.notes for m in re.findall(r"names seen: (\d+)", note)]
    assert len(seen) == 1, report.notes
    return seen[0], report.score, report.max_score


def test_the_sample_is_every_twentieth_name_in_order():
    names = load_names()
    assert GRADING_EVERY == 20
    assert sample_of_names() == names[::20] and len(sample_of_names()) == 259


@pytest.mark.parametrize("lab, expected", [("lab02", 259), ("lab01", 5163)])
def test_top_level_code_sees_the_sample_only_in_lab02(lab, expected, tmp_path):
    seen, score, most = _names_seen(lab, tmp_path)
    assert seen == expected
    assert score == most  # the demo's data never costs a graded function anything
