"""TOOL 06 — induction heads: public checks, 10 points. Hand-computed examples only."""

from __future__ import annotations

import numpy as np

from autograder.checks import Fail, Rng, check, expect_array, expect_float
from autograder.suites.lab02.calls import value

TOOL = "tool06"


@check(points=1, function="causal_attention")
def test_causal_attention_of_equal_scores(learner):
    """causal_attention with all-zero q and k spreads each row evenly over the past"""
    got = expect_array(value(learner, "causal_attention", np.zeros((3, 4)), np.zeros((3, 4))),
                       "causal_attention(zeros, zeros)", shape=(3, 3))
    expected = [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]]
    if not np.allclose(got, expected):
        raise Fail("with equal scores, row i should be 1/(i+1) on keys 0..i and exactly 0 on "
                   "the future keys.")


@check(points=1, function="causal_attention")
def test_causal_attention_divides_by_sqrt_d_head(learner):
    """causal_attention divides the scores by sqrt(d_head): by 2 when d_head is 4"""
    q, k = np.zeros((2, 4)), np.zeros((2, 4))
    q[1, 0], k[0, 0] = 2 * np.log(3), 1.0  # the one nonzero score: q[1] . k[0] = 2 ln 3
    got = expect_array(value(learner, "causal_attention", q, k), "causal_attention(q, k)",
                       shape=(2, 2))
    if not np.allclose(got, [[1, 0], [0.75, 0.25]]):
        raise Fail("with d_head = 4 the scores are divided by sqrt(4) = 2: q[1] . k[0] = 2 ln 3 "
                   "becomes ln 3 and q[1] . k[1] = 0 stays 0, so row 1 is [3/4, 1/4].")


@check(points=2, function="repeated_tokens")
def test_repeated_tokens_shape(learner):
    """repeated_tokens gives BOS then one half twice"""
    got = expect_array(value(learner, "repeated_tokens", Rng(1), 10, 5),
                       "repeated_tokens(rng, 10, 5)", shape=(11,))
    if got[0] != 0 or not np.array_equal(got[1:6], got[6:]) or (got[1:] == 0).any():
        raise Fail("repeated_tokens(rng, 10, 5) should be 0, then 5 tokens from 1..9, then "
                   "the same 5 again.")


@check(points=2, function="prev_token_score")
def test_prev_token_score_of_a_perfect_head(learner):
    """a head that always looks one step back scores 1"""
    looks_back = np.array([[1.0, 0, 0], [1, 0, 0], [0, 1, 0]])
    got = expect_float(value(learner, "prev_token_score", looks_back),
                       "prev_token_score(one (T, T) pattern)")
    if not np.isclose(got, 1.0):
        raise Fail("prev_token_score of a pattern with 1 at every [i, i-1] should be 1.")


@check(points=2, function="induction_score")
def test_induction_score_of_a_perfect_head(learner):
    """a head on the stripe i - half_len + 1 scores 1"""
    pattern = np.zeros((5, 5))
    pattern[3, 2] = pattern[4, 3] = 1.0  # half_len 2: queries 3, 4 look at keys 2, 3
    pattern[[0, 1, 2], [0, 0, 0]] = 1.0
    got = expect_float(value(learner, "induction_score", pattern, 2),
                       "induction_score(one (T, T) pattern, 2)")
    if not np.isclose(got, 1.0):
        raise Fail("induction_score with half_len 2 reads pattern[3, 2] and pattern[4, 3]: "
                   "both 1 here, so the score is 1.")


@check(points=1, function="find_heads")
def test_find_heads_small_example(learner):
    """find_heads([[0.1, 0.9], [0.95, 0.2]], 0.5) is [(0, 1), (1, 0)]"""
    got = value(learner, "find_heads", np.array([[0.1, 0.9], [0.95, 0.2]]), 0.5)
    if got != [(0, 1), (1, 0)]:
        raise Fail(f"find_heads gave {got!r}, expected [(0, 1), (1, 0)].")


@check(points=1, function="ablate_head")
def test_ablate_head_zeroes_one_block(learner):
    """ablate_head zeroes W_O[layer, head] and nothing else"""
    params = {"W_O": np.ones((2, 3, 2, 2)), "W_Q": np.ones((2, 3, 2, 2))}
    got = value(learner, "ablate_head", params, 1, 2)
    if not isinstance(got, dict) or "W_O" not in got:
        raise Fail("ablate_head should return a params dict.")
    W_O = expect_array(got["W_O"], "ablate_head(...)['W_O']", shape=(2, 3, 2, 2))
    if W_O[1, 2].any() or W_O.sum() != 20:
        raise Fail("ablate_head(params, 1, 2) should zero W_O[1, 2] only.")
