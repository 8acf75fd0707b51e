"""TOOL 04 — features are directions: public checks (shipped to learners), 10 points.

Hand-computed examples only: every expectation can be worked out on paper, bad inputs
included (the contract's ValueErrors), each function's calls in one round trip.
"""

from __future__ import annotations

import numpy as np

from mindlab_grader.checks import Fail, check, describe, expect_array, expect_float
from mindlab_grader.suites.common.calls import expect_value_errors
from mindlab_grader.suites.lab02.calls import values


def _raised_for_tiny(out) -> str | None:
    if out.raised.is_a(ValueError):
        return ("mean_difference_direction raised ValueError for means 1e-9 apart: a tiny "
                "difference still has a direction; only exactly equal means have none.")
    return None


@check(points=2.5, function="mean_difference_direction")
def test_mean_difference_direction_small_example(learner):
    """mean_difference_direction of [[2, 0], [4, 0]] and [[0, 0]] is [1, 0], toward class a"""
    cases = (((np.array([[2.0, 0.0], [4.0, 0.0]]), np.array([[0.0, 0.0]])), [1.0, 0.0],
              "the means are [3, 0] and [0, 0], their difference [3, 0], and as a unit "
              "vector [1, 0]"),
             ((np.array([[0.0, 0.0]]), np.array([[0.0, 3.0], [0.0, 1.0]])), [0.0, -1.0],
              "mean(X_a) - mean(X_b) is [0, -2]: the unit vector points toward class a"),
             ((np.array([[1e-9, 0.0]]), np.array([[0.0, 0.0]])), [1.0, 0.0],
              "means 1e-9 apart still differ: their difference, as a unit vector, is [1, 0]"))
    for (_, want, why), got in zip(cases, values(learner, "mean_difference_direction",
                                                    [args for args, _, _ in cases],
                                                    on_raise=_raised_for_tiny)):
        got = expect_array(got, "mean_difference_direction(X_a, X_b)", shape=(2,))
        if not np.allclose(got, want):
            raise Fail(f"mean_difference_direction gave {np.round(got, 3).tolist()}, "
                       f"expected {want}: {why}.")


@check(points=1.5, function="mean_difference_direction")
def test_mean_difference_direction_rejects_bad_classes(learner):
    """mean_difference_direction raises ValueError for equal means and for different widths"""
    expect_value_errors(learner, "mean_difference_direction", [
        ((np.ones((2, 2)), np.ones((3, 2))), "two classes with the same mean", ""),
        ((np.array([[1.0, 2.0, 3.0]]), np.array([[5.0]])), "X_a of width 3 and X_b of width 1",
         "Compare the widths yourself: numpy broadcasts a width of 1 without complaint.")])


@check(points=2, function="project")
def test_project_small_example(learner):
    """project of [[3, 4]] on the direction [0, 2] is [4]: the length of [0, 2] is ignored"""
    cases = (((np.array([[3.0, 4.0]]), np.array([0.0, 2.0])), [4.0],
              "[3, 4] @ [0, 2] = 8, divided by |[0, 2]| = 2"),
             ((np.array([[3.0, 4.0], [1.0, -1.0]]), np.array([0.0, -1.0])), [-4.0, 1.0],
              "the sign of the direction counts: [3, 4] @ [0, -1] = -4, [1, -1] @ [0, -1] = 1"))
    for (_, want, why), got in zip(cases, values(learner, "project",
                                                    [args for args, _, _ in cases])):
        got = expect_array(got, "project(X, direction)", shape=(len(want),))
        if not np.allclose(got, want):
            raise Fail(f"project gave {np.round(got, 3).tolist()}, expected {want}: {why}.")


@check(points=1, function="project")
def test_project_rejects_bad_directions(learner):
    """project raises ValueError for a zero direction and for a direction of the wrong length"""
    X = np.array([[3.0, 4.0]])
    expect_value_errors(learner, "project", [
        ((X, np.zeros(2)), "the zero direction (it has no length to divide by)", ""),
        ((X, np.array([1.0, 0.0, 0.0])), "a direction of length 3 for rows of width 2", "")])


PARALLEL = np.array([0.3, 0.7])  # u and 3u: u.v / (|u| |v|) rounds to 1.0000000000000002


@check(points=2, function="cosine_similarity")
def test_cosine_similarity_small_examples(learner):
    """cosine_similarity is 1/sqrt(2) for [1, 0] and [5, 5], -1 for opposite vectors, 1 for u, 3u"""
    cases = ((np.array([1.0, 0.0]), np.array([5.0, 5.0]), 2 ** -0.5),
             (np.array([1.0, 2.0]), np.array([-2.0, -4.0]), -1.0),
             (PARALLEL, 3 * PARALLEL, 1.0))
    raw = list(values(learner, "cosine_similarity", [(u, v) for u, v, _ in cases]))
    for (u, v, want), got in zip(cases, raw):
        what = f"cosine_similarity({u.tolist()}, {v.round(2).tolist()})"
        got = expect_float(got, what)
        if not np.isclose(got, want, rtol=1e-12, atol=1e-12):
            close = " (about 7 digits agree: keep it float64)" if np.isclose(got, want) else ""
            raise Fail(f"{what} gave {got:.10g}, expected {want:.10g}: u.v / (|u| |v|)"
                       f"{close}.")
        if not -1.0 <= got <= 1.0:
            raise Fail(f"{what} gave {got!r}, just outside [-1, 1]: rounding can push u.v / "
                       "(|u| |v|) past 1, so clip the result to [-1, 1].")
    if any(type(got) is not float for got in raw):
        raise Fail(f"cosine_similarity returned {describe(raw[0])}, not a plain Python float: "
                   "convert with float(...).")


@check(points=1, function="cosine_similarity")
def test_cosine_similarity_rejects_zero_vectors(learner):
    """cosine_similarity raises ValueError for a zero u, a zero v and lengths that differ"""
    u = np.array([1.0, 2.0])
    expect_value_errors(learner, "cosine_similarity", [
        ((np.zeros(2), u), "a zero u (it has no direction)", ""),
        ((u, np.zeros(2)), "a zero v (it has no direction)", "Check both vectors."),
        ((u, np.ones(3)), "vectors of lengths 2 and 3", "")])
