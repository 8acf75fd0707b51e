"""TOOL 01 — read its mind: hidden checks (the grade). Example shape; the full suite follows."""

from __future__ import annotations

import numpy as np

from autograder.checks import Fail, check, expect_array
from mindlab_core import lab01 as ref

TOOL = "tool01"

_rng = np.random.default_rng(101)
RANDOM_LOGITS = _rng.normal(0, 3, size=(5, 27))


@check(points=2, function="softmax")
def test_softmax_rows_sum_to_one(learner):
    """softmax turns each row of logits into probabilities that sum to 1"""
    got = expect_array(learner.softmax(RANDOM_LOGITS), "softmax(logits)", shape=(5, 27))
    sums = got.sum(axis=1)
    if not np.allclose(sums, 1.0):
        raise Fail(f"your probabilities sum to {sums[0]:.4g}, not 1: softmax divides each "
                   "exp by its row's total.")
    if not np.allclose(got, ref.softmax(RANDOM_LOGITS)):
        raise Fail("your rows sum to 1 but the probabilities are not softmax's: "
                   "each entry should be exp(logit) / sum of exp(logits) in its row.")
