"""TOOL 02 — intervene: public checks (shipped to learners), 10 points.

Hand-built models whose words can be predicted exactly, plus light sanity on the
trained model; the hidden suite grades (statistics included).
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Fail, Rng, check, expect_array, expect_str
from autograder.suites.common.calls import expect_value_error
from autograder.suites.lab01 import inputs
from autograder.suites.lab01.calls import value

TOOL = "tool02"


@check(points=3, function="ablate_column")
def test_ablate_column_blocks_one_column(learner):
    """ablate_column sets one column to -inf and leaves W unchanged"""
    got = expect_array(value(learner, "ablate_column", np.zeros((27, 27)), "e"),
                       "ablate_column(W, 'e')", shape=(27, 27))
    want = np.zeros((27, 27))
    want[:, 5] = -np.inf  # 'e' is token 5
    if not np.array_equal(got, want):
        if np.array_equal(got, want.T):
            raise Fail("ablate_column set a row to -inf: block the column W[:, j] instead.")
        raise Fail("ablate_column(zeros, 'e') should be zeros with column 5 ('e') equal to "
                   "-inf: '.' is token 0, 'a' is 1.")


@check(points=2, function="sample_word")
def test_sample_word_follows_a_one_word_model(learner):
    """sample_word writes 'a' when the model can only go . -> a -> ."""
    W = np.full((27, 27), -np.inf)
    W[0, 1] = W[1, 0] = 0.0
    got = expect_str(value(learner, "sample_word", W, Rng(0)), "sample_word(W, rng)")
    if got != "a":
        hint = " (the final '.' is not part of the word)" if got == "a." else ""
        raise Fail(f"sample_word gave {got[:20]!r} where the model can only write 'a'{hint}.")
    got = expect_str(value(learner, "sample_word", inputs.path_W("mind"), Rng(1)),
                     "sample_word(W, rng)")
    if got != "mind":
        raise Fail(f"sample_word gave {got[:20]!r} where the model can only write 'mind': "
                   "each draw uses the row of the token just drawn.")


@check(points=2, function="sample_word")
def test_sample_word_writes_letters(learner):
    """sample_word writes words of letters a..z from the trained model, not all the same"""
    words = [expect_str(w, "sample_word(W, rng)")
             for w in learner.repeat("sample_word", 20, inputs.trained_W(), Rng(7))]
    if not all(inputs.letters_only(w) and len(w) <= 50 for w in words):
        raise Fail("sample_word should write words of letters 'a'..'z' only (no '.') and at "
                   "most max_len=50 letters long.")
    if len(set(words)) == 1:
        raise Fail("sample_word wrote the same word 20 times: draw each token at random with "
                   "rng, don't take the most likely one.")


@check(points=1.5, function="sample_word")
def test_sample_word_stops_at_max_len(learner):
    """sample_word stops at max_len letters when a word cannot end"""
    W = inputs.end_ablated(inputs.trained_W())
    got = expect_str(value(learner, "sample_word", W, Rng(2), max_len=5),
                     "sample_word(W, rng, max_len=5)")
    if len(got) != 5:
        raise Fail(f"sample_word gave a {len(got)}-letter word with max_len=5 on a model "
                   "whose words never end: stop at max_len letters.")


@check(points=1.5, function="sample_word")
def test_sample_word_rejects_temperature_zero_or_below(learner):
    """sample_word raises ValueError for temperature=0 and temperature=-1"""
    for temperature in (0.0, -1.0):
        expect_value_error(learner, "sample_word", (inputs.trained_W(), Rng(3)),
                           f"temperature={temperature:g} (it must be > 0)",
                           kwargs={"temperature": temperature})
