"""Lab 02's mistake library proves its suites: right code gets full marks, each mistake loses
points in its own tool only, feedback names the function, and no hidden check is dead weight.

Each `mistakes/lab02/<name>.py` defines ONE graded function the wrong way (its docstring
names the mistake); a submission is the reference source with that file appended.
"""

from __future__ import annotations

import functools
import warnings

import pytest
from mistakes import library, namespace, reference_functions, submission_source, wrong_function

from autograder.checks import LocalLearner
from autograder.judge import checks_of, run_lab, suite_modules
from autograder.labs import LAB02
from autograder.report import ToolResult

MISTAKES = library("lab02")
TOOL_OF = {fn: tool for tool in LAB02.tools for fn in tool.functions}

# mistakes so basic that the public suite (what learners run themselves) must catch them:
# a wrong formula, axis, offset or missing term, each visible on a hand-computed example
BASIC = (
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
)


@functools.cache
def graded(mistake: str | None, suite: str) -> dict[str, ToolResult]:
    """{tool id: result} of one submission (reference + mistake), run in this process."""
    source = submission_source(MISTAKES[mistake] if mistake else None, lab="lab02")
    learner = LocalLearner(namespace(source), reference_functions("lab02"))
    with warnings.catch_warnings():  # overflow and nan are what some mistakes are about
        warnings.simplefilter("ignore", RuntimeWarning)
        return {tool.id: tool for tool in run_lab(LAB02, suite, learner)}


def test_the_library_holds_at_least_30_mistakes_covering_every_function():
    assert len(MISTAKES) >= 30
    for path in MISTAKES.values():
        assert path.read_text().startswith('"""'), f"{path.name}: a docstring names the mistake"
    assert {wrong_function(p, "lab02") for p in MISTAKES.values()} == set(LAB02.functions)


@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_the_reference_gets_full_marks(suite):
    tools = graded(None, suite)
    assert set(tools) == {tool.id for tool in LAB02.tools}
    for tool in tools.values():
        assert not [(t.id, t.feedback) for t in tool.tests if not t.passed]
        assert tool.score == tool.max_score == LAB02.tool(tool.id).points


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_mistake_loses_points_in_its_own_tool_only(name):
    function = wrong_function(MISTAKES[name], "lab02")
    own = TOOL_OF[function].id
    tools = graded(name, "hidden")
    assert tools[own].score < tools[own].max_score, f"{name} passes every hidden check"
    for tool in tools.values():
        for test in tool.tests:
            if not test.passed:
                assert tool.id == own and test.function == function, (test.id, test.feedback)
                assert function in test.feedback, f"feedback should name {function}"
                assert len(test.feedback) < 450 and "array([" not in test.feedback


def test_every_hidden_check_is_failed_by_some_mistake():
    failed: dict[str, list[str]] = {check.id: [] for module in
                                     suite_modules(LAB02, "hidden").values()
                                     for check in checks_of(module)}
    for name in MISTAKES:
        for tool in graded(name, "hidden").values():
            for test in tool.tests:
                if not test.passed:
                    failed[test.id].append(name)
    assert not [check for check, names in failed.items() if not names]


def test_each_hidden_tool_is_worth_its_points():
    for tool_id, module in suite_modules(LAB02, "hidden").items():
        assert sum(c.info.points for c in checks_of(module)) == LAB02.tool(tool_id).points


@pytest.mark.parametrize("name", BASIC)
def test_the_public_suite_catches_basic_mistakes(name):
    own = TOOL_OF[wrong_function(MISTAKES[name], "lab02")].id
    tool = graded(name, "public")[own]
    assert tool.score < tool.max_score, f"the public suite misses {name}"


def test_the_public_suite_never_blames_another_tool():
    for name in MISTAKES:
        own = TOOL_OF[wrong_function(MISTAKES[name], "lab02")].id
        for tool in graded(name, "public").values():
            assert tool.id == own or tool.score == tool.max_score, (name, tool.id)
