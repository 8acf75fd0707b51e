"""Attacks on the reference's answers (answers.py, worker/standins.py), found from outside.

Each file in tests/hostile/ahead/ is a full lab 01 submission (see its docstring); all
are graded with the hidden suite, where the attacks were found:

- a read_row that never learns the token order, reading each letter's row from the
  answers sent ahead, and a sample_word that never divides by the temperature, reading
  the tempered rows: nothing sent ahead may do the function's own work (likely.py);
- two correct files that write into what a stand-in returned (an in-place CDF, an
  in-place difference): a kept answer is handed out as a copy, or the next caller gets
  the edited one;
- a softmax that asks the later functions' stand-ins everything a check might ask, and
  three functions that only replay those answers: asking for a function after the one
  under test borrows it (it earns nothing, with an integrity note).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mindlab_grader.grader import Grader
from mindlab_grader.isolation.bwrap import bwrap_problem

AHEAD = Path(__file__).parent / "hostile" / "ahead"
ISOLATIONS = ["process", pytest.param("bwrap", marks=pytest.mark.skipif(
    bool(bwrap_problem()), reason=f"bubblewrap unusable here: {bwrap_problem()}"))]
# file -> (the functions whose checks fail, a pattern the integrity notes must show)
EXPECT = {
    "a2_read_row_no_token_order.py": ({"read_row"}, ""),
    "a4_sample_word_no_temperature.py": ({"sample_word"}, ""),
    "a5_inplace_cdf_sampler_correct.py": (set(), ""),
    "a6_inplace_belief_gap_correct.py": (set(), ""),
    "a8_prefetch_by_asking.py": ({"data_row", "ablate_column", "greedy_decode"},
                                 r"softmax asked the grader for the reference solution's "
                                 r"greedy_decode, a function after it"),
}


def test_every_file_has_an_expectation():
    assert {p.name for p in AHEAD.glob("*.py")} == set(EXPECT)


@pytest.fixture(scope="module", params=ISOLATIONS)
def reports(request) -> dict:
    with Grader(lab="lab01", suite="hidden", isolation=request.param) as grader:
        return {name: grader.grade(AHEAD / name) for name in sorted(EXPECT)}


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_the_answers_earn_nothing_they_should_not(reports, name):
    report = reports[name]
    losing, pattern = EXPECT[name]
    tests = [t for tool in report.tools for t in tool.tests]
    failed = {t.function for t in tests if not t.passed}
    assert failed == losing, [t.feedback for t in tests if not t.passed]
    if not losing:
        assert report.score == report.max_score and not report.integrity
    if pattern:
        assert any(re.search(pattern, note) for note in report.integrity), report.integrity
    for function in losing - {"read_row", "sample_word"}:  # each replayer earns nothing
        assert all(t.score == 0 for t in tests if t.function == function)
