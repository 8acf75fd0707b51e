"""TOOL 01 — read its mind: public checks (shipped to learners), 10 points.

Quick sanity on hand-computed examples; the hidden suite grades. These checks never
import the reference answers: every expectation below can be worked out on paper.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Fail, check, expect_array, expect_float
from autograder.suites.common.calls import expect_value_error
from autograder.suites.lab01 import inputs
from autograder.suites.lab01.calls import value

TOOL = "tool01"


@check(points=1.5, function="softmax")
def test_softmax_of_small_examples(learner):
    """softmax gives [0.5, 0.5] for [0, 0], and works row by row on 2-D input"""
    got = expect_array(value(learner, "softmax", np.array([0.0, 0.0])), "softmax([0, 0])",
                       shape=(2,))
    if not np.allclose(got, [0.5, 0.5]):
        raise Fail("softmax([0, 0]) should be [0.5, 0.5]: exp(0) / (exp(0) + exp(0)).")
    logits = np.log(np.array([[1.0, 3.0], [2.0, 2.0]]))  # exps 1, 3 and 2, 2
    got = expect_array(value(learner, "softmax", logits), "softmax(logits)", shape=(2, 2))
    if not np.allclose(got, [[0.25, 0.75], [0.5, 0.5]]):
        if np.allclose(got.sum(axis=0), 1.0):
            raise Fail("softmax normalises each column of a 2-D input: each row must sum to "
                       "1 (use axis=-1, keepdims=True).")
        raise Fail("softmax of the rows log([1, 3]) and log([2, 2]) should be [0.25, 0.75] and "
                   "[0.5, 0.5]: each row on its own.")


@check(points=1.5, function="softmax")
def test_softmax_of_huge_logits(learner):
    """softmax gives [1, 0, 0] for [1e4, -1e4, -inf] (no overflow, -inf gets exactly 0)"""
    got = expect_array(value(learner, "softmax", np.array([1e4, -1e4, -np.inf])),
                       "softmax([1e4, -1e4, -inf])", shape=(3,))
    if not np.isfinite(got).all():
        raise Fail("softmax gave nan or inf for a logit of 1e4: exp(1e4) overflows, so "
                   "subtract the row's largest logit before exp.")
    if not (np.allclose(got, [1.0, 0.0, 0.0]) and got[2] == 0.0):
        raise Fail("softmax([1e4, -1e4, -inf]) should be [1, 0, 0], with exactly 0 for -inf.")


@check(points=1, function="softmax")
def test_softmax_of_the_model(learner):
    """softmax of the trained W gives 27 rows of probabilities"""
    got = expect_array(value(learner, "softmax", inputs.trained_W()), "softmax(W)",
                       shape=(27, 27))
    if not (np.allclose(got.sum(axis=1), 1.0) and (got >= 0).all() and (got <= 1).all()):
        raise Fail("softmax(W) should have rows of numbers between 0 and 1 that sum to 1.")


@check(points=1.5, function="read_row")
def test_read_row_of_a_uniform_model(learner):
    """read_row of an all-zero W is uniform (1/27), and after 'q' the model expects 'u'"""
    for letter in ("q", "."):
        got = expect_array(value(learner, "read_row", np.zeros((27, 27)), letter),
                           f"read_row(W, {letter!r})", shape=(27,))
        if not np.allclose(got, 1 / 27):
            raise Fail(f"read_row(zeros, {letter!r}) should be 1/27 everywhere: softmax of a "
                       "row of zeros.")
    got = expect_array(value(learner, "read_row", inputs.trained_W(), "q"),
                       "read_row(W, 'q')", shape=(27,))
    if int(np.argmax(got)) != 21:  # 'u' is token 21
        raise Fail("read_row(W, 'q') on the trained model should make 'u' most likely: "
                   "'.' is token 0, 'a' token 1, so 'q' is row 17 of W.")


@check(points=1.5, function="data_row")
def test_data_row_of_a_small_example(learner):
    """data_row divides the letter's row of counts by its sum"""
    counts = np.zeros((27, 27), dtype=np.int64)
    counts[1, 2], counts[1, 0] = 3, 1  # after 'a': 'b' three times, '.' once
    counts[0, 1] = 4  # every word starts with 'a'
    got = expect_array(value(learner, "data_row", counts, "a"), "data_row(counts, 'a')",
                       shape=(27,))
    if not np.allclose(got[[0, 2]], [0.25, 0.75]) or not np.isclose(got.sum(), 1.0):
        raise Fail("data_row(counts, 'a') should give 0.25 for '.' and 0.75 for 'b' when 'a' "
                   "is followed by 'b' 3 times and by '.' once: row 1 over its sum.")
    got = expect_array(value(learner, "data_row", counts, "."), "data_row(counts, '.')",
                       shape=(27,))
    if not np.isclose(got[1], 1.0):
        raise Fail("data_row(counts, '.') should give 1.0 for 'a' when every word starts "
                   "with 'a': '.' is row 0.")


@check(points=1.5, function="belief_gap")
def test_belief_gap_of_agreeing_and_disagreeing_models(learner):
    """belief_gap is 0 when model and data agree, 1 when they never do"""
    same = expect_float(value(learner, "belief_gap", np.zeros((27, 27)),
                              np.ones((27, 27), dtype=np.int64), "a"),
                        "belief_gap(W, counts, 'a')")
    if not np.isclose(same, 0.0):
        raise Fail(f"belief_gap gave {same:.4g} for a uniform model on uniform data; it "
                   "should be 0.")
    W = np.zeros((27, 27))
    W[1] = -np.inf
    W[1, 3] = 0.0  # after 'a' the model always says 'c'
    counts = np.ones((27, 27), dtype=np.int64)
    counts[1] = 0
    counts[1, 4] = 5  # after 'a' the data always says 'd'
    apart = expect_float(value(learner, "belief_gap", W, counts, "a"),
                         "belief_gap(W, counts, 'a')")
    if not np.isclose(apart, 1.0):
        hint = " (did you forget the 0.5?)" if np.isclose(apart, 2.0) else ""
        raise Fail(f"belief_gap gave {apart:.4g} where model and data never agree; it should "
                   f"be 1{hint}.")


@check(points=1.5, function="read_row")
def test_read_row_rejects_bad_letters(learner):
    """read_row raises ValueError for 'A' and '' (letters are '.' and 'a' to 'z')"""
    expect_value_error(learner, "read_row", (np.zeros((27, 27)), "A"), "the letter 'A'")
    expect_value_error(learner, "read_row", (np.zeros((27, 27)), ""), "the letter ''",
                       hint="Careful: '' in TOKENS is True and TOKENS.index('') is 0.")
