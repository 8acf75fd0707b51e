"""TOOL 07 — superposition and sparse autoencoders: hidden checks (the grade), 10 points.

sparse_features is checked by statistics on 40,000 draws (tolerances of about 8
standard deviations: a right answer fails with probability below 1e-12) and by the rng
it is given; everything else is compared with the reference on random models.
"""

from __future__ import annotations

import numpy as np

from mindlab_core.lab02 import reference as ref
from mindlab_grader.checks import Fail, Rng, check, expect_array, expect_float
from mindlab_grader.suites.common.calls import expect_value_errors
from mindlab_grader.suites.common.hints import mistake, same
from mindlab_grader.suites.lab02 import inputs
from mindlab_grader.suites.lab02.calls import value, values

_rng = np.random.default_rng(707)
TOY = inputs.random_toy(701)
TOY_3D = inputs.random_toy(702, m=3, f=7)
X5 = _rng.random((12, 5)) * (_rng.random((12, 5)) > 0.5)
X7 = _rng.random((9, 7))
IMPORTANCE = 0.9 ** np.arange(5)
SAE = inputs.random_sae(703)
H = _rng.normal(0, 1, (15, 2))
LEARNED = _rng.normal(0, 2, (6, 3))
TRUE = _rng.normal(0, 1, (4, 3))
N = 40_000
# inputs below zero too, where relu(X ...) and a clipped X differ: the contract's formulas
# hold for any X and F (code that clipped them in place scored full marks, found from
# outside); and a square X, where features and rows have the same count
_more = np.random.default_rng(711)
X5_SIGNED = _more.normal(0, 1, (8, 5))
F_SIGNED = _more.normal(0, 1, (15, 6))
X_SQUARE = _more.random((5, 5))
CHI2_9_FAR = 80.0  # chi-square with 9 degrees of freedom: P(above 80) = 1.6e-13
SMALL_BATCHES = 250  # batches of (1, 3) at sparsity 0.5: every count of zeros 0..3 comes
# (0 and 3 each with p 1/8: p of one missing < 2 (7/8)^250 + 2 (5/8)^250 < 1e-14)

# ---------------------------------------------------------------- sparse_features


@check(points=1.5, function="sparse_features")
def test_sparse_features_are_sparse_uniform_values(learner):
    """sparse_features: each entry independently 0 with probability sparsity, else uniform"""
    sparsities = (0.3, 0.9)  # each call gets its own fresh Generator of seed 700
    cases = [(Rng(700), N, 5, sparsity) for sparsity in sparsities]
    cases += [(Rng(708), 50, 5, 0.0), (Rng(709), 50, 5, 1.0)]  # the valid extremes
    got_all = values(learner, "sparse_features", cases)
    for sparsity, got in zip(sparsities, got_all):
        what = f"sparse_features(rng, {N}, 5, sparsity={sparsity})"
        got = expect_array(got, what, shape=(N, 5))
        if got.min() < 0 or got.max() >= 1:
            raise Fail(f"{what} has values outside [0, 1): a feature that is on takes a "
                       "uniform value, rng.random().")
        on = got > 0
        rate = on.mean()
        if abs(rate - (1 - sparsity)) > 8 * np.sqrt(sparsity * (1 - sparsity) / got.size):
            flipped = abs(rate - sparsity) < 0.01
            raise Fail(f"{what} has {rate:.1%} of entries on, expected {1 - sparsity:.0%}"
                       + (": sparsity is the probability that a feature is OFF." if flipped
                          else "."))
        on_values = got[on]
        if abs(on_values.mean() - 0.5) > 0.01 or abs((on_values < 0.25).mean() - 0.25) > 0.02:
            raise Fail(f"{what}: the features that are on should be uniform in [0, 1) "
                       f"(mean 0.5), but their mean is {on_values.mean():.3f}.")
        if abs(on[:, 0].mean() - on[:, 4].mean()) > 0.02 or abs(on[: N // 2].mean()
                                                                 - on[N // 2:].mean()) > 0.02:
            raise Fail(f"{what}: features should be on equally often in every column and row.")
        # within a row too, each entry on its own: two features are both on (1 - s)^2 of the
        # time, and their values are uncorrelated (8 standard deviations)
        both = (on[:, 0] & on[:, 1]).mean()
        if abs(both - (1 - sparsity) ** 2) > 8 * np.sqrt((1 - sparsity) ** 2 / N):
            raise Fail(f"{what}: two features of a row are both on {both:.1%} of the time, "
                       f"not {(1 - sparsity) ** 2:.1%}: each entry is on or off by a draw of "
                       "its own, not one draw for the whole row.")
        pair = on[:, 0] & on[:, 1]
        if pair.sum() > 100 and abs(np.corrcoef(got[pair, 0], got[pair, 1])[0, 1]) > 8 / np.sqrt(
                pair.sum()):
            raise Fail(f"{what}: the values of two features that are on in the same row are "
                       "correlated: each entry draws a value of its own (rng.random((n, f))).")
        for a, b in ((0, 1), (0, 4), (2, 3)):
            if _dependence(got, on, a, b) > CHI2_9_FAR:
                raise Fail(f"{what}: the values of features {a} and {b}, when both are on, "
                           "depend on each other (one follows from the other more often than "
                           "chance allows): each entry draws a value of its own "
                           "(rng.random((n, f))), not one draw shared or shifted across the "
                           "row.")
    for sparsity, got in zip((0.0, 1.0), got_all):
        got = expect_array(got, f"sparse_features(rng, 50, 5, sparsity={sparsity:g})",
                           shape=(50, 5))
        if (sparsity == 0.0 and not (got > 0).all()) or (sparsity == 1.0 and got.any()):
            raise Fail(f"sparse_features at sparsity={sparsity:g} should have every entry "
                       f"{'on (a value in (0, 1))' if sparsity == 0 else 'off (0)'}.")
    _expect_independent_entries(learner)


def _dependence(got: np.ndarray, on: np.ndarray, a: int, b: int) -> float:
    """Pearson's chi-square of the 4 x 4 table of quartiles of columns a and b over the rows
    where both are on: about 9 (9 degrees of freedom) for independent uniform values."""
    both = on[:, a] & on[:, b]
    qa, qb = (np.minimum((got[both, c] * 4).astype(int), 3) for c in (a, b))
    table = np.bincount(qa * 4 + qb, minlength=16)
    expected = both.sum() / 16
    return float(((table - expected) ** 2 / expected).sum())


def _expect_independent_entries(learner) -> None:
    """Small batches drawn one after another from one generator: the number of entries
    that are off varies from batch to batch (binomial), as independent entries make it.
    Zeroing exactly round(sparsity * n * f) entries passes every big-batch statistic."""
    what = "sparse_features(rng, 1, 3, sparsity=0.5)"
    batches = learner.repeat("sparse_features", SMALL_BATCHES, Rng(710), 1, 3, 0.5)
    off = [int((expect_array(b, what, shape=(1, 3)) == 0).sum()) for b in batches]
    counts = np.bincount(off, minlength=4)
    if (counts == 0).any():
        never = ", ".join(str(k) for k in np.flatnonzero(counts == 0))
        raise Fail(f"{what}, called {SMALL_BATCHES} times with one generator, never gave a "
                   f"batch with {never} of its 3 entries off: each entry is off with "
                   "probability sparsity by a draw of its own (rng.random((n, f)) < "
                   "sparsity), so a batch may have any number of zeros, not exactly "
                   "sparsity * n * f of them.")


@check(points=1, function="sparse_features")
def test_sparse_features_uses_the_rng(learner):
    """sparse_features draws with the rng it is given, and rejects sparsity outside [0, 1]"""
    # one round trip; each call still gets its own fresh Generator from its seed
    first, again, other = values(learner, "sparse_features",
                                 [(Rng(704), 50, 5, 0.5), (Rng(704), 50, 5, 0.5),
                                  (Rng(705), 50, 5, 0.5)])
    if not same(first, again, rtol=0, atol=0):
        raise Fail("sparse_features gave different batches for two generators with the same "
                   "seed: draw with the rng argument, not np.random or a new generator.")
    if same(first, other, rtol=0, atol=0):
        raise Fail("sparse_features gave the same batch for different seeds: draw with the "
                   "rng argument.")
    expect_value_errors(learner, "sparse_features", [
        ((Rng(706), 5, 5, 1.5), "sparsity = 1.5", ""),
        ((Rng(706), 5, 5, -0.1), "sparsity = -0.1", "")])


# ---------------------------------------------------------------- the toy model


@check(points=1.5, function="toy_forward")
def test_toy_forward_reconstructs_through_the_bottleneck(learner):
    """toy_forward gives relu(X @ W.T @ W + b)"""
    cases = ((TOY, X5, "5 features in 2-d"), (TOY_3D, X7, "7 features in 3-d"),
             (TOY, X5_SIGNED, "5 features in 2-d, X with negative entries"))
    got_all = values(learner, "toy_forward", [(params, X) for params, X, _ in cases])
    for (params, X, what), got in zip(cases, got_all):
        name = f"toy_forward({what})"
        got = expect_array(got, name, shape=X.shape)
        if same(got, ref.toy_forward(params, X)):
            continue
        W, b = params["W"], params["b"]
        hint = mistake(got, {
            "the ReLU is missing": X @ W.T @ W + b,
            "the bias b is missing": np.maximum(0, X @ W.T @ W),
            "the ReLU is applied to the hidden h, not to the output":
                np.maximum(0, X @ W.T) @ W + b,
            "X is made non-negative first: the formula takes X as it is, negative entries "
            "too": np.maximum(0, np.maximum(X, 0) @ W.T @ W + b),
            "X is clipped to [0, 1] first: the formula takes X as it is":
                np.maximum(0, np.clip(X, 0, 1) @ W.T @ W + b),
            "b is added inside the hidden layer": np.maximum(0, (X @ W.T + b[: W.shape[0]]) @ W)
            if len(b) >= W.shape[0] else None})
        raise Fail(f"{name} is wrong" + (f": {hint}." if hint else
                   ": h = X @ W.T is (n, m), then relu(h @ W + b) is (n, f)."))


@check(points=1, function="importance_loss")
def test_importance_loss_weights_each_feature(learner):
    """importance_loss is the mean over rows of sum_i importance[i] (x_i - x_hat_i)^2"""
    X_hat = ref.toy_forward(TOY, X5)
    square_hat = ref.toy_forward(TOY, X_SQUARE)
    raw, raw_square = values(learner, "importance_loss", [(X5, X_hat, IMPORTANCE),
                                                          (X_SQUARE, square_hat, IMPORTANCE)])
    got = expect_float(raw, "importance_loss(X, X_hat, importance)")
    expected = ref.importance_loss(X5, X_hat, IMPORTANCE)
    if np.isclose(got, expected, rtol=1e-9):
        square = expect_float(raw_square, "importance_loss(X (5, 5), X_hat, importance)")
        if not np.isclose(square, ref.importance_loss(X_SQUARE, square_hat, IMPORTANCE),
                          rtol=1e-9):
            raise Fail(f"importance_loss(X (5, 5), X_hat, importance) gave {square:.6g}, not "
                       "the importance-weighted squared error: with as many rows as features, "
                       "importance[i] still weights feature (column) i, X[:, i].")
        return
    err = (X5 - X_hat) ** 2
    hint = mistake(got, {
        "it ignores the importance: weight each feature's error by importance[i]":
            err.sum(1).mean(),
        "it averages over features as well: sum over features, mean over rows":
            (err * IMPORTANCE).mean(),
        "it sums over the rows: take the mean over rows": (err * IMPORTANCE).sum(),
        "it weights the error before squaring: importance * (x - x_hat)^2, not squared "
        "importance": ((IMPORTANCE * (X5 - X_hat)) ** 2).sum(1).mean()})
    raise Fail(f"importance_loss gave {got:.6g}, not the importance-weighted squared error"
               + (f": {hint}." if hint else "."))


@check(points=1.5, function="feature_dimensionality")
def test_feature_dimensionality_shares_out_dimensions(learner):
    """feature_dimensionality gives |W_i|^2 / sum_j (Ŵ_i . W_j)^2 per column, 0 for dropped ones"""
    dropped = np.array(TOY["W"])
    dropped[:, 3] = 0.0
    tiny = np.array(TOY_3D["W"])
    tiny[2] = 0.0
    tiny[:, 2] = [0.0, 0.0, 1e-8]  # tiny but not zero, alone on its axis: D = 1, not 0
    cases = ((TOY["W"], "W (2, 5)"), (TOY_3D["W"], "W (3, 7)"),
             (dropped, "W with column 3 all zeros"), (tiny, "W with one tiny column"))
    got_all = values(learner, "feature_dimensionality", [(W,) for W, _ in cases])
    for (W, what), got in zip(cases, got_all):
        name = f"feature_dimensionality({what})"
        got = expect_array(got, name, shape=(W.shape[1],))
        expected = ref.feature_dimensionality(W)
        if same(got, expected):
            continue
        if np.isnan(got).any():
            raise Fail(f"{name} gave nan for a feature whose column is all zeros: a dropped "
                       "feature has dimensionality 0 (check the norm before dividing).")
        norms = np.linalg.norm(W, axis=0)
        with np.errstate(all="ignore"):
            units = W / norms
            rows = np.linalg.norm(W, axis=1)
            hint = mistake(got, {
                "it uses |W_i| instead of |W_i|^2 in the numerator":
                    norms / ((units.T @ W) ** 2).sum(axis=1),
                "the sum leaves out j = i: it runs over all features, i included":
                    norms**2 / (((units.T @ W) ** 2).sum(axis=1) - norms**2),
                "it uses the rows of W: feature i is column W[:, i]":
                    rows**2 / (((W / rows[:, None]) @ W.T) ** 2).sum(axis=1)})
        raise Fail(f"{name} is wrong" + (f": {hint}." if hint else "."))


# ---------------------------------------------------------------- the sparse autoencoder


@check(points=1, function="sae_encode")
def test_sae_encode(learner):
    """sae_encode gives relu((H - b_dec) @ W_enc + b_enc)"""
    got = expect_array(value(learner, "sae_encode", SAE, H), "sae_encode(sae, H)",
                       shape=(15, 6))
    if same(got, ref.sae_encode(SAE, H)):
        return
    hint = mistake(got, {
        "b_dec is not subtracted first: the SAE encodes H - b_dec":
            np.maximum(0, H @ SAE["W_enc"] + SAE["b_enc"]),
        "the ReLU is missing": (H - SAE["b_dec"]) @ SAE["W_enc"] + SAE["b_enc"]})
    raise Fail("sae_encode(sae, H) is wrong" + (f": {hint}." if hint else "."))


@check(points=0.5, function="sae_decode")
def test_sae_decode(learner):
    """sae_decode gives F @ W_dec + b_dec"""
    F = ref.sae_encode(SAE, H)
    cases = ((F, "sae_decode(sae, F)"), (F_SIGNED, "sae_decode(sae, F with negative entries)"))
    for (F, what), got in zip(cases, values(learner, "sae_decode",
                                            [(SAE, F) for F, _ in cases])):
        got = expect_array(got, what, shape=(15, 2))
        if not same(got, ref.sae_decode(SAE, F)):
            hint = mistake(got, {"b_dec is missing": F @ SAE["W_dec"],
                                 "it clips F at 0 first: decode F as it is, F @ W_dec + b_dec "
                                 "(the ReLU belongs to the encoder)":
                                     np.maximum(F, 0) @ SAE["W_dec"] + SAE["b_dec"]})
            raise Fail(f"{what} is wrong" + (f": {hint}." if hint else
                       ": the reconstruction is F @ W_dec + b_dec."))


@check(points=1, function="sae_loss")
def test_sae_loss(learner):
    """sae_loss is reconstruction error plus l1 times the latents' mean total size"""
    got = expect_float(value(learner, "sae_loss", SAE, H, 0.3), "sae_loss(sae, H, l1=0.3)")
    expected = ref.sae_loss(SAE, H, 0.3)
    if np.isclose(got, expected, rtol=1e-9):
        return
    F = ref.sae_encode(SAE, H)
    err = (H - ref.sae_decode(SAE, F)) ** 2
    pre = (H - SAE["b_dec"]) @ SAE["W_enc"] + SAE["b_enc"]
    hint = mistake(got, {
        "the L1 term is missing": err.sum(1).mean(),
        "it averages the squared error over dimensions too: sum over m, mean over rows":
            err.mean() + 0.3 * np.abs(F).sum(1).mean(),
        "the L1 term is taken on the pre-activations: use F = sae_encode(sae, H)":
            err.sum(1).mean() + 0.3 * np.abs(pre).sum(1).mean(),
        "the L1 term averages over latents too: sum over k, mean over rows":
            err.sum(1).mean() + 0.3 * np.abs(F).mean()})
    raise Fail(f"sae_loss gave {got:.6g}, not reconstruction error plus l1 times the latents' "
               "mean total size"
               + (f": {hint}." if hint else "."))


@check(points=1, function="best_cosines")
def test_best_cosines_matches_each_true_direction(learner):
    """best_cosines gives, for each true direction, its best cosine with any learned row"""
    learned, true = LEARNED, TRUE
    raw = value(learner, "best_cosines", learned, true)
    if isinstance(raw, np.ndarray) and raw.shape == (6,):
        raise Fail("best_cosines(learned (6, 3), true (4, 3)) gave one value per learned row: "
                   "give one per true direction, its best cosine over the learned rows.")
    got = expect_array(raw, "best_cosines(learned (6, 3), true (4, 3))", shape=(4,))
    if same(got, ref.best_cosines(learned, true)):
        with_zero = np.array(learned)
        with_zero[2] = 0.0
        true_zero = np.array(true)
        true_zero[1] = 0.0
        expect_value_errors(learner, "best_cosines", [
            ((np.zeros((2, 3)), true), "learned rows that are all zeros", ""),
            ((with_zero, true), "one zero row among the learned rows",
             "Every row must be non-zero, not just some."),
            ((learned, true_zero), "one zero row among the true directions",
             "Check the true rows too.")])
        return
    ul = learned / np.linalg.norm(learned, axis=1, keepdims=True)
    ut = true / np.linalg.norm(true, axis=1, keepdims=True)
    hint = mistake(got, {
        "it uses dot products of unnormalised rows: divide each row by its length":
            (true @ learned.T).max(axis=1),
        "it takes the absolute cosine: a row pointing the opposite way is not a match":
            np.abs(ut @ ul.T).max(axis=1),
        "it normalises only the true directions": (ut @ learned.T).max(axis=1)})
    raise Fail("best_cosines is wrong" + (f": {hint}." if hint else "."))
