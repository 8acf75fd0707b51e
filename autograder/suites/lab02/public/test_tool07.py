"""TOOL 07 — superposition and sparse autoencoders: public checks, 10 points."""

from __future__ import annotations

import numpy as np

from autograder.checks import Fail, Rng, check, expect_array, expect_float
from autograder.suites.lab02.calls import value, values

TOOL = "tool07"

SAE = {"W_enc": np.eye(2), "b_enc": np.array([0.0, -1.0]), "W_dec": 2 * np.eye(2),
       "b_dec": np.array([1.0, 0.0])}
H = np.array([[2.0, 3.0]])


@check(points=1.5, function="sparse_features")
def test_sparse_features_extremes(learner):
    """sparse_features is all zeros at sparsity 1 and never zero at sparsity 0"""
    got = values(learner, "sparse_features", [(Rng(1), 100, 5, 1.0), (Rng(2), 100, 5, 0.0)])
    off = expect_array(next(got), "sparse_features(rng, 100, 5, 1.0)", shape=(100, 5))
    on = expect_array(next(got), "sparse_features(rng, 100, 5, 0.0)", shape=(100, 5))
    if off.any() or not (on > 0).all() or on.max() >= 1:
        raise Fail("at sparsity 1 every feature is off (0); at sparsity 0 every feature is on, "
                   "with a value in (0, 1).")


@check(points=0.5, function="toy_forward")
def test_toy_forward_identity(learner):
    """toy_forward with W = identity and b = 0 gives relu(X) back"""
    got = expect_array(value(learner, "toy_forward", {"W": np.eye(2), "b": np.zeros(2)},
                             np.array([[0.5, -0.25]])), "toy_forward(identity, X)", shape=(1, 2))
    if not np.allclose(got, [[0.5, 0.0]]):
        raise Fail("with W the identity, X @ W.T @ W is X, and the ReLU zeroes -0.25.")


@check(points=1, function="toy_forward")
def test_toy_forward_adds_b_then_applies_the_relu(learner):
    """toy_forward of [1, 0] with W = [[1, -1]] and b = [0.5, 0.5] is relu([1.5, -0.5])"""
    got = expect_array(value(learner, "toy_forward", {"W": np.array([[1.0, -1.0]]),
                                                      "b": np.array([0.5, 0.5])},
                             np.array([[1.0, 0.0]])), "toy_forward(params, X)", shape=(1, 2))
    if not np.allclose(got, [[1.5, 0.0]]):
        raise Fail("h = [1, 0] @ W.T = [1]; h @ W = [1, -1]; + b = [1.5, -0.5]; the ReLU on "
                   "that output gives [1.5, 0].")


@check(points=1, function="importance_loss")
def test_importance_loss_small_example(learner):
    """importance_loss of ones vs zeros with importance [1, 0.5] is 1.5"""
    got = expect_float(value(learner, "importance_loss", np.ones((2, 2)), np.zeros((2, 2)),
                             np.array([1.0, 0.5])), "importance_loss(ones, zeros, [1, 0.5])")
    if not np.isclose(got, 1.5):
        raise Fail(f"importance_loss gave {got:.4g}: each row costs 1 * 1 + 0.5 * 1 = 1.5, and "
                   "the mean of two such rows is 1.5.")


@check(points=1.5, function="feature_dimensionality")
def test_feature_dimensionality_small_example(learner):
    """two features sharing one axis get 1/2 each; a dropped feature gets 0"""
    got = expect_array(value(learner, "feature_dimensionality",
                             np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])),
                       "feature_dimensionality(W)", shape=(3,))
    if not np.allclose(got, [0.5, 0.5, 0.0]):
        raise Fail("features [1, 0] and [-1, 0] share one dimension (1/2 each); the zero "
                   "column is a dropped feature (0, not nan).")


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
    """sae_decode gives F @ W_dec + b_dec = [[3, 4]]"""
    got = expect_array(value(learner, "sae_decode", SAE, np.array([[1.0, 2.0]])),
                       "sae_decode(sae, F)", shape=(1, 2))
    if not np.allclose(got, [[3.0, 4.0]]):
        raise Fail("[1, 2] @ 2I = [2, 4]; + b_dec [1, 0] = [3, 4].")


@check(points=1.5, function="sae_loss", needs=("sae_encode", "sae_decode"))
def test_sae_loss_small_example(learner):
    """sae_loss of the small example with l1 = 0.5 is 3.5"""
    got = expect_float(value(learner, "sae_loss", SAE, H, 0.5), "sae_loss(sae, H, 0.5)")
    if not np.isclose(got, 3.5):
        raise Fail(f"sae_loss gave {got:.4g}: reconstruction [3, 4] vs H [2, 3] costs 1 + 1 = 2, "
                   "plus 0.5 * (1 + 2) = 1.5 for the latents.")


@check(points=1, function="best_cosines")
def test_best_cosines_small_example(learner):
    """best_cosines finds a learned row pointing exactly along the true one"""
    got = expect_array(value(learner, "best_cosines", np.array([[1.0, 0.0], [0.0, 2.0]]),
                             np.array([[0.0, 1.0]])), "best_cosines(learned, true)", shape=(1,))
    if not np.allclose(got, [1.0]):
        raise Fail("the learned row [0, 2] points along the true [0, 1]: cosine 1.")
