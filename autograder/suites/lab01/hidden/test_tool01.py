"""TOOL 01 — read its mind: hidden checks (the grade), 10 points.

Every expectation is the reference core's answer, computed once at import in the judge
process; next to it, what known mistakes would return on the same input, to name them.
Feedback describes what the learner's function did, never these inputs or answers.
"""

from __future__ import annotations

import numpy as np

from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import index
from mindlab_grader.checks import Fail, check, describe, expect_array, expect_float
from mindlab_grader.learner import LearnerCrashed, LearnerTimeout
from mindlab_grader.suites.common.calls import judged, outcomes
from mindlab_grader.suites.common.hints import mistake, mistake_everywhere, quietly, same
from mindlab_grader.suites.lab01 import inputs
from mindlab_grader.suites.lab01.calls import changed, expect_bad_letters_rejected, value, values

W = inputs.trained_W()
COUNTS = inputs.trained_counts()
LETTERS = ("a", "m", "q", "z")  # rows read by the value checks; "." has its own check
OTHER_W = inputs.random_W(111)  # not the trained model: a function must read the W it is given
HUGE_W = inputs.huge_W(112)  # logits up to 1e4 and -inf: only a stable softmax reads it
PLAIN = ("e", "m")  # letters for the checks that a function runs: nothing tricky about them


def _global_shift(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum(axis=-1, keepdims=True)


def _shift_by(x: np.ndarray, by) -> np.ndarray:
    """Each row shifted by `by` of itself (np.min, np.mean; None: no shift), then exp/sum."""
    e = np.exp(x if by is None else x - by(x, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------- softmax

RANDOM_LOGITS = inputs.random_W(101, shape=(5, 27))
VECTOR = inputs.random_W(102, shape=(27,))
HUGE = np.stack([
    np.random.default_rng(103).uniform(-1e4, 1e4, 27),  # spread over ±1e4
    -1e4 + np.random.default_rng(104).normal(0, 1, 27),  # all far below the other rows
    np.where(np.arange(27) < 3, 1e4, -1e4),  # a tie at the top, huge on both sides
    np.random.default_rng(105).normal(0, 2, 27),  # an ordinary row
])
WITH_INF = inputs.random_W(106, shape=(4, 27))
WITH_INF[np.random.default_rng(107).random((4, 27)) < 0.4] = -np.inf
WITH_INF[3] = -np.inf
WITH_INF[3, 5] = 2.0  # a row with one finite entry: probability 1 there, exactly 0 elsewhere
WITH_INF[:, 0] = [3.0, 0.0, -1.0, -np.inf]  # every row keeps a finite entry
FAR_BELOW = np.full((1, 27), -np.inf)  # finite logits far below any stand-in for -inf
FAR_BELOW[0, [4, 9]] = [-2e9, -3e9]
WITH_INF = np.vstack([WITH_INF, FAR_BELOW])


def _shape_outcomes(learner):
    """softmax of a 2-D and a 1-D input, once per learner: the shape check and the
    unchanged-input check judge the same two calls (one round trip)."""
    return learner.shared("softmax shapes", lambda: outcomes(
        learner, "softmax", [(RANDOM_LOGITS,), (VECTOR,)]))


@check(points=0.5, function="softmax")
def test_softmax_returns_an_array_of_the_input_shape(learner):
    """softmax returns an array of its input's shape, for 1-D and 2-D logits"""
    for x, out in zip((RANDOM_LOGITS, VECTOR), _shape_outcomes(learner)):
        expect_array(judged("softmax", out, on_raise=_shape_raised), "softmax(logits)",
                     shape=x.shape)


def _shape_raised(out) -> str:
    return (f"softmax raised {out.raised.type_name} on a 1-D or a 2-D array of logits: work "
            "along the last axis (axis=-1, keepdims=True), which exists for both.")


@check(points=1, function="softmax")
def test_softmax_rows_sum_to_one(learner):
    """softmax turns each row of a 2-D array of logits into probabilities"""
    got = expect_array(value(learner, "softmax", RANDOM_LOGITS,
                             on_raise=_softmax_2d_raised),
                       "softmax(logits)", shape=RANDOM_LOGITS.shape, precise=True)
    if same(got, ref.softmax(RANDOM_LOGITS)):
        return
    if np.allclose(got.sum(axis=0), 1.0):
        raise Fail("softmax's probabilities sum to 1 down each column, not along each row: "
                   "normalise along the last axis (axis=-1), one row at a time.")
    if np.isclose(got.sum(), 1.0):
        raise Fail("softmax's probabilities sum to 1 over the whole 2-D array: divide each "
                   "row's exps by that row's own total (sum with axis=-1, keepdims=True).")
    if not np.allclose(got.sum(axis=1), 1.0):
        raise Fail(f"softmax's rows sum to {got.sum(axis=1)[0]:.4g}, not 1: divide each exp "
                   "by the total of its row.")
    hint = mistake(got, {"normalising the logits without exp": RANDOM_LOGITS
                         / RANDOM_LOGITS.sum(axis=-1, keepdims=True)})
    raise Fail("softmax's rows sum to 1 but are not softmax probabilities"
               + (f" (it looks like {hint})" if hint else "")
               + ": each entry is exp(logit) divided by the sum of its row's exps.")


def _softmax_2d_raised(out) -> str:
    return (f"softmax raised {out.raised.type_name} on a 2-D array of logits: it must work "
            "row by row for 2-D input (sum with axis=-1 and keepdims=True, so the row "
            "totals line up with the rows).")


@check(points=0.5, function="softmax")
def test_softmax_works_on_a_single_vector(learner):
    """softmax works on a 1-D vector of logits"""

    def raised(out) -> str:
        return (f"softmax raised {out.raised.type_name} on a 1-D vector of logits: use "
                "axis=-1 (the last axis), which exists for 1-D and 2-D input alike.")

    got = expect_array(value(learner, "softmax", VECTOR, on_raise=raised),
                       "softmax(vector)", shape=VECTOR.shape, precise=True)
    if not same(got, ref.softmax(VECTOR)):
        raise Fail(f"softmax of a 1-D vector gave entries summing to {got.sum():.4g} that "
                   "are not exp(logit) / sum of exps: check the 1-D case on a small example.")


@check(points=1, function="softmax")
def test_softmax_is_stable_for_huge_logits(learner):
    """softmax stays exact for logits as large as 1e4 and as small as -1e4"""
    got = expect_array(value(learner, "softmax", HUGE,
                             on_raise=_softmax_2d_raised),
                       "softmax(logits)", shape=HUGE.shape, precise=True)
    if same(got, ref.softmax(HUGE), atol=1e-12):
        return
    if not np.isfinite(got).all():
        hint = mistake(got, {
            "subtracts the largest logit of the whole array, which leaves rows far below "
            "it with exp(...) = 0 everywhere and 0/0 = nan: subtract each row's own maximum "
            "(axis=-1, keepdims=True)": quietly(_global_shift, HUGE)})
        raise Fail("softmax gave nan or inf for logits of size 1e4"
                   + (f": it {hint}." if hint else
                      ": exp(1e4) overflows. Subtract each row's largest logit before exp; "
                      "it cancels out in the division and keeps every exp at most 1."))
    raise Fail("softmax gave finite but wrong probabilities for logits of size 1e4: subtract "
               "each row's own largest logit before exp, and leave the logits otherwise as "
               "they are (no clipping).")


@check(points=0.5, function="softmax")
def test_softmax_gives_zero_to_minus_inf(learner):
    """softmax gives probability exactly 0 to logits equal to -inf"""
    got = expect_array(value(learner, "softmax", WITH_INF,
                             on_raise=_softmax_2d_raised),
                       "softmax(logits)", shape=WITH_INF.shape, precise=True)
    blocked = np.isneginf(WITH_INF)
    if np.isnan(got).any():
        # the cause named only when the nan's pattern is that mistake's (several give nan)
        hint = mistake(got, {
            "-inf minus -inf is nan, so shift each row by its largest logit (which is "
            "finite), not its smallest or its mean": quietly(_shift_by, WITH_INF, np.min),
            "-inf minus -inf is nan, so shift each row by its largest logit (finite), not "
            "its mean": quietly(_shift_by, WITH_INF, np.mean),
            # (no shift and the whole array's maximum give the same here: one hint for both)
            "a row whose logits are all far below what is subtracted from them (-2e9: "
            "nothing, or the whole array's largest logit) gets exp(...) = 0 everywhere and "
            "0/0 = nan: subtract each row's own largest logit": quietly(_global_shift, WITH_INF)})
        raise Fail("softmax gave nan when some logits are -inf or far below the others"
                   + (f": {hint}." if hint else ": shift each row by its own largest logit "
                      "(finite, so no -inf minus -inf) before exp, and normalise each row "
                      "(axis=-1)."))
    if not (got[blocked] == 0.0).all():
        raise Fail("softmax gave a small but nonzero probability to a logit of -inf; "
                   "exp(-inf) is exactly 0, so keep -inf as it is (no clipping or replacing).")
    if not same(got, ref.softmax(WITH_INF)):
        raise Fail("softmax gave 0 to the -inf logits but wrong probabilities to the finite "
                   "ones: compute exp(logit - row max) / row total as usual.")


@check(points=0.5, function="softmax", after=("softmax_returns_an_array_of_the_input_shape",
                                              "softmax_rows_sum_to_one"))
def test_softmax_leaves_logits_unchanged(learner):
    """softmax leaves its input array unchanged, 1-D and 2-D alike"""
    for out in _shape_outcomes(learner):
        judged("softmax", out, changed=changed)


# ---------------------------------------------------------------- read_row

READ_ROW = {letter: ref.read_row(W, letter) for letter in LETTERS + (".",)}


def _read_row_mistakes(W_: np.ndarray, letter: str) -> dict[str, object]:
    i = index(letter)
    return {
        "it reads column W[:, i] (what comes *before* the letter): the row W[i] is what "
        "comes after": ref.softmax(W_[:, i]),
        "it reads the row one before: '.' is token 0, so 'a' is row 1 (ord(c) - ord('a') "
        "is one too small)": ref.softmax(W_[i - 1]),
        "it reads the row one after: 'a' is row 1, 'z' is row 26": (
            ref.softmax(W_[i + 1]) if i + 1 < 27 else None),
        "it returns the raw logits: apply softmax to the row": W_[i],
        "it returns exp of the logits without dividing by their total": quietly(
            np.exp, W_[i]),
        "it reads the trained model instead of the W it is given": (
            ref.read_row(W, letter) if W_ is not W else None),
    }


def _read_row_raised(out) -> str:
    return (f"read_row raised {out.raised.type_name} for a token: turn the letter into its "
            "row with the token order '.abc...z' ('.' is 0, 'z' is 26), so that every one "
            "of the 27 tokens has a row.")


@check(points=0.5, function="read_row")
def test_read_row_returns_a_row(learner):
    """read_row returns a (27,) array for a letter"""
    cases = [(OTHER_W, letter) for letter in PLAIN]
    for got in values(learner, "read_row", cases, on_raise=_read_row_raised):
        expect_array(got, "read_row(W, letter)", shape=(27,))


@check(points=0.5, function="read_row")
def test_read_row_matches_the_model(learner):
    """read_row gives softmax of the letter's row of the W it is given"""
    cases = [(W, letter) for letter in LETTERS] + [(OTHER_W, letter) for letter in LETTERS]
    cases += [(HUGE_W, letter) for letter in ("g", "t")]  # logits of 1e4: a stable softmax
    expected = [ref.read_row(*case) for case in cases]
    got_all = []
    try:  # as if called one by one: a wrong answer before a hang or crash is what counts
        for got in values(learner, "read_row", cases, on_raise=_read_row_raised,
                          keep_inputs=True):
            got_all.append(expect_array(got, "read_row(W, letter)", shape=(27,), precise=True))
    except (LearnerTimeout, LearnerCrashed):
        if all(same(g, e) for g, e in zip(got_all, expected)):
            raise
    if len(got_all) == len(cases) and all(same(g, e) for g, e in zip(got_all, expected)):
        return
    guesses = [_read_row_mistakes(*case) for case in cases]
    hint = mistake_everywhere(got_all, {h: [g[h] for g in guesses] for h in guesses[0]})
    raise Fail("read_row(W, letter) is not the belief of the W it is given after the letter, "
               "for some letters" + (f": {hint}." if hint else
                                     ": it should be softmax(W[i]), i the letter's index."))


@check(points=0.5, function="read_row")
def test_read_row_reads_the_first_letter_row(learner):
    """read_row(W, ".") gives the model's belief about a word's first letter"""

    def raised(out) -> str:
        return (f"read_row raised {out.raised.type_name} for the letter '.': '.' is a token "
                "too, index 0 (its row is the belief about a word's first letter), so "
                "ord(c) - ord('a') tricks do not work for it.")

    for W_, got in zip((W, OTHER_W), values(learner, "read_row", [(W, "."), (OTHER_W, ".")],
                                            on_raise=raised)):
        got = expect_array(got, "read_row(W, '.')", shape=(27,))
        if not same(got, ref.read_row(W_, ".")):
            raise Fail("read_row(W, '.') is not softmax(W[0]) of the W it is given: '.' is "
                       "token 0, and its row holds the belief about the first letter of a "
                       "word.")


@check(points=0.5, function="read_row", after="read_row_returns_a_row")
def test_read_row_rejects_bad_letters(learner):
    """read_row raises ValueError for anything that is not one of the 27 tokens"""
    expect_bad_letters_rejected(learner, "read_row", lambda bad: (W, bad), others=True)


# ---------------------------------------------------------------- data_row

SMALL_COUNTS = inputs.random_counts(108)


def _data_row_mistakes(counts: np.ndarray, letter: str) -> dict[str, object]:
    i = index(letter)
    row = counts[i]
    return {
        "it divides by the total of all counts: divide the row by its own sum": row
        / counts.sum(),
        "it uses integer division (//), which rounds every share down to 0: use /":
            row // row.sum(),
        "it reads column counts[:, i] (what comes before the letter) instead of the row":
            counts[:, i] / counts[:, i].sum(),
        "it reads the row one before: '.' is token 0, so 'a' is row 1":
            counts[i - 1] / counts[i - 1].sum(),
        "it returns the raw counts: divide the row by its sum": row,
        "it reads the shipped counts instead of the counts it is given": (
            ref.data_row(COUNTS, letter) if counts is not COUNTS else None),
    }


def _data_row_raised(out) -> str:
    return (f"data_row raised {out.raised.type_name} for a token: turn the letter into its "
            "row with the token order '.abc...z' ('.' is 0, 'z' is 26).")


@check(points=0.5, function="data_row")
def test_data_row_returns_a_row(learner):
    """data_row returns a (27,) array for a letter"""
    cases = [(SMALL_COUNTS, letter) for letter in PLAIN]
    for got in values(learner, "data_row", cases, on_raise=_data_row_raised):
        expect_array(got, "data_row(counts, letter)", shape=(27,))


def _value_check(learner, function: str, cases: list, what: str, mistakes, wrong: str,
                 advice: str, keep_inputs: bool = False, on_raise=None) -> None:
    """The learner's result for every case equals the reference's, or Fail naming a mistake
    only when its outputs match the learner's on every case."""
    got_all = [expect_array(got, what, shape=(27,), precise=True)
               for got in values(learner, function, cases, on_raise=on_raise,
                                 keep_inputs=keep_inputs)]
    expected = [getattr(ref, function)(*case) for case in cases]
    if all(same(g, e) for g, e in zip(got_all, expected)):
        return
    guesses = [mistakes(*case) for case in cases]
    hint = mistake_everywhere(got_all, {h: [g[h] for g in guesses] for h in guesses[0]})
    raise Fail(wrong + (f": {hint}." if hint else f": {advice}."))


@check(points=0.5, function="data_row")
def test_data_row_matches_the_counts(learner):
    """data_row gives the letter's row of the counts it is given, divided by its sum"""
    cases = [(COUNTS, letter) for letter in LETTERS] + [(SMALL_COUNTS, "k")]
    _value_check(learner, "data_row", cases, "data_row(counts, letter)", _data_row_mistakes,
                 "data_row(counts, letter) is not what the data does after the letter for "
                 "some letters", "it should be counts[i] / counts[i].sum()",
                 keep_inputs=True, on_raise=_data_row_raised)


@check(points=0.5, function="data_row")
def test_data_row_reads_the_first_letter_row(learner):
    """data_row(counts, ".") gives the first-letter frequencies, for any counts"""
    _value_check(learner, "data_row", [(COUNTS, "."), (SMALL_COUNTS, ".")],
                 "data_row(counts, '.')", _data_row_mistakes,
                 "data_row(counts, '.') is not how often each token starts a word",
                 "'.' is row 0 of counts; divide that row by its sum",
                 on_raise=_data_row_raised)


@check(points=0.5, function="data_row", after="data_row_returns_a_row")
def test_data_row_rejects_bad_letters(learner):
    """data_row raises ValueError for anything that is not one of the 27 tokens"""
    expect_bad_letters_rejected(learner, "data_row", lambda bad: (COUNTS, bad), others=True)


# ---------------------------------------------------------------- belief_gap

GAP_CASES = [(W, COUNTS, letter) for letter in (".", "a", "q", "x")]
GAP_CASES.append((inputs.random_W(109), SMALL_COUNTS, "k"))
GAP_CASES.append((OTHER_W, COUNTS, "e"))  # another model on the shipped data
GAP_CASES.append((HUGE_W, COUNTS, "t"))  # logits of 1e4: a softmax without its shift gives nan
GAPS = [ref.belief_gap(*case) for case in GAP_CASES]


def _gap_mistakes(W_: np.ndarray, counts: np.ndarray, letter: str) -> dict[str, object]:
    diff = ref.read_row(W_, letter) - ref.data_row(counts, letter)
    return {
        "it is twice the distance: multiply the sum of |belief - data| by 0.5":
            np.abs(diff).sum(),
        "it forgets the absolute value, so positive and negative differences cancel":
            0.5 * diff.sum(),
        "it sums squared differences: the total variation distance uses |belief - data|":
            0.5 * (diff**2).sum(),
        "it takes the largest difference: add up all |belief - data|": np.abs(diff).max(),
        "it reads the trained model instead of the W it is given": (
            ref.belief_gap(W, counts, letter) if W_ is not W else None),
    }


GAP_MISTAKES = [_gap_mistakes(*case) for case in GAP_CASES]


@check(points=0.5, function="belief_gap")
def test_belief_gap_returns_a_number(learner):
    """belief_gap returns a number for a letter"""
    cases = [(OTHER_W, SMALL_COUNTS, letter) for letter in PLAIN]
    for got in values(learner, "belief_gap", cases):
        expect_float(got, "belief_gap(W, counts, letter)")


@check(points=0.5, function="belief_gap")
def test_belief_gap_is_the_total_variation_distance(learner):
    """belief_gap gives 0.5 * sum(|belief - data|) for the letter, as a plain float"""
    raw = list(values(learner, "belief_gap", GAP_CASES, keep_inputs=True))
    got_all = [expect_float(got, "belief_gap(W, counts, letter)") for got in raw]
    if all(np.isclose(g, e, rtol=1e-7, atol=1e-10) for g, e in zip(got_all, GAPS)):
        if any(type(got) is not float for got in raw):
            raise Fail(f"belief_gap returned {describe(raw[0])}, not a plain Python float: "
                       "convert with float(...) (a numpy value prints and compares "
                       "differently).")
        return
    got = next(g for g, e in zip(got_all, GAPS) if not np.isclose(g, e, rtol=1e-7, atol=1e-10))
    if not np.isfinite(got_all[-1]) and all(np.isfinite(got_all[:-1])):
        raise Fail(f"belief_gap gave {got_all[-1]} for a model whose logits reach 1e4: "
                   "exp(1e4) overflows to inf, and inf / inf is nan. Take the belief from "
                   "read_row, whose softmax subtracts the row's largest logit first.")
    hint = mistake_everywhere(got_all, {h: [m[h] for m in GAP_MISTAKES]
                                        for h in GAP_MISTAKES[0]})
    raise Fail(f"belief_gap gave {got:.4g} for one letter, which is not the total "
               "variation distance between read_row and data_row"
               + (f": {hint}." if hint else ": compute 0.5 * sum(|belief - data|), without "
                  "rounding."))


MATCHED_COUNTS = inputs.random_counts(110)  # a model that believes exactly what the data does
with np.errstate(divide="ignore"):  # log(0) = -inf where the data never goes: intended
    MATCHED_W = np.log(MATCHED_COUNTS / MATCHED_COUNTS.sum(axis=1, keepdims=True))
DISJOINT_W = np.zeros((27, 27))  # after "e" the model always says "x" ...
DISJOINT_W[index("e")] = -np.inf
DISJOINT_W[index("e"), index("x")] = 0.0
DISJOINT_COUNTS = np.ones((27, 27), dtype=np.int64)  # ... but the data always says "y"
DISJOINT_COUNTS[index("e")] = 0
DISJOINT_COUNTS[index("e"), index("y")] = 7


@check(points=0.5, function="belief_gap")
def test_belief_gap_spans_zero_to_one(learner):
    """belief_gap is 0 when model and data agree and 1 when they never do"""
    cases = (((MATCHED_W, MATCHED_COUNTS, "m"), 0.0, "the model's belief equals the data"),
             ((DISJOINT_W, DISJOINT_COUNTS, "e"), 1.0, "model and data never agree"))
    got_all = values(learner, "belief_gap", [args for args, _, _ in cases])
    for (_, expected, when), got in zip(cases, got_all):
        got = expect_float(got, "belief_gap(W, counts, letter)")
        if not np.isclose(got, expected, atol=1e-9):
            raise Fail(f"belief_gap gave {got:.4g} where {when}; the total variation "
                       "distance 0.5 * sum(|belief - data|) is 0 for equal beliefs and 1 for "
                       "beliefs with nothing in common.")


@check(points=0.5, function="belief_gap", after="belief_gap_returns_a_number")
def test_belief_gap_rejects_bad_letters(learner):
    """belief_gap raises ValueError for anything that is not one of the 27 tokens"""
    expect_bad_letters_rejected(learner, "belief_gap", lambda bad: (W, COUNTS, bad),
                                others=True)
