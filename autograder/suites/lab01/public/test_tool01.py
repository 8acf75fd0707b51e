"""TOOL 01 — read its mind: public checks (shipped to learners), 10 points.

Quick sanity on hand-computed examples; the hidden suite grades. These checks never
import the reference answers: every expectation below can be worked out on paper.
Each kind of mistake the hidden suite knows (overflow, -inf, a row-by-row 2-D input, a
changed input, SPEC's bad letters, a numpy float) shows here too, on inputs of its own.
"""

from __future__ import annotations

import numpy as np

from mindlab_grader.checks import Fail, check, describe, expect_array, expect_float
from mindlab_grader.suites.common.calls import judged, outcomes
from mindlab_grader.suites.lab01 import inputs
from mindlab_grader.suites.lab01.calls import changed, expect_bad_letters_rejected, value, values

LN3 = float(np.log(3.0))
# (logits, softmax worked out on paper): exps 1 and 1; 1 and 3; rows 1, 3 and 2, 2
SMALL = ((np.array([0.0, 0.0]), np.array([0.5, 0.5])),
         (np.array([0.0, LN3]), np.array([0.25, 0.75])),
         (np.array([[0.0, LN3], [1.0, 1.0]]), np.array([[0.25, 0.75], [0.5, 0.5]])))


def _small_outcomes(learner):
    """softmax of the small examples, once per learner: the value check and the
    unchanged-input check judge the same three calls (one round trip)."""
    return learner.shared("public softmax small", lambda: outcomes(
        learner, "softmax", [(x,) for x, _ in SMALL]))


@check(points=1.5, function="softmax")
def test_softmax_of_small_examples(learner):
    """softmax gives [0.5, 0.5] for [0, 0], [1/4, 3/4] for [0, ln 3], and works row by row"""
    for (x, want), out in zip(SMALL, _small_outcomes(learner)):
        got = expect_array(judged("softmax", out), "softmax(logits)", shape=x.shape)
        if np.allclose(got, want):
            continue
        if x.ndim == 2 and np.allclose(got.sum(axis=0), 1.0):
            raise Fail("softmax normalises each column of a 2-D input: each row must sum to "
                       "1 (use axis=-1, keepdims=True).")
        if x.ndim == 2:
            raise Fail("softmax of the rows [0, ln 3] and [1, 1] should be [0.25, 0.75] and "
                       "[0.5, 0.5]: each row on its own.")
        raise Fail(f"softmax({x.round(4).tolist()}) should be {want.tolist()}: exp of each "
                   "logit divided by the total of the exps.")


@check(points=1, function="softmax")
def test_softmax_of_huge_logits(learner):
    """softmax stays exact for logits of 1e4 and -1e4, row by row in a 2-D input"""
    cases = ((np.array([1e4, -1e4, -np.inf]), np.array([1.0, 0.0, 0.0])),
             # one row near 1e4, one near -1e4: each row is shifted by its own maximum
             (np.array([[1e4, 0.0], [-1e4, -1e4 + LN3]]), np.array([[1.0, 0.0], [0.25, 0.75]])))
    for (x, want), got in zip(cases, values(learner, "softmax", [(x,) for x, _ in cases])):
        got = expect_array(got, "softmax(logits)", shape=x.shape)
        if np.allclose(got, want, atol=1e-12):
            continue
        if not np.isfinite(got).all():
            raise Fail("softmax gave nan or inf for logits of size 1e4: exp(1e4) overflows, so "
                       "subtract each row's own largest logit (axis=-1, keepdims=True) before "
                       "exp; the largest of the whole array leaves a row near -1e4 as 0/0.")
        raise Fail("softmax of the rows [1e4, 0] and [-1e4, -1e4 + ln 3] should be [1, 0] and "
                   "[0.25, 0.75]: shift each row by its own maximum, and leave the logits "
                   "otherwise as they are (no clipping).")


@check(points=0.5, function="softmax")
def test_softmax_gives_zero_to_minus_inf(learner):
    """softmax gives exactly 0 to -inf, also next to finite logits as low as -2e9"""
    cases = ((np.array([-np.inf, 0.0, -np.inf]), np.array([0.0, 1.0, 0.0])),
             (np.array([-2e9, -np.inf]), np.array([1.0, 0.0])))
    for (x, want), got in zip(cases, values(learner, "softmax", [(x,) for x, _ in cases])):
        got = expect_array(got, "softmax(logits)", shape=x.shape)
        if np.allclose(got, want) and (got[np.isneginf(x)] == 0.0).all():
            continue
        if np.isnan(got).any():
            raise Fail("softmax gave nan when some logits are -inf: shift each row by its "
                       "largest logit (which is finite), not its smallest or its mean.")
        if (got[np.isneginf(x)] != 0.0).any():
            raise Fail("softmax gave a -inf logit a probability above 0 (softmax([-2e9, -inf]) "
                       "is [1, 0]): exp(-inf) is exactly 0, so keep -inf as it is, never "
                       "replaced by a large negative number or clipped.")
        raise Fail(f"softmax({x.tolist()}) should be {want.tolist()}: the -inf entries get 0 "
                   "and the finite ones share all the probability.")


@check(points=0.5, function="softmax")
def test_softmax_of_the_model(learner):
    """softmax of the trained W gives 27 rows of probabilities"""
    got = expect_array(value(learner, "softmax", inputs.trained_W()), "softmax(W)",
                       shape=(27, 27))
    if not (np.allclose(got.sum(axis=1), 1.0) and (got >= 0).all() and (got <= 1).all()):
        raise Fail("softmax(W) should have rows of numbers between 0 and 1 that sum to 1.")


@check(points=0.5, function="softmax", after="softmax_of_small_examples")
def test_softmax_leaves_its_input_unchanged(learner):
    """softmax leaves its input array unchanged, 1-D and 2-D alike"""
    for out in _small_outcomes(learner):
        judged("softmax", out, changed=changed)


# ---------------------------------------------------------------- read_row

ROW_W = np.zeros((27, 27))
ROW_W[2, [0, 1]] = [LN3, 0.0]  # after 'b': '.' three times as likely as 'a'
HUGE_ROW_W = np.zeros((27, 27))
HUGE_ROW_W[3, [0, 1]] = [1e4, 1e4 - LN3]  # after 'c': '.' three times as likely as 'a', in 1e4s
ROW_CASES = ((np.zeros((27, 27)), "q"), (np.zeros((27, 27)), "."), (ROW_W, "b"),
             (inputs.trained_W(), "q"), (HUGE_ROW_W, "c"))


def _read_row_outcomes(learner):
    return learner.shared("public read_row", lambda: outcomes(learner, "read_row",
                                                              ROW_CASES))


@check(points=1.5, function="read_row", needs="softmax")
def test_read_row_of_a_uniform_model(learner):
    """read_row of an all-zero W is uniform (1/27), 'q' expects 'u', and 1e4 logits work"""
    outs = _read_row_outcomes(learner)
    for (_, letter), out in zip(ROW_CASES[:2], outs):
        got = expect_array(judged("read_row", out), f"read_row(W, {letter!r})", shape=(27,))
        if not np.allclose(got, 1 / 27):
            raise Fail(f"read_row(zeros, {letter!r}) should be 1/27 everywhere: softmax of a "
                       "row of zeros.")
    got = expect_array(judged("read_row", outs[2]), "read_row(W, 'b')", shape=(27,))
    want = np.exp(ROW_W[2]) / np.exp(ROW_W[2]).sum()  # 3 / 30 and 1 / 30, then 1 / 30 each
    if not np.allclose(got, want):
        raise Fail("read_row(W, 'b') should be softmax(W[2]), the row of 'b' ('.' is token "
                   "0, 'a' token 1): not the column W[:, 2], not another row.")
    got = expect_array(judged("read_row", outs[3]), "read_row(W, 'q')", shape=(27,))
    if int(np.argmax(got)) != 21:  # 'u' is token 21
        raise Fail("read_row(W, 'q') on the trained model should make 'u' most likely: "
                   "'.' is token 0, 'a' token 1, so 'q' is row 17 of W.")
    got = expect_array(judged("read_row", outs[4]), "read_row(W, 'c')", shape=(27,))
    if not np.allclose(got[:2], [0.75, 0.25]) or not np.allclose(got[2:], 0.0):
        raise Fail("read_row(W, 'c') with logits of 1e4 should be 3/4 for '.' and 1/4 for "
                   "'a': use softmax (it subtracts the row's max), not exp(row) / sum, which "
                   "overflows.")


@check(points=0.5, function="read_row", after="read_row_of_a_uniform_model", needs="softmax")
def test_read_row_leaves_W_unchanged(learner):
    """read_row leaves W unchanged (W[i] is a view: shifting it in place changes W)"""
    for out in _read_row_outcomes(learner):
        judged("read_row", out, changed=changed)


@check(points=1, function="read_row")
def test_read_row_rejects_bad_letters(learner):
    """read_row raises ValueError for 'A', 'ab', '', 3, ' a', 'a\\n' and None"""
    expect_bad_letters_rejected(learner, "read_row", lambda bad: (np.zeros((27, 27)), bad))


# ---------------------------------------------------------------- data_row


@check(points=1, function="data_row")
def test_data_row_of_a_small_example(learner):
    """data_row divides the letter's row of counts by its sum"""
    counts = np.zeros((27, 27), dtype=np.int64)
    counts[1, 2], counts[1, 0] = 3, 1  # after 'a': 'b' three times, '.' once
    counts[0, 1] = 4  # every word starts with 'a'
    counts[3, [0, 1]] = 1, 2  # after 'c': '.' once, 'a' twice (thirds: not exact in binary)
    raw = list(values(learner, "data_row", [(counts, "a"), (counts, "."), (counts, "c")]))
    after_a, after_dot, after_c = (expect_array(got, "data_row(counts, letter)", shape=(27,))
                                   for got in raw)
    if not np.allclose(after_a[[0, 2]], [0.25, 0.75]) or not np.isclose(after_a.sum(), 1.0):
        raise Fail("data_row(counts, 'a') should give 0.25 for '.' and 0.75 for 'b' when 'a' "
                   "is followed by 'b' 3 times and by '.' once: row 1 over its sum.")
    if not np.isclose(after_dot[1], 1.0):
        raise Fail("data_row(counts, '.') should give 1.0 for 'a' when every word starts "
                   "with 'a': '.' is row 0.")
    if not np.allclose(after_c[:2], [1 / 3, 2 / 3], rtol=1e-9, atol=1e-12):
        raise Fail("data_row(counts, 'c') should give 1/3 and 2/3 to float64's precision "
                   f"(15 digits) when 'c' is followed by '.' once and 'a' twice; it gave "
                   f"{after_c[0]:.12g}" + (f" ({raw[2].dtype}: divide in float64, numpy's "
                                            "default)" if raw[2].dtype != np.float64 else "")
                   + ".")


@check(points=0.5, function="data_row")
def test_data_row_rejects_bad_letters(learner):
    """data_row raises ValueError for 'A', 'ab', '', 3, ' a', 'a\\n' and None"""
    expect_bad_letters_rejected(learner, "data_row",
                                lambda bad: (np.ones((27, 27), dtype=np.int64), bad))


# ---------------------------------------------------------------- belief_gap

APART_W = np.zeros((27, 27))
APART_W[1] = -np.inf
APART_W[1, 3] = 0.0  # after 'a' the model always says 'c'
APART_COUNTS = np.ones((27, 27), dtype=np.int64)
APART_COUNTS[1] = 0
APART_COUNTS[1, 4] = 5  # after 'a' the data always says 'd'
THIRDS_W = np.full((27, 27), -np.inf)
THIRDS_W[:, [0, 1]] = 0.0  # after any token: '.' or 'a', half and half
THIRDS_COUNTS = np.zeros((27, 27), dtype=np.int64)
THIRDS_COUNTS[:, [0, 2, 3]] = 1  # the data: '.', 'b' or 'c', a third each
# belief - data = [1/2 - 1/3, 1/2, -1/3, -1/3]: half the sum of |.| is 2/3
GAPS = (((np.zeros((27, 27)), np.ones((27, 27), dtype=np.int64), "a"), 0.0,
         "a uniform model on uniform data"),
        ((APART_W, APART_COUNTS, "a"), 1.0, "model and data never agree"),
        ((THIRDS_W, THIRDS_COUNTS, "m"), 2 / 3,
         "the model says '.' or 'a' (1/2 each) and the data '.', 'b' or 'c' (1/3 each)"),
        ((np.where(APART_W == 0.0, 1e4, APART_W), APART_COUNTS, "a"), 1.0,
         "model and data never agree, with a logit of 1e4"))


@check(points=1, function="belief_gap", needs=("read_row", "data_row"))
def test_belief_gap_of_small_examples(learner):
    """belief_gap is 0 when model and data agree, 1 when they never do (1e4 logits too)"""
    raw = list(values(learner, "belief_gap", [args for args, _, _ in GAPS]))
    for (_, want, when), got in zip(GAPS, raw):
        got = expect_float(got, "belief_gap(W, counts, letter)")
        if np.isclose(got, want, rtol=1e-9, atol=1e-12):
            continue
        hint = (" (nan: exp(1e4) overflows to inf and inf / inf is nan; take the belief "
                "from read_row, whose softmax subtracts the row's largest logit first)"
                if got != got else
                " (it is twice that: did you forget the 0.5?)" if np.isclose(got, 2 * want)
                else " (it is off by less than 1e-3: return the distance unrounded)"
                if abs(got - want) < 1e-3 else "")
        raise Fail(f"belief_gap gave {got:.4g} where {when}; it should be {want:.4g}: "
                   f"0.5 * sum(|belief - data|) over all 27 tokens{hint}.")
    if any(type(got) is not float for got in raw):
        raise Fail(f"belief_gap returned {describe(raw[0])}, not a plain Python float: "
                   "convert with float(...) (a numpy value prints and compares differently).")


@check(points=0.5, function="belief_gap", needs=("read_row", "data_row"))
def test_belief_gap_rejects_bad_letters(learner):
    """belief_gap raises ValueError for 'A', 'ab', '', 3, ' a', 'a\\n' and None"""
    expect_bad_letters_rejected(learner, "belief_gap",
                                lambda bad: (np.zeros((27, 27)),
                                             np.ones((27, 27), dtype=np.int64), bad))
