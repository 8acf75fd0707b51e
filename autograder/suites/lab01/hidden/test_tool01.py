"""TOOL 01 — read its mind: hidden checks (the grade), 10 points.

Every expectation is the reference core's answer, computed once at import in the judge
process; next to it, what known mistakes would return on the same input, to name them.
Feedback describes what the learner's function did, never these inputs or answers.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Fail, check, expect_array, expect_float
from autograder.suites.common.hints import mistake, quietly, same
from autograder.suites.lab01 import inputs
from autograder.suites.lab01.calls import expect_bad_letters_rejected, value, values
from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import index

TOOL = "tool01"

W = inputs.trained_W()
COUNTS = inputs.trained_counts()
LETTERS = ("a", "m", "q", "z")  # rows read by the value checks; "." has its own check


def _global_shift(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
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


@check(points=1, function="softmax")
def test_softmax_rows_sum_to_one(learner):
    """softmax turns each row of a 2-D array of logits into probabilities"""
    got = expect_array(value(learner, "softmax", RANDOM_LOGITS,
                             on_raise=_softmax_2d_raised),
                       "softmax(logits)", shape=RANDOM_LOGITS.shape)
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
                       "softmax(vector)", shape=VECTOR.shape)
    if not same(got, ref.softmax(VECTOR)):
        raise Fail(f"softmax of a 1-D vector gave entries summing to {got.sum():.4g} that "
                   "are not exp(logit) / sum of exps: check the 1-D case on a small example.")


@check(points=1, function="softmax")
def test_softmax_is_stable_for_huge_logits(learner):
    """softmax stays exact for logits as large as 1e4 and as small as -1e4"""
    got = expect_array(value(learner, "softmax", HUGE,
                             on_raise=_softmax_2d_raised),
                       "softmax(logits)", shape=HUGE.shape)
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


@check(points=1, function="softmax")
def test_softmax_gives_zero_to_minus_inf(learner):
    """softmax gives probability exactly 0 to logits equal to -inf"""
    got = expect_array(value(learner, "softmax", WITH_INF,
                             on_raise=_softmax_2d_raised),
                       "softmax(logits)", shape=WITH_INF.shape)
    blocked = np.isneginf(WITH_INF)
    if np.isnan(got).any():
        raise Fail("softmax gave nan when some logits are -inf: -inf minus -inf is nan, so "
                   "shift each row by its largest logit (which is finite), not its smallest "
                   "or its mean.")
    if not (got[blocked] == 0.0).all():
        raise Fail("softmax gave a small but nonzero probability to a logit of -inf; "
                   "exp(-inf) is exactly 0, so keep -inf as it is (no clipping or replacing).")
    if not same(got, ref.softmax(WITH_INF)):
        raise Fail("softmax gave 0 to the -inf logits but wrong probabilities to the finite "
                   "ones: compute exp(logit - row max) / row total as usual.")


@check(points=0.5, function="softmax")
def test_softmax_leaves_logits_unchanged(learner):
    """softmax leaves its input array unchanged (and still gets it right)"""
    got = expect_array(value(learner, "softmax", RANDOM_LOGITS, on_raise=_softmax_2d_raised,
                             keep_inputs=True),
                       "softmax(logits)", shape=RANDOM_LOGITS.shape)
    if not same(got, ref.softmax(RANDOM_LOGITS)):
        raise Fail("softmax left its input unchanged, but its probabilities are not right "
                   "yet: this check pays once the other softmax checks pass.")


# ---------------------------------------------------------------- read_row

READ_ROW = {letter: ref.read_row(W, letter) for letter in LETTERS + (".",)}


def _read_row_mistakes(letter: str) -> dict[str, object]:
    i = index(letter)
    return {
        "it reads column W[:, i] (what comes *before* the letter): the row W[i] is what "
        "comes after": ref.softmax(W[:, i]),
        "it reads the row one before: '.' is token 0, so 'a' is row 1 (ord(c) - ord('a') "
        "is one too small)": ref.softmax(W[i - 1]),
        "it reads the row one after: 'a' is row 1, 'z' is row 26": (
            ref.softmax(W[i + 1]) if i + 1 < 27 else None),
        "it returns the raw logits: apply softmax to the row": W[i],
        "it returns exp of the logits without dividing by their total": quietly(
            np.exp, W[i]),
    }


READ_ROW_MISTAKES = {letter: _read_row_mistakes(letter) for letter in LETTERS}


@check(points=1, function="read_row")
def test_read_row_matches_the_model(learner):
    """read_row gives softmax of the letter's row of W"""

    def raised(out) -> str:
        return (f"read_row raised {out.raised.type_name} for an ordinary letter: turn the "
                "letter into its row with the token order '.abc...z' ('.' is 0, 'z' is 26).")

    cases = [(W, letter) for letter in LETTERS]
    for letter, got in zip(LETTERS, values(learner, "read_row", cases, on_raise=raised,
                                           keep_inputs=True)):
        got = expect_array(got, "read_row(W, letter)", shape=(27,))
        if not same(got, READ_ROW[letter]):
            hint = mistake(got, READ_ROW_MISTAKES[letter])
            raise Fail("read_row(W, letter) is not the model's belief after the letter for "
                       "some letters" + (f": {hint}." if hint else
                                         ": it should be softmax(W[i]), i the letter's index."))


@check(points=0.5, function="read_row")
def test_read_row_reads_the_first_letter_row(learner):
    """read_row(W, ".") gives the model's belief about a word's first letter"""

    def raised(out) -> str:
        return (f"read_row raised {out.raised.type_name} for the letter '.': '.' is a token "
                "too, index 0 (its row is the belief about a word's first letter), so "
                "ord(c) - ord('a') tricks do not work for it.")

    got = expect_array(value(learner, "read_row", W, ".", on_raise=raised),
                       "read_row(W, '.')", shape=(27,))
    if not same(got, READ_ROW["."]):
        raise Fail("read_row(W, '.') is not softmax(W[0]): '.' is token 0, and its row "
                   "holds the belief about the first letter of a word.")


@check(points=0.5, function="read_row")
def test_read_row_rejects_bad_letters(learner):
    """read_row raises ValueError for anything that is not one of the 27 tokens"""
    if not same(expect_array(value(learner, "read_row", W, "e"), "read_row(W, letter)",
                             shape=(27,)), ref.read_row(W, "e")):
        raise Fail("read_row does not give the right belief for a plain letter yet: this "
                   "check pays once it does and also rejects bad letters.")
    expect_bad_letters_rejected(learner, "read_row", lambda bad: (W, bad))


# ---------------------------------------------------------------- data_row

SMALL_COUNTS = inputs.random_counts(108)
DATA_ROW = {letter: ref.data_row(COUNTS, letter) for letter in LETTERS}


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
    }


DATA_ROW_MISTAKES = {letter: _data_row_mistakes(COUNTS, letter) for letter in LETTERS}


def _data_row_raised(out) -> str:
    return (f"data_row raised {out.raised.type_name} for a letter: turn the letter into its "
            "row with the token order '.abc...z' ('.' is 0, 'z' is 26).")


@check(points=1, function="data_row")
def test_data_row_matches_the_counts(learner):
    """data_row gives the letter's row of counts divided by its sum"""
    cases = [(COUNTS, letter) for letter in LETTERS]
    for letter, got in zip(LETTERS, values(learner, "data_row", cases,
                                           on_raise=_data_row_raised, keep_inputs=True)):
        got = expect_array(got, "data_row(counts, letter)", shape=(27,))
        if not same(got, DATA_ROW[letter]):
            hint = mistake(got, DATA_ROW_MISTAKES[letter])
            raise Fail("data_row(counts, letter) is not what the data does after the letter "
                       "for some letters" + (f": {hint}." if hint else
                                             ": it should be counts[i] / counts[i].sum()."))


@check(points=0.5, function="data_row")
def test_data_row_reads_the_first_letter_row(learner):
    """data_row(counts, ".") gives the first-letter frequencies, for any counts"""
    both = (COUNTS, SMALL_COUNTS)
    got_all = values(learner, "data_row", [(counts, ".") for counts in both],
                     on_raise=_data_row_raised)
    for counts, got in zip(both, got_all):
        got = expect_array(got, "data_row(counts, '.')", shape=(27,))
        if not same(got, ref.data_row(counts, ".")):
            hint = mistake(got, _data_row_mistakes(counts, "."))
            raise Fail("data_row(counts, '.') is not how often each token starts a word"
                       + (f": {hint}." if hint else
                          ": '.' is row 0 of counts; divide that row by its sum."))


@check(points=0.5, function="data_row")
def test_data_row_rejects_bad_letters(learner):
    """data_row raises ValueError for anything that is not one of the 27 tokens"""
    if not same(expect_array(value(learner, "data_row", COUNTS, "e"), "data_row(counts, letter)",
                             shape=(27,)), ref.data_row(COUNTS, "e")):
        raise Fail("data_row does not give the right frequencies for a plain letter yet: "
                   "this check pays once it does and also rejects bad letters.")
    expect_bad_letters_rejected(learner, "data_row", lambda bad: (COUNTS, bad))


# ---------------------------------------------------------------- belief_gap

GAP_CASES = [(W, COUNTS, letter) for letter in (".", "a", "q", "x")]
GAP_CASES.append((inputs.random_W(109), SMALL_COUNTS, "k"))
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
    }


@check(points=1, function="belief_gap")
def test_belief_gap_is_the_total_variation_distance(learner):
    """belief_gap gives 0.5 * sum(|belief - data|) for the letter"""
    got_all = values(learner, "belief_gap", GAP_CASES, keep_inputs=True)
    for case, expected, got in zip(GAP_CASES, GAPS, got_all):
        got = expect_float(got, "belief_gap(W, counts, letter)")
        if not np.isclose(got, expected, rtol=1e-7, atol=1e-10):
            hint = mistake(got, _gap_mistakes(*case))
            raise Fail(f"belief_gap gave {got:.4g} for one letter, which is not the total "
                       "variation distance between read_row and data_row"
                       + (f": {hint}." if hint else ": compute 0.5 * sum(|belief - data|)."))


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


@check(points=0.5, function="belief_gap")
def test_belief_gap_rejects_bad_letters(learner):
    """belief_gap raises ValueError for anything that is not one of the 27 tokens"""
    got = expect_float(value(learner, "belief_gap", W, COUNTS, "e"),
                       "belief_gap(W, counts, letter)")
    if not np.isclose(got, ref.belief_gap(W, COUNTS, "e"), rtol=1e-7, atol=1e-10):
        raise Fail("belief_gap does not give the right distance for a plain letter yet: this "
                   "check pays once it does and also rejects bad letters.")
    expect_bad_letters_rejected(learner, "belief_gap", lambda bad: (W, COUNTS, bad))
