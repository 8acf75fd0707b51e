"""Requests planned ahead (autograder/prefetch.py) change no verdict.

Every file is graded twice through the worker, by one Grader with the suite's plan and one
without, and every check must come out the same: status, points and feedback. The files:
the reference, the whole mistake library and every outside file of both labs, and
submissions made here to hang, crash or raise on one case of a later check (with and
without an earlier wrong answer that takes the suite elsewhere), where a plan that sent a
check's cases early could otherwise pin one check's problem on another.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import numpy as np
import pytest
from mistakes import OUTSIDE, library, outside, reference_source, submission_source

from mindlab_grader.grader import Grader
from mindlab_grader.labs import get_lab
from mindlab_grader.learner import Outcome, Rng
from mindlab_grader.prefetch import Plan, Prefetch, Request

# code appended to the reference (lab 01): one function misbehaves on one kind of case
_LOOP = "        while True:\n            pass\n"
_CRASH = "        import os\n        os._exit(3)\n"
_RAISE = "        raise RuntimeError('boom')\n"
_WRONG_Q = ("    if letter == 'q':\n        return np.full(27, 1 / 27)\n")
TRIGGERS = {  # (function, its signature, a condition on its arguments)
    "read_row_z": ("read_row", "W, letter", "letter == 'z'"),
    "read_row_dot": ("read_row", "W, letter", "letter == '.'"),
    "read_row_bad": ("read_row", "W, letter", "letter == ''"),
    "belief_gap_e": ("belief_gap", "W, counts, letter", "letter == 'e'"),
    "sample_word_cold": ("sample_word", "W, rng, temperature=1.0, max_len=50",
                         "temperature != 1.0"),
    "sample_word_short": ("sample_word", "W, rng, temperature=1.0, max_len=50",
                          "max_len < 5"),
    "rank_rules_top": ("rank_rules", "W, top=None", "top is not None"),
    "greedy_decode_short": ("greedy_decode", "W, max_len=50", "max_len < 10"),
    "softmax_2d": ("softmax", "logits", "np.ndim(logits) == 2"),
}


def _triggered(name: str, how: str, wrong_first: bool) -> str:
    function, signature, condition = TRIGGERS[name]
    body = {"loop": _LOOP, "crash": _CRASH, "raise": _RAISE}[how]
    wrong = _WRONG_Q if wrong_first and function == "read_row" else ""
    return (f"{reference_source()}\n\n_reference_{function} = {function}\n\n"
            f"def {function}({signature}):\n{wrong}    if {condition}:\n{body}"
            f"    return _reference_{function}({signature.replace('=1.0', '').replace('=50', '').replace('=None', '')})\n")  # noqa: E501


def _made() -> list[tuple[str, str, str]]:
    """(name, the function that misbehaves, source) of the files made here."""
    made = []
    for name, (function, _, _) in TRIGGERS.items():
        for how in ("loop", "crash", "raise"):
            made.append((f"{name}_{how}", function, _triggered(name, how, False)))
        if function == "read_row":
            made.append((f"{name}_loop_after_wrong", function, _triggered(name, "loop", True)))
    return made


MADE = _made()


def _files() -> list[tuple[str, str, str]]:
    """(lab, name, source) of every file graded with and without a plan."""
    files = []
    for lab in ("lab01", "lab02"):
        files.append((lab, "reference", submission_source(None, lab)))
        files += [(lab, path.stem, submission_source(path, lab))
                  for path in library(lab).values()]
        files += [(lab, f"outside/{name}", (OUTSIDE / lab / f"{name}.py").read_text())
                  for name in outside(lab)]
    return files + [("lab01", name, source) for name, _, source in MADE]


FILES = _files()


def _measured(feedback: str) -> str:
    """Feedback without the CPU limit it quotes: that limit is FACTOR times the reference's
    time on the case, measured anew by each grader (0.1 s in one, 0.103 s in the other)."""
    return re.sub(r"more than [0-9.e+-]+ s of CPU", "more than <limit> s of CPU", feedback)


def _verdicts(report) -> list:
    return [report.status, report.score, report.notes, report.integrity] + [
        (t.id, c.id, c.status, c.passed, c.score, _measured(c.feedback))
        for t in report.tools for c in t.tests]


@pytest.fixture(scope="module")
def graders(tmp_path_factory):
    made = {}
    try:
        for lab in ("lab01", "lab02"):
            planned = Grader(lab=lab, suite="hidden", isolation="auto").__enter__()
            plain = Grader(lab=lab, suite="hidden", isolation="auto").__enter__()
            plain._recorded = False  # no plan: every request crosses on its own
            warm = Path(tmp_path_factory.mktemp(lab)) / "reference.py"
            warm.write_text(submission_source(None, lab))
            planned.grade(warm)  # (a warm fork server, like the other's after its first)
            made[lab] = (planned, plain)
        yield made
    finally:
        for pair in made.values():
            for grader in pair:
                grader.close()


def test_the_plan_groups_the_suites_requests():
    plan = Plan.record(get_lab("lab01"), "hidden", importlib.import_module(
        get_lab("lab01").reference))
    assert plan is not None
    assert {"read_row", "sample_word", "rank_rules"} <= set(plan.groups)
    assert all(len(group) > 1 for groups in plan.groups.values() for group in groups)


@pytest.mark.parametrize("lab, name, source", FILES, ids=[f"{f[0]}-{f[1]}" for f in FILES])
def test_a_plan_changes_no_verdict(graders, tmp_path: Path, lab: str, name: str, source: str):
    path = tmp_path / (name.replace("/", "_") + ".py")
    path.write_text(source)
    planned, plain = graders[lab]
    with_plan, without = planned.grade(path), plain.grade(path)
    assert with_plan.status == "graded"
    assert _verdicts(with_plan) == _verdicts(without)


@pytest.mark.parametrize("name, function, source", MADE, ids=[m[0] for m in MADE])
def test_made_up_files_lose_points_only_where_they_misbehave(graders, tmp_path: Path, name,
                                                             function, source):
    """The made-up files load, and lose points in their own function's checks only (else
    they would prove nothing)."""
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    report = graders["lab01"][0].grade(path)
    failed = {c.function for t in report.tools for c in t.tests if not c.passed}
    assert failed == {function}, (failed, report.notes)


# ------------------------------------------------------------ Prefetch on its own

def _out(problem: bool = False) -> Outcome:
    return Outcome(value=1, problem=RuntimeError("hung") if problem else None)


def _case(x) -> tuple:
    return ((np.array([x]), Rng(1)), {})


PLAN = Plan({"f": [[[_case(1)], [_case(2)], [_case(3)]]]})


def test_a_group_is_sent_from_its_first_request_and_served_in_order():
    ahead = Prefetch(PLAN)
    later = ahead.later("f", [_case(1)])
    assert later == PLAN.groups["f"][0][1:]
    own = ahead.keep("f", [_case(1)], later, [_out(), _out(), _out()])
    assert len(own) == 1
    assert ahead.kept("f", [_case(2)]) is not None
    assert ahead.kept("f", [_case(3)]) is not None
    assert ahead.kept("f", [_case(3)]) is None  # served once


def test_a_kept_outcome_serves_only_a_request_that_watches_as_it_was_asked():
    """An unwatched request's outcomes came back without their arguments (mutated stays
    empty): a check that looks at mutation must never be served them."""
    plan = Plan({"f": [[Request([_case(1)]), Request([_case(2)], watch=False)]]})
    ahead = Prefetch(plan)
    later = ahead.later("f", [_case(1)], watch=True)
    assert [r.watch for r in later] == [False]
    ahead.keep("f", [_case(1)], later, [_out(), _out()])
    assert ahead.kept("f", [_case(2)], watch=True) is None  # asked again, watched
    assert ahead.later("f", [_case(1)], watch=False) is None  # the group begins watched


def test_another_function_or_other_cases_drop_what_is_kept():
    ahead = Prefetch(PLAN)
    ahead.keep("f", [_case(1)], ahead.later("f", [_case(1)]), [_out()] * 3)
    assert ahead.kept("g", [_case(2)]) is None
    assert ahead.kept("f", [_case(2)]) is None  # dropped by the other function's request
    ahead.keep("f", [_case(1)], ahead.later("f", [_case(1)]), [_out()] * 3)
    assert ahead.kept("f", [_case(9)]) is None
    assert ahead.kept("f", [_case(3)]) is None


def test_a_request_may_skip_a_kept_one_that_holds_no_problem():
    ahead = Prefetch(PLAN)
    ahead.keep("f", [_case(1)], ahead.later("f", [_case(1)]), [_out()] * 3)
    assert ahead.kept("f", [_case(3)]) is not None  # (a check that did not run: skipped)


def test_a_problem_is_served_only_to_the_request_it_happened_in():
    ahead = Prefetch(PLAN)  # it hung in the second request's case: the third holds it too
    ahead.keep("f", [_case(1)], ahead.later("f", [_case(1)]), [_out(), _out(True), _out(True)])
    assert ahead.kept("f", [_case(3)]) is None  # skipping the second: asked again
    ahead = Prefetch(PLAN)
    ahead.keep("f", [_case(1)], ahead.later("f", [_case(1)]), [_out(), _out(True), _out(True)])
    assert ahead.kept("f", [_case(2)])[0].problem is not None
    assert ahead.kept("f", [_case(3)]) is None  # after it: asked again
    ahead = Prefetch(PLAN)  # in the first request's own cases: nothing is kept
    ahead.keep("f", [_case(1)], ahead.later("f", [_case(1)]), [_out(True)] * 3)
    assert ahead.kept("f", [_case(2)]) is None
