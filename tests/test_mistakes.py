"""The mistake library proves the lab 01 suites: right code gets full marks, each mistake loses
points in its own tool only, feedback names the function, and no hidden check is dead weight.

`PYTHONPATH=. python tests/test_mistakes.py` prints the coverage table (mistakes per check).
"""

from __future__ import annotations

import functools
import re
import warnings

import pytest
from mistakes import (
    MISTAKES,
    namespace,
    reference_functions,
    submission_source,
    write_submission,
    wrong_function,
)

from autograder.checks import LocalLearner
from autograder.judge import checks_of, run_lab, suite_modules
from autograder.labs import LAB01
from autograder.report import ToolResult

TOOL_OF = {fn: tool for tool in LAB01.tools for fn in tool.functions}

# mistakes so basic that the public suite (what learners run themselves) must catch them
BASIC = (
    "softmax_wrong_axis", "softmax_no_max_shift", "softmax_whole_array_total",
    "read_row_off_by_one", "read_row_no_softmax", "read_row_tokens_index",
    "data_row_total_sum", "data_row_integer_division", "belief_gap_no_half",
    "ablate_column_zero_not_inf", "ablate_column_row", "ablate_column_off_by_one",
    "sample_word_keeps_dot", "sample_word_no_cap", "sample_word_argmax",
    "sample_word_no_temperature_check", "sample_word_column",
    "rank_rules_ascending", "rank_rules_skips_dot_row", "rank_rules_ignores_top",
    "rank_rules_logits", "greedy_keeps_dot", "greedy_no_cap", "greedy_starts_at_a",
)


@functools.cache
def graded(mistake: str | None, suite: str) -> dict[str, ToolResult]:
    """{tool id: result} of one submission (reference + mistake), run in this process."""
    source = submission_source(MISTAKES[mistake] if mistake else None)
    learner = LocalLearner(namespace(source), reference_functions())
    with warnings.catch_warnings():  # overflow and nan are what these mistakes are about
        warnings.simplefilter("ignore", RuntimeWarning)
        return {tool.id: tool for tool in run_lab(LAB01, suite, learner)}


def hidden_check_ids() -> list[str]:
    return [check.id for module in suite_modules(LAB01, "hidden").values()
            for check in checks_of(module)]


def coverage() -> dict[str, list[str]]:
    """{hidden check id: the mistakes that fail it}."""
    table: dict[str, list[str]] = {check: [] for check in hidden_check_ids()}
    for name in MISTAKES:
        for tool in graded(name, "hidden").values():
            for test in tool.tests:
                if not test.passed:
                    table[test.id].append(name)
    return table


def test_the_library_holds_at_least_30_mistakes_of_one_function_each():
    assert len(MISTAKES) >= 30
    for path in MISTAKES.values():
        assert wrong_function(path) in LAB01.functions
        assert path.read_text().startswith('"""'), f"{path.name}: a docstring names the mistake"
    covered = {wrong_function(p) for p in MISTAKES.values()}
    assert covered == set(LAB01.functions), "every graded function has mistakes"


@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_the_reference_gets_full_marks(suite):
    tools = graded(None, suite)
    assert set(tools) == {tool.id for tool in LAB01.tools}
    for tool in tools.values():
        failed = [(t.id, t.feedback) for t in tool.tests if not t.passed]
        assert not failed
        assert tool.score == tool.max_score == LAB01.tool(tool.id).points


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_mistake_loses_points_in_its_own_tool_only(name):
    function = wrong_function(MISTAKES[name])
    own = TOOL_OF[function].id
    tools = graded(name, "hidden")
    assert tools[own].score < tools[own].max_score, f"{name} passes every hidden check"
    for tool in tools.values():
        for test in tool.tests:
            if test.passed:
                continue
            assert tool.id == own and test.function == function, (test.id, test.feedback)
            assert function in test.feedback, f"feedback should name {function}: {test.feedback}"


def test_every_hidden_check_is_failed_by_some_mistake():
    table = coverage()
    dead = [check for check, mistakes in table.items() if not mistakes]
    assert not dead, f"no mistake fails these hidden checks: {dead}"


NUMBERS = re.compile(r"-?\d+\.\d+\s*,\s*-?\d")  # a printed list of numbers: a leaked array
# a hidden input named in feedback: a letter tried, a top=k, a temperature, a max_len
# (the default max_len=50, '.', SPEC's bad letters and its boundaries max_len=0 and top=0
# are part of the contract, not inputs)
INPUTS = re.compile(r"\((?:W|counts), '[a-z]'\)|top=(?!0\b)\d|temperature=\d"
                    r"|max_len=(?!50\b|0\b)\d")


def test_hidden_feedback_is_short_and_shows_no_arrays():
    for name in MISTAKES:
        for tool in graded(name, "hidden").values():
            for test in tool.tests:
                if test.passed:
                    continue
                assert len(test.feedback) < 450, (name, test.feedback)
                assert "array([" not in test.feedback and not NUMBERS.search(test.feedback), \
                    (name, test.feedback)
                assert not INPUTS.search(test.feedback), (name, test.feedback)


@pytest.mark.parametrize("name", BASIC)
def test_the_public_suite_catches_basic_mistakes(name):
    own = TOOL_OF[wrong_function(MISTAKES[name])].id
    tool = graded(name, "public")[own]
    assert tool.score < tool.max_score, f"the public suite misses {name}"


def test_the_public_suite_never_blames_another_tool():
    for name in BASIC:
        own = TOOL_OF[wrong_function(MISTAKES[name])].id
        for tool in graded(name, "public").values():
            assert tool.id == own or tool.score == tool.max_score, (name, tool.id)


if __name__ == "__main__":
    table = coverage()
    width = max(map(len, table))
    for check, mistakes in table.items():
        print(f"{check:<{width}}  {len(mistakes):>2}  {', '.join(mistakes)}")
    print(f"{len(table)} hidden checks, {len(MISTAKES)} mistakes, "
          f"{sum(1 for m in table.values() if not m)} checks no mistake fails")


# ---------------------------------------------------------------- through the isolated runner


@pytest.fixture(scope="module")
def worker_reports(tmp_path_factory):
    """{mistake (None: the reference): hidden Report}, every file graded by one isolated Grader."""
    from autograder.grader import Grader

    folder = tmp_path_factory.mktemp("mistakes")
    reports = {}
    with Grader(lab="lab01", suite="hidden", isolation="auto") as grader:
        for name in [None, *sorted(MISTAKES)]:
            path = write_submission(MISTAKES[name] if name else None, folder)
            reports[name] = grader.grade(path, name=name or "reference")
    return reports


def test_the_runner_grades_every_mistake_exactly_like_the_local_learner(worker_reports):
    """Same checks, same seeds, same verdicts: the worker channel changes nothing."""
    for name, report in worker_reports.items():
        assert report.status == "graded" and report.max_score == 30.0, (name, report.notes)
        assert not report.integrity, (name, report.integrity)
        local = graded(name, "hidden")
        for tool in report.tools:
            verdicts = {t.id: t.passed for t in tool.tests}
            assert verdicts == {t.id: t.passed for t in local[tool.id].tests}, (name, tool.id)
    assert worker_reports[None].score == 30.0


@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_the_runner_gives_the_reference_and_the_solution_full_marks(suite, tmp_path):
    from autograder.grader import grade_file
    from mindlab_labs import lab_file

    files = [write_submission(None, tmp_path)]
    solution = lab_file("solutions", "lab01")
    if solution.exists():
        files.append(solution)
    for path in files:
        report = grade_file(path, lab="lab01", suite=suite, isolation="auto")
        failed = [(t.id, t.feedback) for tool in report.tools for t in tool.tests if not t.passed]
        assert report.status == "graded" and not failed, (path.name, report.notes, failed)
        assert report.score == report.max_score == 30.0


# ---------------------------------------------------------------- feedback that never misleads

@pytest.mark.parametrize("name, check, wrong_words", [
    # a decoder that drops its last letter breaks no tie: the tie check passes
    ("greedy_drops_last_letter", "greedy_decode_breaks_ties_by_lowest_index", None),
    # a rounded distance is not a missing absolute value
    ("belief_gap_rounded", "belief_gap_is_the_total_variation_distance", "absolute value"),
    # a sampler drawing from a copy of rng does not multiply by the temperature
    ("sample_word_deepcopies_rng", "sample_word_applies_the_temperature", "multiply"),
    # a smoothing bug in the values leaves the bad-letter check, which it meets, passing
    ("data_row_smoothed", "data_row_rejects_bad_letters", None),
])
def test_feedback_names_a_mistake_only_when_the_outputs_match_it(name, check, wrong_words):
    results = {t.id: t for tool in graded(name, "hidden").values() for t in tool.tests}
    if wrong_words is None:
        assert results[check].passed, results[check].feedback
    else:
        assert wrong_words not in results[check].feedback, results[check].feedback
