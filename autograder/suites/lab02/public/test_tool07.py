"""TOOL 07 — superposition and sparse autoencoders: public checks, 10 points."""

from __future__ import annotations

import numpy as np

from mindlab_grader.checks import Fail, Rng, check, expect_array, expect_float
from mindlab_grader.suites.common.calls import expect_value_errors
from mindlab_grader.suites.lab02.calls import expect_draws_from_rng, value, values

SAE = {"W_enc": np.eye(2), "b_enc": np.array([0.0, -1.0]), "W_dec": 2 * np.eye(2),
       "b_dec": np.array([1.0, 0.0])}
H = np.array([[2.0, 3.0]])


@check(points=0.5, function="sparse_features")
def test_sparse_features_extremes(learner):
    """sparse_features is all zeros at sparsity 1 and never zero at sparsity 0"""
    got = values(learner, "sparse_features", [(Rng(1), 100, 5, 1.0), (Rng(2), 100, 5, 0.0)])
    off = expect_array(next(got), "sparse_features(rng, 100, 5, 1.0)", shape=(100, 5))
    on = expect_array(next(got), "sparse_features(rng, 100, 5, 0.0)", shape=(100, 5))
    if off.any() or not (on > 0).all() or on.max() >= 1:
        raise Fail("at sparsity 1 every feature is off (0); at sparsity 0 every feature is on, "
                   "with a value in (0, 1).")


def _rng_outcomes(learner):
    return learner.shared("public sparse_features", lambda: list(values(
        learner, "sparse_features", [(Rng(s), 400, 5, 0.5) for s in (3, 3, 4)])))


SMALL_BATCHES = 200  # sparse_features(rng, 1, 5, 0.5) from one generator
# in 200 right batches of 5 entries the number off is binomial(5, 1/2): 1 (or 4) of them
# off has chance 5/32 a batch, so it never comes with a chance of (27/32)^200 = 1.7e-15
# (2 or 3: (22/32)^200 = 3e-33), below 1e-14 for the four counts
# Pearson's chi-square of a 4 x 4 table (9 degrees of freedom) of a right function's
# values is above 100 with a chance of 1.6e-17 (5e-17 for three pairs of columns): room to
# spare for the approximation, with about 31 rows expected in each cell of 2000 x 5 draws
FAR = 100.0


def _quartile_dependence(X: np.ndarray, a: int, b: int) -> float:
    """Pearson's chi-square of the 4 x 4 table of quartiles of columns a and b over the rows
    where both are on: about 9 (its 9 degrees of freedom) for independent uniform values."""
    both = (X[:, a] != 0) & (X[:, b] != 0)
    qa, qb = (np.minimum((X[both, c] * 4).astype(int), 3) for c in (a, b))
    table = np.bincount(qa * 4 + qb, minlength=16)
    expected = both.sum() / 16
    return float(((table - expected) ** 2 / expected).sum())


@check(points=0.5, function="sparse_features")
def test_sparse_features_are_independent_uniform_values(learner):
    """sparse_features at sparsity 0.5: about half the entries on, each on its own, uniform

    Each on its own: rows of on and off entries, a number of zeros that varies from one
    small batch to the next, and the values of two columns independent (quartiles)."""
    X = expect_array(_rng_outcomes(learner)[0], "sparse_features(rng, 400, 5, 0.5)",
                     shape=(400, 5))
    on = X[X != 0]
    if not 0.4 < on.size / X.size < 0.6:
        raise Fail(f"sparse_features(rng, 400, 5, 0.5) turned {on.size / X.size:.0%} of the "
                   "entries on: each is on with probability 1 - sparsity = 0.5.")
    if len(np.unique(on)) < on.size // 2 or not 0.4 < on.mean() < 0.6:
        raise Fail("the features sparse_features turns on are not spread uniformly over "
                   "[0, 1) (mean 1/2): draw each value with rng.random, not a fixed one.")
    mixed = ((X != 0).any(axis=1) & (X == 0).any(axis=1)).mean()
    if mixed < 0.5:  # each row of 5 holds on and off entries 15 times in 16
        raise Fail("sparse_features turns the features of a row on or off together: each "
                   "entry is on or off on its own (one draw per entry, not per row).")
    what = "sparse_features(rng, 1, 5, 0.5)"
    batches = learner.repeat("sparse_features", SMALL_BATCHES, Rng(6), 1, 5, 0.5)
    off = np.bincount([int((expect_array(b, what, shape=(1, 5)) == 0).sum()) for b in batches],
                      minlength=6)
    if not off[1:5].all():
        never = ", ".join(str(k) for k in range(1, 5) if not off[k])
        raise Fail(f"{what}, called {SMALL_BATCHES} times with one generator, never had "
                   f"{never} of its 5 entries off: each entry is off with probability "
                   "sparsity on its own (rng.random((n, f)) < sparsity), so the number of "
                   "zeros varies from batch to batch; do not zero a fixed share of them.")
    X = expect_array(value(learner, "sparse_features", Rng(7), 2000, 5, 0.5),
                     "sparse_features(rng, 2000, 5, 0.5)", shape=(2000, 5))
    for a, b in ((0, 1), (0, 4), (2, 3)):
        if _quartile_dependence(X, a, b) > FAR:
            raise Fail(f"in sparse_features(rng, 2000, 5, 0.5) the values of features {a} and "
                       f"{b}, in rows where both are on, depend on each other (knowing one "
                       "tells where the other lies): each entry draws a value of its own "
                       "(rng.random((n, f))), not one draw per row shared or shifted.")


@check(points=0.5, function="sparse_features")
def test_sparse_features_draws_with_the_rng_it_is_given(learner):
    """sparse_features draws with its rng: same seed, same features; other seed, others"""
    first, again, other = (expect_array(x, "sparse_features(rng, 400, 5, 0.5)", shape=(400, 5))
                           for x in _rng_outcomes(learner))
    expect_draws_from_rng("sparse_features", "features", "rng.random", first, again, other)


@check(points=0.5, function="sparse_features")
def test_sparse_features_rejects_sparsity_outside_0_1(learner):
    """sparse_features raises ValueError for sparsity 1.5 and -0.2"""
    expect_value_errors(learner, "sparse_features", [
        ((Rng(5), 10, 5, 1.5), "sparsity 1.5 (a probability is in [0, 1])", ""),
        ((Rng(5), 10, 5, -0.2), "sparsity -0.2 (a probability is in [0, 1])", "")])


@check(points=0.5, function="toy_forward")
def test_toy_forward_identity(learner):
    """toy_forward with W = identity and b = 0 gives relu(X) back"""
    got = expect_array(value(learner, "toy_forward", {"W": np.eye(2), "b": np.zeros(2)},
                             np.array([[0.5, -0.25]])), "toy_forward(identity, X)", shape=(1, 2))
    if not np.allclose(got, [[0.5, 0.0]]):
        raise Fail("with W the identity, X @ W.T @ W is X, and the ReLU zeroes -0.25.")


@check(points=1, function="toy_forward")
def test_toy_forward_adds_b_then_applies_the_relu(learner):
    """toy_forward of [1, 0] and [-1, 0] with W = [[1, -1]], b = [0.5, 0.5]: relu(h W + b)"""
    got = expect_array(value(learner, "toy_forward", {"W": np.array([[1.0, -1.0]]),
                                                      "b": np.array([0.5, 0.5])},
                             np.array([[1.0, 0.0], [-1.0, 0.0]])), "toy_forward(params, X)",
                       shape=(2, 2))
    if not np.allclose(got[0], [1.5, 0.0]):
        raise Fail("h = [1, 0] @ W.T = [1]; h @ W = [1, -1]; + b = [1.5, -0.5]; the ReLU on "
                   "that output gives [1.5, 0].")
    if not np.allclose(got[1], [0.0, 1.5]):
        raise Fail("for the row [-1, 0], h = [-1]; h @ W = [-1, 1]; + b = [-0.5, 1.5]; the "
                   "ReLU gives [0, 1.5]. Use X as it is, negative entries too: no clipping "
                   "of X, only of the output.")


@check(points=1, function="importance_loss")
def test_importance_loss_small_example(learner):
    """importance_loss of ones vs zeros with importance [1, 0.5] is 1.5, of [[0, 2], [0, 2]] 2"""
    cases = ((np.ones((2, 2)), "ones", 1.5, "each row costs 1 * 1 + 0.5 * 1 = 1.5, and the "
              "mean of two such rows is 1.5"),
             (np.array([[0.0, 2.0], [0.0, 2.0]]), "[[0, 2], [0, 2]]", 2.0, "each row costs "
              "1 * 0 + 0.5 * 4 = 2, and so does their mean: importance[i] weights feature "
              "(column) i, even when X has as many rows as features"))
    for (_, what, want, why), got in zip(cases, values(learner, "importance_loss", [
            (X, np.zeros((2, 2)), np.array([1.0, 0.5])) for X, _, _, _ in cases])):
        got = expect_float(got, f"importance_loss({what}, zeros, [1, 0.5])")
        if not np.isclose(got, want):
            raise Fail(f"importance_loss({what}, zeros, [1, 0.5]) gave {got:.4g}: {why}.")


@check(points=1.5, function="feature_dimensionality")
def test_feature_dimensionality_small_example(learner):
    """two features sharing one axis get 1/2 each; a dropped feature gets 0; a lone one 1"""
    cases = ((np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]]), [0.5, 0.5, 0.0],
              "features [1, 0] and [-1, 0] share one dimension (1/2 each); the zero column "
              "is a dropped feature (0, not nan)"),
             (np.diag([2.0, 3.0, 1e-7]), [1.0, 1.0, 1.0],
              "each of the columns [2, 0, 0], [0, 3, 0], [0, 0, 1e-7] has a dimension of its "
              "own: |W_i|^2 / (Ŵ_i . W_i)^2 = 1, however short (only an exactly zero column "
              "is dropped)"))
    for (_, want, why), got in zip(cases, values(learner, "feature_dimensionality",
                                                 [(W,) for W, _, _ in cases])):
        got = expect_array(got, "feature_dimensionality(W)", shape=(3,))
        if not np.allclose(got, want):
            raise Fail(f"feature_dimensionality gave {np.round(got, 3).tolist()}, expected "
                       f"{want}: {why}.")


@check(points=0.5, function="sae_encode")
def test_sae_encode_small_example(learner):
    """sae_encode gives relu((H - b_dec) @ W_enc + b_enc) = [[1, 2]]"""
    got = expect_array(value(learner, "sae_encode", SAE, H), "sae_encode(sae, H)", shape=(1, 2))
    if not np.allclose(got, [[1.0, 2.0]]):
        raise Fail("H - b_dec = [1, 3]; @ identity + [0, -1] = [1, 2]; relu keeps [1, 2].")


@check(points=0.5, function="sae_encode")
def test_sae_encode_applies_the_relu(learner):
    """sae_encode of H = [[0, 3]] is [[0, 2]]: the ReLU zeroes a negative latent"""
    got = expect_array(value(learner, "sae_encode", SAE, np.array([[0.0, 3.0]])),
                       "sae_encode(sae, H)", shape=(1, 2))
    if not np.allclose(got, [[0.0, 2.0]]):
        raise Fail("H - b_dec = [-1, 3]; @ identity + [0, -1] = [-1, 2]; the ReLU makes the "
                   "negative latent 0: [0, 2].")


@check(points=1, function="sae_decode")
def test_sae_decode_small_example(learner):
    """sae_decode gives F @ W_dec + b_dec: [[3, 4]] for F = [[1, 2]], [[-1, 1]] for [[-1, 0.5]]"""
    got = expect_array(value(learner, "sae_decode", SAE, np.array([[1.0, 2.0], [-1.0, 0.5]])),
                       "sae_decode(sae, F)", shape=(2, 2))
    if not np.allclose(got[0], [3.0, 4.0]):
        raise Fail("[1, 2] @ 2I = [2, 4]; + b_dec [1, 0] = [3, 4].")
    if not np.allclose(got[1], [-1.0, 1.0]):
        raise Fail("[-1, 0.5] @ 2I = [-2, 1]; + b_dec [1, 0] = [-1, 1]: decode F as it is, "
                   "negative entries too (the ReLU belongs to sae_encode).")


@check(points=1, function="sae_loss", needs=("sae_encode", "sae_decode"))
def test_sae_loss_small_example(learner):
    """sae_loss of the rows [2, 3] and [1, 0] with l1 = 0.5 is 1.75"""
    got = expect_float(value(learner, "sae_loss", SAE, np.array([[2.0, 3.0], [1.0, 0.0]]), 0.5),
                       "sae_loss(sae, H, 0.5)")
    if not np.isclose(got, 1.75):
        raise Fail(f"sae_loss gave {got:.4g}: row [2, 3] is encoded [1, 2] and rebuilt [3, 4] "
                   "(squared error 1 + 1 = 2); row [1, 0] is encoded [0, 0] and rebuilt [1, 0] "
                   "(error 0). The mean error 1 plus 0.5 * the mean of |F| summed, (3 + 0) / 2, "
                   "is 1.75: average over rows, sum over features.")


@check(points=0.5, function="best_cosines")
def test_best_cosines_small_example(learner):
    """best_cosines finds a learned row along the true one (1), and keeps a negative best"""
    got = expect_array(value(learner, "best_cosines", np.array([[1.0, 0.0], [0.0, 2.0]]),
                             np.array([[0.0, 1.0], [-1.0, -1.0]])), "best_cosines(learned, true)",
                       shape=(2,))
    if not np.allclose(got, [1.0, -2 ** -0.5]):
        raise Fail("the learned row [0, 2] points along the true [0, 1]: cosine 1; the true "
                   "[-1, -1] has cosine -1/sqrt(2) with both learned rows, and -0.707 is its "
                   "best (no absolute value: the opposite direction is no match).")


@check(points=0.5, function="best_cosines")
def test_best_cosines_rejects_zero_rows(learner):
    """best_cosines raises ValueError when any learned or true row is zero"""
    expect_value_errors(learner, "best_cosines", [
        ((np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[1.0, 0.0]])),
         "a zero row among the learned ones", "Check every row, not the whole array."),
        ((np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 0.0]])),
         "a zero row among the true ones", "Check every row of both arrays.")])
