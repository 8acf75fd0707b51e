"""The mistake libraries prove every lab's suites: right code gets full marks, each mistake
loses points in its own tool only, feedback names the function, and no hidden check is dead
weight.

Each `mistakes/<lab>/<name>.py` defines ONE graded function the wrong way (its docstring
names the mistake); a submission is the reference source with that file appended.
`PYTHONPATH=. python tests/test_mistakes.py [lab]` prints the coverage table (mistakes per
check).
"""

from __future__ import annotations

import re
import sys

import pytest
from mistakes import graded, library, write_submission, wrong_function

from mindlab_grader.judge import checks_of, suite_modules
from mindlab_grader.labs import LABS, get_lab

LAB_IDS = sorted(LABS)
MISTAKES = {lab: library(lab) for lab in LAB_IDS}
TOOL_OF = {lab: {fn: tool for tool in LABS[lab].tools for fn in tool.functions}
           for lab in LAB_IDS}

# mistakes so basic that the public suite (what learners run themselves) must catch them
# (tests/test_suites.py asks more of it: every mistake the hidden suite catches)
BASIC = {
    "lab01": (
        "softmax_wrong_axis", "softmax_no_max_shift", "softmax_whole_array_total",
        "read_row_off_by_one", "read_row_no_softmax", "read_row_tokens_index",
        "data_row_total_sum", "data_row_integer_division", "belief_gap_no_half",
        "ablate_column_zero_not_inf", "ablate_column_row", "ablate_column_off_by_one",
        "sample_word_keeps_dot", "sample_word_no_cap", "sample_word_argmax",
        "sample_word_no_temperature_check", "sample_word_column",
        "rank_rules_ascending", "rank_rules_skips_dot_row", "rank_rules_ignores_top",
        "rank_rules_logits", "greedy_keeps_dot", "greedy_no_cap", "greedy_starts_at_a",
    ),
    # a wrong formula, axis, offset or missing term, each visible on a hand-computed example
    "lab02": (
        "mean_difference_direction_reversed", "mean_difference_direction_not_normalised",
        "project_no_normalise", "project_cosine", "cosine_similarity_one_norm",
        "cosine_similarity_abs",
        "make_contexts_no_end", "make_contexts_short_padding", "run_with_cache_no_residual",
        "run_with_cache_no_embedding", "logit_lens_no_bias", "logit_lens_softmax",
        "cross_entropy_sum", "cross_entropy_log2",
        "causal_attention_mask_after_softmax", "causal_attention_strict_mask",
        "repeated_tokens_two_draws", "prev_token_score_main_diagonal",
        "prev_token_score_divides_by_T", "induction_score_copy_offset", "find_heads_head_first",
        "ablate_head_whole_layer", "ablate_head_zeroes_values",
        "sparse_features_flipped", "toy_forward_no_relu", "importance_loss_unweighted",
        "feature_dimensionality_rows", "sae_encode_no_centering", "sae_decode_no_bias",
        "sae_loss_no_l1", "best_cosines_per_learned_row",
        # what the first public examples let through, each now shown by a check of its own
        "causal_attention_no_scale", "run_with_cache_no_relu", "toy_forward_no_bias",
        "toy_forward_relu_hidden", "sae_encode_no_relu",
    ),
}

# a hidden input named in feedback, per lab: for lab 01 a letter tried, a top=k, a
# temperature, a max_len (the default max_len=50, '.', SPEC's bad letters and its
# boundaries max_len=0 and top=0 are part of the contract, not inputs)
INPUTS = {"lab01": re.compile(r"\((?:W|counts), '[a-z]'\)|top=(?!0\b)\d|temperature=\d"
                              r"|max_len=(?!50\b|0\b)\d")}
NUMBERS = re.compile(r"-?\d+\.\d+\s*,\s*-?\d")  # a printed list of numbers: a leaked array


def _cases(which) -> list[tuple[str, str]]:
    return [(lab, name) for lab in LAB_IDS for name in which(lab)]


def hidden_check_ids(lab: str) -> list[str]:
    return [check.id for module in suite_modules(LABS[lab], "hidden").values()
            for check in checks_of(module)]


def coverage(lab: str) -> dict[str, list[str]]:
    """{hidden check id: the mistakes that fail it}."""
    table: dict[str, list[str]] = {check: [] for check in hidden_check_ids(lab)}
    for name in MISTAKES[lab]:
        for tool in graded(lab, name, "hidden").values():
            for test in tool.tests:
                if not test.passed:
                    table[test.id].append(name)
    return table


@pytest.mark.parametrize("lab", LAB_IDS)
def test_the_library_holds_at_least_30_mistakes_of_one_function_each(lab):
    assert len(MISTAKES[lab]) >= 30
    for path in MISTAKES[lab].values():
        assert wrong_function(path, lab) in LABS[lab].functions
        assert path.read_text().startswith('"""'), f"{path.name}: a docstring names the mistake"
    covered = {wrong_function(p, lab) for p in MISTAKES[lab].values()}
    assert covered == set(LABS[lab].functions), "every graded function has mistakes"


@pytest.mark.parametrize("lab", LAB_IDS)
@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_the_reference_gets_full_marks(lab, suite):
    tools = graded(lab, None, suite)
    assert set(tools) == {tool.id for tool in LABS[lab].tools}
    for tool in tools.values():
        failed = [(t.id, t.feedback) for t in tool.tests if not t.passed]
        assert not failed
        assert tool.score == tool.max_score == LABS[lab].tool(tool.id).points


@pytest.mark.parametrize("lab, name", _cases(lambda lab: sorted(MISTAKES[lab])))
def test_a_mistake_loses_points_in_its_own_tool_only(lab, name):
    function = wrong_function(MISTAKES[lab][name], lab)
    own = TOOL_OF[lab][function].id
    tools = graded(lab, name, "hidden")
    assert tools[own].score < tools[own].max_score, f"{name} passes every hidden check"
    for tool in tools.values():
        for test in tool.tests:
            if test.passed:
                continue
            assert tool.id == own and test.function == function, (test.id, test.feedback)
            assert function in test.feedback, f"feedback should name {function}: {test.feedback}"
            assert len(test.feedback) < 450 and "array([" not in test.feedback


@pytest.mark.parametrize("lab", LAB_IDS)
def test_every_hidden_check_is_failed_by_some_mistake(lab):
    table = coverage(lab)
    dead = [check for check, mistakes in table.items() if not mistakes]
    assert not dead, f"no mistake fails these hidden checks: {dead}"


@pytest.mark.parametrize("lab", LAB_IDS)
def test_each_hidden_tool_is_worth_its_points(lab):
    for tool_id, module in suite_modules(LABS[lab], "hidden").items():
        assert sum(c.info.points for c in checks_of(module)) == LABS[lab].tool(tool_id).points


@pytest.mark.parametrize("lab", LAB_IDS)
def test_hidden_feedback_is_short_and_shows_no_arrays(lab):
    for name in MISTAKES[lab]:
        for tool in graded(lab, name, "hidden").values():
            for test in tool.tests:
                if test.passed:
                    continue
                assert len(test.feedback) < 450, (name, test.feedback)
                assert "array([" not in test.feedback and not NUMBERS.search(test.feedback), \
                    (name, test.feedback)
                if lab in INPUTS:
                    assert not INPUTS[lab].search(test.feedback), (name, test.feedback)


@pytest.mark.parametrize("lab, name", _cases(lambda lab: BASIC[lab]))
def test_the_public_suite_catches_basic_mistakes(lab, name):
    own = TOOL_OF[lab][wrong_function(MISTAKES[lab][name], lab)].id
    tool = graded(lab, name, "public")[own]
    assert tool.score < tool.max_score, f"the public suite misses {name}"


@pytest.mark.parametrize("lab", LAB_IDS)
def test_the_public_suite_never_blames_another_tool(lab):
    for name in MISTAKES[lab]:
        own = TOOL_OF[lab][wrong_function(MISTAKES[lab][name], lab)].id
        for tool in graded(lab, name, "public").values():
            assert tool.id == own or tool.score == tool.max_score, (name, tool.id)


# ---------------------------------------------------------------- through the isolated runner


@pytest.fixture(scope="module")
def worker_reports(tmp_path_factory):
    """{mistake (None: the reference): hidden Report}, every lab 01 file graded by one
    isolated Grader (lab 01 only: its hidden suite is the fast one)."""
    from mindlab_grader.grader import Grader

    folder = tmp_path_factory.mktemp("mistakes")
    reports = {}
    with Grader(lab="lab01", suite="hidden", isolation="auto") as grader:
        for name in [None, *sorted(MISTAKES["lab01"])]:
            path = write_submission(MISTAKES["lab01"][name] if name else None, folder)
            reports[name] = grader.grade(path, name=name or "reference")
    return reports


def test_the_runner_grades_every_mistake_exactly_like_the_local_learner(worker_reports):
    """Same checks, same seeds, same verdicts: the worker channel changes nothing."""
    for name, report in worker_reports.items():
        assert report.status == "graded" and report.max_score == 30.0, (name, report.notes)
        assert not report.integrity, (name, report.integrity)
        local = graded("lab01", name, "hidden")
        for tool in report.tools:
            verdicts = {t.id: t.passed for t in tool.tests}
            assert verdicts == {t.id: t.passed for t in local[tool.id].tests}, (name, tool.id)
    assert worker_reports[None].score == 30.0


@pytest.mark.parametrize("lab", LAB_IDS)
@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_the_runner_gives_the_reference_and_the_solution_full_marks(lab, suite, tmp_path):
    from mindlab_grader.grader import grade_file
    from mindlab_labs import lab_file

    files = [write_submission(None, tmp_path, lab)]
    solution = lab_file("solutions", lab)
    if solution.exists():
        files.append(solution)
    total = sum(tool.points for tool in get_lab(lab).tools)
    for path in files:
        report = grade_file(path, lab=lab, suite=suite, isolation="auto")
        failed = [(t.id, t.feedback) for tool in report.tools for t in tool.tests if not t.passed]
        assert report.status == "graded" and not failed, (path.name, report.notes, failed)
        assert report.score == report.max_score == total


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
    results = {t.id: t for tool in graded("lab01", name, "hidden").values() for t in tool.tests}
    if wrong_words is None:
        assert results[check].passed, results[check].feedback
    else:
        assert wrong_words not in results[check].feedback, results[check].feedback


if __name__ == "__main__":
    for lab in sys.argv[1:] or LAB_IDS:
        table = coverage(lab)
        width = max(map(len, table))
        for check, mistakes in table.items():
            print(f"{check:<{width}}  {len(mistakes):>2}  {', '.join(mistakes)}")
        print(f"{lab}: {len(table)} hidden checks, {len(MISTAKES[lab])} mistakes, "
              f"{sum(1 for m in table.values() if not m)} checks no mistake fails")
