"""Mutation testing proves the hidden suites: every cosmic-ray mutant of a graded function of
the solutions is killed by its tool's hidden checks or shown equivalent by the property
oracle, and the suite agrees with the oracle (docs/mutation.md).

One analysis per lab (every mutant graded in the isolated runner, two Graders at a time,
then judged by tests/oracle) is shared by the tests below, which report it per function.
`python benchmarks/mutation.py` runs the same analysis and writes the reports.
"""

from __future__ import annotations

import functools

import pytest
from mutation.analysis import Analysis, Outcome, analyse

from mindlab_grader.labs import get_lab

LABS = ("lab01", "lab02")
FUNCTIONS = [(lab, f) for lab in LABS for f in get_lab(lab).functions]


@functools.cache
def analysis(lab: str) -> Analysis:
    """The lab's whole analysis, run once for all the tests of this module."""
    return analyse(lab, jobs=2)


def _listing(outcomes: list[Outcome], why: str = "") -> str:
    return "\n".join(f"  line {o.mutant.line} {o.mutant.name} [{o.kind}]: {o.mutant.after}"
                     + (f"\n      {getattr(o, why)}" if why else "") for o in outcomes)


@pytest.mark.parametrize("lab", LABS)
def test_the_unmutated_solution_gets_full_marks_and_passes_the_oracle(lab):
    result = analysis(lab)
    assert result.baseline.status == "graded", result.baseline.notes
    assert not result.baseline.lost(), f"the solution lost points in {result.baseline.lost()}"
    if result.baseline_oracle is not None:
        rejected = {f: v for f, v in result.baseline_oracle.items() if v}
        assert not rejected, f"the oracle rejects the solution itself: {rejected}"


@pytest.mark.parametrize("lab", LABS)
def test_the_solution_file_is_never_mutated_in_place(lab):
    before, after = analysis(lab).solution_sha256
    assert before == after, f"solutions/{lab}.py changed while its mutants were graded"


@pytest.mark.parametrize(("lab", "function"), FUNCTIONS)
def test_every_mutant_is_killed_or_a_recorded_equivalent(lab, function):
    survivors = [o for o in analysis(lab).survivors() if o.mutant.function == function]
    assert not survivors, (
        f"{len(survivors)} mutant(s) of {function} get full marks from the hidden suite and "
        f"are not recorded as equivalent (tests/mutation/REPORT-{lab}.md):\n"
        + _listing(survivors))


@pytest.mark.parametrize(("lab", "function"), FUNCTIONS)
def test_the_suite_agrees_with_the_oracle(lab, function):
    """Oracle rejects F => only F's tool loses points; oracle passes => full marks."""
    broken = [o for o in analysis(lab).disagreements() if o.mutant.function == function]
    assert not broken, (f"{len(broken)} mutant(s) of {function} break the agreement rule:\n"
                        + _listing(broken, "disagreement"))


@pytest.mark.parametrize("lab", LABS)
def test_recorded_equivalents_are_still_mutants_of_the_solution(lab):
    stale = analysis(lab).stale_equivalents()
    assert not stale, (f"tests/mutation/equivalent-{lab}.json records mutants that no longer "
                       f"exist (rerun benchmarks/mutation.py --record): {stale}")
