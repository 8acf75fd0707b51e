"""TOOL 04 — features are directions: public checks (shipped to learners), 10 points.

Hand-computed examples only: every expectation can be worked out on paper.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Fail, check, expect_array, expect_float
from autograder.suites.common.calls import expect_value_error
from autograder.suites.lab02.calls import value, values

TOOL = "tool04"


@check(points=4, function="mean_difference_direction")
def test_mean_difference_direction_small_example(learner):
    """mean_difference_direction of [[2, 0], [4, 0]] and [[0, 0]] is [1, 0]"""
    got = expect_array(value(learner, "mean_difference_direction",
                             np.array([[2.0, 0.0], [4.0, 0.0]]), np.array([[0.0, 0.0]])),
                       "mean_difference_direction(X_a, X_b)", shape=(2,))
    if not np.allclose(got, [1.0, 0.0]):
        raise Fail(f"mean_difference_direction gave {np.round(got, 3).tolist()}: the means are "
                   "[3, 0] and [0, 0], their difference [3, 0], and as a unit vector [1, 0].")
    expect_value_error(learner, "mean_difference_direction",
                       (np.ones((2, 2)), np.ones((3, 2))), "two classes with the same mean")


@check(points=3, function="project")
def test_project_small_example(learner):
    """project of [[3, 4]] on the direction [0, 2] is [4]: the length of [0, 2] is ignored"""
    got = expect_array(value(learner, "project", np.array([[3.0, 4.0]]), np.array([0.0, 2.0])),
                       "project([[3, 4]], [0, 2])", shape=(1,))
    if not np.allclose(got, [4.0]):
        raise Fail(f"project([[3, 4]], [0, 2]) gave {got[0]:.4g}, expected 4: "
                   "[3, 4] @ [0, 2] = 8, divided by |[0, 2]| = 2.")


@check(points=3, function="cosine_similarity")
def test_cosine_similarity_small_examples(learner):
    """cosine_similarity is 1/sqrt(2) for [1, 0] and [5, 5], and -1 for opposite vectors"""
    cases = (([1.0, 0.0], [5.0, 5.0], 2 ** -0.5), ([1.0, 2.0], [-2.0, -4.0], -1.0))
    got_all = values(learner, "cosine_similarity", [(np.array(u), np.array(v))
                                                    for u, v, _ in cases])
    for (u, v, expected), got in zip(cases, got_all):
        got = expect_float(got, f"cosine_similarity({u}, {v})")
        if not np.isclose(got, expected):
            raise Fail(f"cosine_similarity({u}, {v}) gave {got:.4g}, expected {expected:.4g}.")
