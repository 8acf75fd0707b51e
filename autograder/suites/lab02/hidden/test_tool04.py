"""TOOL 04 — features are directions: hidden checks (the grade), 10 points.

Compared with the reference on the trained bigram W's letter rows and on random classes
of different sizes; typical mistakes are named by what they would have returned.
"""

from __future__ import annotations

import numpy as np

from mindlab_core.lab02 import directions as D
from mindlab_core.lab02 import reference as ref
from mindlab_grader.checks import Fail, check, expect_array, expect_float
from mindlab_grader.suites.common.calls import expect_value_errors, judged, outcomes
from mindlab_grader.suites.common.hints import mistake, near_miss, same
from mindlab_grader.suites.lab02 import inputs
from mindlab_grader.suites.lab02.calls import changed, values

LETTERS = inputs.letter_vectors()
VOWELS = D.rows_of(LETTERS, D.TRAIN_VOWELS)
CONSONANTS = D.rows_of(LETTERS, D.TRAIN_CONSONANTS)
_rng = np.random.default_rng(404)
# two classes of different sizes, far from the origin: sum-vs-mean and centring show up
CLASS_A = _rng.normal(3.0, 1.0, (7, 6))
CLASS_B = _rng.normal(1.0, 1.0, (3, 6))
X = _rng.normal(0.0, 2.0, (9, 6))
DIRECTION = _rng.normal(0.0, 1.0, 6) * 3.7  # not a unit vector on purpose
U, V = _rng.normal(0, 1, 8) * 5, _rng.normal(0, 1, 8) * 0.2
TINY = np.zeros(6)
TINY[2] = 1e-9  # a tiny difference of means is still a direction
TINY_CASE = "two classes whose means differ by 1e-9"


def _rounding_out(scale: float) -> np.ndarray:
    """A vector u whose naive cosine with scale * u rounds just outside [-1, 1]."""
    for seed in range(4000, 6000):
        u = np.random.default_rng(seed).normal(0, 1, 8)
        v = scale * u
        if abs(u @ v / (np.linalg.norm(u) * np.linalg.norm(v))) > 1:
            return u
    raise AssertionError("no vector rounds outside [-1, 1]")  # the suite would not load


ROUND_UP, ROUND_DOWN = _rounding_out(3.0), _rounding_out(-0.7)

# ---------------------------------------------------------------- mean_difference_direction


def _direction_mistakes(A: np.ndarray, B: np.ndarray) -> dict[str, np.ndarray]:
    diff = A.mean(axis=0) - B.mean(axis=0)
    sums = A.sum(axis=0) - B.sum(axis=0)
    return {
        "it is not divided by its length: a direction is a unit vector (divide by "
        "np.linalg.norm of the difference)": diff,
        "it points from class a to class b: subtract mean(X_b) from mean(X_a), so that "
        "class a scores higher": -diff / np.linalg.norm(diff),
        "it uses the sums of the rows, not their means: with classes of different sizes "
        "that points somewhere else (use .mean(axis=0))": sums / np.linalg.norm(sums),
    }


@check(points=2.5, function="mean_difference_direction")
def test_mean_difference_direction_points_from_b_to_a(learner):
    """mean_difference_direction gives the unit vector from mean(X_b) to mean(X_a)"""
    cases = ((VOWELS, CONSONANTS, "vowel rows, consonant rows"),
             (CLASS_A, CLASS_B, "7 rows, 3 rows"),
             (CLASS_B + TINY, CLASS_B, TINY_CASE))
    outs = outcomes(learner, "mean_difference_direction", [(A, B) for A, B, _ in cases])
    for (A, B, what), out in zip(cases, outs):
        tiny = what == TINY_CASE
        if tiny and out.raised is not None and out.raised.is_a(ValueError) \
                and out.problem is None:
            raise Fail(f"mean_difference_direction({what}) raised ValueError: a difference "
                       "that small is still a direction; only exactly equal means have none "
                       "(compare the difference with 0, not with a tolerance).")
        got = judged("mean_difference_direction", out, changed=changed)
        got = expect_array(got, f"mean_difference_direction({what})", shape=(A.shape[1],))
        expected = ref.mean_difference_direction(A, B)
        # means 1e-9 apart: float64 rounding of values near 1 leaves ~1e-7 in the unit
        # vector whatever the (right) order of operations: centring first is right too
        if same(got, expected, **({"rtol": 0, "atol": 1e-5} if tiny else {})):
            continue
        hint = mistake(got, _direction_mistakes(A, B))
        raise Fail(f"mean_difference_direction({what}) is not the unit vector from the mean "
                   "of X_b to the mean of X_a" + (f": {hint}." if hint else
                   ": compute X_a.mean(axis=0) - X_b.mean(axis=0), then divide by its length."))


@check(points=1, function="mean_difference_direction")
def test_mean_difference_direction_rejects_bad_classes(learner):
    """mean_difference_direction raises ValueError when the means coincide or widths differ"""
    same_means = np.array([[1.0, 2.0], [3.0, 4.0]])
    expect_value_errors(learner, "mean_difference_direction", [
        ((same_means, same_means[::-1]), "two classes with the same mean",
         "Their difference has length 0: there is no direction to return (dividing by 0 "
         "gives nan)."),
        ((CLASS_A, CLASS_B[:, :4]), "classes of widths 6 and 4", ""),
        ((CLASS_A, CLASS_B[:, :1]), "classes of widths 6 and 1",
         "A width of 1 broadcasts silently in numpy: compare the widths yourself."),
        ((CLASS_B[:, :1], CLASS_A), "classes of widths 1 and 6",
         "Either class may be the narrower one: test that the widths differ (!=).")])


# ---------------------------------------------------------------- project


def _project_mistakes(X_: np.ndarray, d: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "it is X @ direction without dividing by |direction|: the direction's length must "
        "not change the scores": X_ @ d,
        "it divides by the rows' lengths too: that is the cosine, not the projection "
        "(divide by |direction| only)": X_ @ d / np.linalg.norm(d) / np.linalg.norm(X_, axis=1),
        "it divides by |direction| squared: that is the coefficient of the vector "
        "projection; the score is X @ direction / |direction|": X_ @ d / (d @ d),
    }


@check(points=2, function="project")
def test_project_scores_along_the_direction(learner):
    """project gives X @ direction / |direction| for each row of X"""
    cases = ((X, DIRECTION, "X, a direction of length 3.7"),
             (LETTERS, ref.mean_difference_direction(VOWELS, CONSONANTS),
              "the letter rows, the vowel direction"))
    got_all = values(learner, "project", [(X_, d) for X_, d, _ in cases])
    for (X_, d, what), got in zip(cases, got_all):
        got = expect_array(got, f"project({what})", shape=(X_.shape[0],))
        if same(got, ref.project(X_, d)):
            continue
        hint = mistake(got, _project_mistakes(X_, d))
        raise Fail(f"project({what}) gives the wrong scores" + (f": {hint}." if hint else
                   ": each row's score is its dot product with the direction, divided by the "
                   "direction's length."))


@check(points=1, function="project")
def test_project_rejects_bad_directions(learner):
    """project raises ValueError for a zero direction or a direction of the wrong length"""
    expect_value_errors(learner, "project", [
        ((X, np.zeros(6)), "a zero direction",
         "A zero vector has no direction (and |direction| = 0)."),
        ((X, np.ones(5)), "X of width 6 and a direction of 5", ""),
        ((X, np.ones(1)), "X of width 6 and a direction of 1",
         "A length of 1 broadcasts silently in numpy: compare the lengths yourself."),
        ((X[:, :1], DIRECTION), "X of width 1 and a direction of 6",
         "Rows of width 1 broadcast silently too: the direction must be exactly as wide as X "
         "(!=, not < or >).")])


# ---------------------------------------------------------------- cosine_similarity


@check(points=2.5, function="cosine_similarity")
def test_cosine_similarity_is_the_cosine(learner):
    """cosine_similarity gives u.v / (|u| |v|) as a float, whatever the lengths"""
    cases = ((U, V, "two random vectors"), (U, -3 * U, "u and -3u"),
             (VOWELS[0], VOWELS[1], "the rows of 'a' and 'e'"),
             (ROUND_UP, 3 * ROUND_UP, "u and a multiple of u"),
             (ROUND_DOWN, -0.7 * ROUND_DOWN, "u and a negative multiple of u"))
    got_all = list(values(learner, "cosine_similarity", [(u, v) for u, v, _ in cases]))
    for (u, v, what), raw in zip(cases, got_all):
        if isinstance(raw, np.ndarray) and raw.shape != ():
            raise Fail(f"cosine_similarity({what}) returned an array of shape {raw.shape}: "
                       "return one number, u @ v / (|u| |v|).")
        got = expect_float(raw, f"cosine_similarity({what})")
        if not -1.0 <= got <= 1.0:
            raise Fail(f"cosine_similarity({what}) gave {got!r}, outside [-1, 1]: rounding "
                       "can step a hair past 1 or -1, so clip the result (min(1.0, max(-1.0, "
                       "cos))).")
        expected = ref.cosine_similarity(u, v)
        if abs(got - expected) <= 1e-9:
            continue
        close = near_miss(raw, expected)
        if close:
            raise Fail(f"cosine_similarity({what}) gave {got!r}, near the cosine but not exact "
                       f"(it should be good to 1e-9): {close}.")
        hint = mistake(got, {
            "it divides by |u| only: divide by both lengths": u @ v / np.linalg.norm(u),
            "it takes the absolute value: opposite vectors have cosine -1":
                abs(expected),
            "it divides by |u|^2 |v|^2: use the lengths, not their squares":
                u @ v / (u @ u * (v @ v)),
            "it is the plain dot product: divide by both lengths": u @ v})
        raise Fail(f"cosine_similarity({what}) gave {got:.4g}, not the cosine of the angle "
                   "between them"
                   + (f": {hint}." if hint else "."))
    if any(type(raw) is not float for raw in got_all):
        raise Fail("cosine_similarity returned a numpy number, not a plain Python float: "
                   "convert with float(...).")


@check(points=1, function="cosine_similarity")
def test_cosine_similarity_rejects_zero_vectors(learner):
    """cosine_similarity raises ValueError for a zero vector or mismatched lengths"""
    expect_value_errors(learner, "cosine_similarity", [
        ((np.zeros(3), np.ones(3)), "a zero vector u",
         "A zero vector has no angle (0 / 0 is nan)."),
        ((np.ones(3), np.zeros(3)), "a zero vector v",
         "Either vector may be zero: check both."),
        ((np.ones(3), np.ones(4)), "vectors of lengths 3 and 4", "")])
