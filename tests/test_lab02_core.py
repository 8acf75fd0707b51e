"""Lab 02's reference core: the graded functions' contracts, and the claims the lab makes."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from mindlab_core.lab02 import directions as D
from mindlab_core.lab02 import findings as F
from mindlab_core.lab02 import induction as I
from mindlab_core.lab02 import reference as lab02
from mindlab_core.lab02 import residual as R
from mindlab_core.lab02 import superposition as S

# ---------------------------------------------------------------- TOOL 04


def test_vowels_and_consonants_separate_on_one_direction():
    X = D.letter_vectors()
    direction = F.vowel_direction(X)
    assert np.isclose(np.linalg.norm(direction), 1.0)
    vowels = lab02.project(D.rows_of(X, D.TRAIN_VOWELS), direction)
    consonants = lab02.project(D.rows_of(X, D.TRAIN_CONSONANTS), direction)
    threshold = D.midpoint_threshold(vowels, consonants)
    assert vowels.min() > threshold > consonants.max()
    # letters the direction never saw land on the right side
    assert (lab02.project(D.rows_of(X, D.HELD_OUT_VOWELS), direction) > threshold).all()
    assert (lab02.project(D.rows_of(X, D.HELD_OUT_CONSONANTS), direction) < threshold).all()


def test_direction_functions_by_hand():
    d = lab02.mean_difference_direction(np.array([[2.0, 1.0], [4.0, 1.0]]), np.array([[0.0, 1.0]]))
    assert d.tolist() == [1.0, 0.0]
    assert lab02.project(np.array([[3.0, 4.0]]), np.array([0.0, -5.0])).tolist() == [-4.0]
    assert lab02.cosine_similarity(np.array([1.0, 0.0]), np.array([-2.0, 0.0])) == -1.0
    assert type(lab02.cosine_similarity(np.ones(3), np.ones(3))) is float


@pytest.mark.parametrize("call", [
    lambda: lab02.mean_difference_direction(np.ones((2, 3)), np.ones((2, 3))),
    lambda: lab02.mean_difference_direction(np.ones((2, 3)), np.ones((2, 4))),
    lambda: lab02.project(np.ones((2, 3)), np.zeros(3)),
    lambda: lab02.project(np.ones((2, 3)), np.ones(4)),
    lambda: lab02.cosine_similarity(np.zeros(3), np.ones(3)),
    lambda: lab02.cosine_similarity(np.ones(2), np.ones(3)),
])
def test_direction_functions_reject_bad_input(call):
    with pytest.raises(ValueError):
        call()


# ---------------------------------------------------------------- TOOL 05


def _names_data():
    return F.name_contexts()


def test_make_contexts_by_hand():
    X, Y = lab02.make_contexts(["ab", "c"], 3)
    assert X.tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 2], [0, 0, 0], [0, 0, 3]]
    assert Y.tolist() == [1, 2, 0, 3, 0]
    assert X.dtype == np.int64 and Y.dtype == np.int64
    X, Y = lab02.make_contexts([], 2)
    assert X.shape == (0, 2) and Y.shape == (0,)
    for bad in (0, -1):
        with pytest.raises(ValueError):
            lab02.make_contexts(["ab"], bad)
    with pytest.raises(ValueError):
        lab02.make_contexts(["aB"], 2)


def test_shipped_residual_model_is_small_and_has_the_documented_shapes():
    assert R.WEIGHTS_FILE.stat().st_size < 200_000
    params = R.residual_model()
    assert {k: v.shape for k, v in params.items()} == R.param_shapes()


def test_the_lens_at_the_last_layer_is_the_output_exactly():
    params = R.residual_model()
    X, _ = _names_data()
    streams = lab02.run_with_cache(params, X[:500])
    assert len(streams) == R.LAYERS + 1
    lens = lab02.logit_lens(params, streams)
    assert lens.shape == (R.LAYERS + 1, 500, 27)
    assert np.array_equal(lens[-1], F.forward(params, X[:500]))


def test_the_prediction_sharpens_layer_by_layer():
    X, Y = _names_data()
    losses = F.lens_losses(R.residual_model(), X, Y)
    assert np.all(np.diff(losses) < 0)
    bigram = np.log(27)  # the model beats uniform guessing by a wide margin
    assert losses[-1] < 1.9 < 2.45 < bigram


def test_cross_entropy_is_stable():
    logits = np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]])
    assert np.isclose(lab02.cross_entropy(logits, np.array([0, 1])), np.log(3) / 2)


def test_the_hand_written_backward_pass_matches_finite_differences():
    X, Y = _names_data()
    params = R.residual_model()
    from mindlab_core.lab02.train_residual import loss_and_grads

    # the hand-written backward pass agrees with finite differences
    small = {k: np.array(v) for k, v in params.items()}
    rows = slice(0, 64)
    _, grads = loss_and_grads(small, X[rows], Y[rows])
    rng = np.random.default_rng(0)
    for name in small:
        idx = tuple(rng.integers(0, n) for n in small[name].shape)
        eps = 1e-5
        small[name][idx] += eps
        up = lab02.cross_entropy(F.forward(small, X[rows]), Y[rows])
        small[name][idx] -= 2 * eps
        down = lab02.cross_entropy(F.forward(small, X[rows]), Y[rows])
        small[name][idx] += eps
        assert np.isclose(grads[name][idx], (up - down) / (2 * eps), atol=1e-6), name


# ---------------------------------------------------------------- TOOL 06

HALF = 20


def _patterns(seed: int = 0):
    params = I.induction_model()
    tokens = lab02.repeated_tokens(np.random.default_rng(seed), I.N_VOCAB, HALF)
    return params, tokens, I.run_attention_model(params, tokens, lab02.causal_attention)[1]


def test_causal_attention_masks_the_future():
    rng = np.random.default_rng(0)
    pattern = lab02.causal_attention(rng.normal(size=(6, 4)) * 1e3, rng.normal(size=(6, 4)))
    assert np.allclose(pattern.sum(axis=1), 1)
    assert np.all(np.triu(pattern, k=1) == 0)
    assert np.all(np.isfinite(pattern))


def test_repeated_tokens():
    tokens = lab02.repeated_tokens(np.random.default_rng(1), 5, 50)
    assert tokens.shape == (101,) and tokens.dtype == np.int64 and tokens[0] == 0
    assert np.array_equal(tokens[1:51], tokens[51:])
    assert set(tokens[1:].tolist()) == {1, 2, 3, 4}
    with pytest.raises(ValueError):
        lab02.repeated_tokens(np.random.default_rng(1), 5, 0)


def test_scores_find_the_previous_token_and_the_induction_head():
    _, _, patterns = _patterns()
    prev = lab02.prev_token_score(patterns)
    ind = lab02.induction_score(patterns, HALF)
    assert prev.shape == ind.shape == (I.LAYERS, I.HEADS)
    assert lab02.find_heads(prev, 0.5) == [(0, 1)]
    assert lab02.find_heads(ind, 0.5) == [(1, 2)]
    assert I.ROLES[(0, 1)] == "previous token" and I.ROLES[(1, 2)] == "induction"
    with pytest.raises(ValueError):
        lab02.induction_score(patterns, HALF + 1)


def test_induction_score_by_hand():
    half = 2  # T = 5: queries 3, 4 should look at keys 2, 3
    pattern = np.zeros((5, 5))
    pattern[3, 2] = pattern[4, 3] = 1.0
    pattern[1, 0] = 1.0  # the TransformerLens diagonal also holds (1, 0): not counted here
    assert float(lab02.induction_score(pattern, half)) == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ablation_proves_cause(seed):
    params, tokens, _ = _patterns(seed)
    full = F.repeated_half_loss(params, tokens, HALF)
    chance = I.chance_loss()
    assert full < 0.5
    for layer, head in [(1, 2), (0, 1)]:  # the circuit: induction head and its helper
        ablated = lab02.ablate_head(params, layer, head)
        assert abs(F.repeated_half_loss(ablated, tokens, HALF) - chance) < 0.3
    for layer, head in I.ROLES:
        if (layer, head) not in [(1, 2), (0, 1)]:
            ablated = lab02.ablate_head(params, layer, head)
            assert abs(F.repeated_half_loss(ablated, tokens, HALF) - full) < 0.1


def test_ablate_head_copies():
    params = I.induction_model()
    ablated = lab02.ablate_head(params, 1, 2)
    assert not np.any(ablated["W_O"][1, 2]) and np.any(params["W_O"][1, 2])
    assert ablated["W_Q"] is params["W_Q"] or np.array_equal(ablated["W_Q"], params["W_Q"])
    with pytest.raises(ValueError):
        lab02.ablate_head(params, 2, 0)


# ---------------------------------------------------------------- TOOL 07


@lru_cache(maxsize=1)
def _toys():
    return S.train_toy_models()


def test_trained_toy_models_are_the_training_run_handed_out_as_copies():
    first = S.trained_toy_models()
    first["W"][:] = 0.0  # a learner's notebook changing its copy ...
    again = S.trained_toy_models()  # ... changes nobody else's
    assert all(np.array_equal(again[k], _toys()[k]) for k in ("W", "b"))


def test_sparse_features_statistics():
    X = lab02.sparse_features(np.random.default_rng(0), 20000, 5, 0.9)
    assert X.shape == (20000, 5)
    assert abs((X > 0).mean() - 0.1) < 0.01
    assert X.min() >= 0 and X.max() < 1
    assert abs(X[X > 0].mean() - 0.5) < 0.02
    with pytest.raises(ValueError):
        lab02.sparse_features(np.random.default_rng(0), 2, 5, 1.5)


def test_dense_features_keep_the_two_most_important_orthogonal():
    D0 = lab02.feature_dimensionality(_toys()["W"][0])
    assert np.allclose(D0[:2], 1, atol=0.05) and np.all(D0[2:] < 0.05)


@pytest.mark.parametrize("index", [2, 3, 4])  # sparsity 0.9, 0.97, 0.99
def test_sparse_features_pack_into_a_pentagon(index):
    W = _toys()["W"][index]
    assert np.allclose(lab02.feature_dimensionality(W), 0.4, atol=0.03)
    angles = np.sort(np.degrees(np.arctan2(W[1], W[0])))
    gaps = np.diff(np.r_[angles, angles[0] + 360])
    assert np.allclose(gaps, 72, atol=6)


def test_feature_dimensionality_by_hand():
    W = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])  # two features share one axis
    assert np.allclose(lab02.feature_dimensionality(W), [0.5, 0.5, 0.0])


def test_sae_recovers_the_features():
    toy = S.toy_instance(_toys(), 4)
    H = S.hidden_activations(toy, np.random.default_rng(1), 20000, S.SPARSITIES[4])
    sae = S.train_sae(H)
    assert np.allclose(np.linalg.norm(sae["W_dec"], axis=1), 1)
    assert lab02.best_cosines(sae["W_dec"], toy["W"].T).min() >= 0.9
    # the SAE explains H far better than predicting zero does
    assert lab02.sae_loss(sae, H, 0.0) < 0.2 * (H**2).sum(axis=1).mean()


def test_sae_functions_by_hand():
    sae = {"W_enc": np.eye(2), "b_enc": np.array([0.0, -1.0]), "W_dec": 2 * np.eye(2),
           "b_dec": np.array([1.0, 0.0])}
    H = np.array([[2.0, 3.0]])
    F = lab02.sae_encode(sae, H)
    assert F.tolist() == [[1.0, 2.0]]
    assert lab02.sae_decode(sae, F).tolist() == [[3.0, 4.0]]
    # recon: (2-3)^2 + (3-4)^2 = 2; l1: 0.5 * 3
    assert lab02.sae_loss(sae, H, 0.5) == 3.5
    assert lab02.importance_loss(H, np.zeros((1, 2)), np.array([1.0, 0.1])) == pytest.approx(4.9)
    with pytest.raises(ValueError):
        lab02.best_cosines(np.zeros((2, 2)), np.eye(2))


# ---------------------------------------------------------------- all graded functions


def test_graded_functions_leave_inputs_unchanged():
    rng = np.random.default_rng(0)
    toy = {"W": rng.normal(size=(2, 5)), "b": rng.normal(size=5)}
    X = rng.random((4, 5))
    before = {k: v.copy() for k, v in toy.items()}
    lab02.toy_forward(toy, X)
    lab02.feature_dimensionality(toy["W"])
    assert all(np.array_equal(before[k], toy[k]) for k in toy)
    params = {k: np.array(v) for k, v in I.induction_model().items()}
    lab02.ablate_head(params, 0, 1)
    assert np.any(params["W_O"][0, 1])


def test_pictures_draw():
    from mindlab_core.lab02 import pictures as P

    scores = F.letter_scores()
    assert P.projection_strip(scores, 0.0, "aeiou", "bcd", "iu").axes
    params = R.residual_model()
    X, Y = _names_data()
    lens = lab02.logit_lens(params, lab02.run_with_cache(params, X[:3]))
    assert P.lens_table(lens, ["...", "..a", ".aa"], "abc", losses=[1, 2, 3, 4, 5]).axes
    _, _, patterns = _patterns()
    assert len(P.attention_patterns(patterns, I.ROLES).axes) == I.LAYERS * I.HEADS
    assert P.feature_arrows(_toys()["W"], S.SPARSITIES).axes
    assert P.sae_vs_true(np.eye(2), np.eye(2)).axes


def test_the_model_modules_never_import_the_reference():
    """The grader hides reference.py from learner code, which imports the model modules."""
    import subprocess
    import sys

    code = ("import sys; import mindlab_core.lab02.directions, mindlab_core.lab02.residual, "
            "mindlab_core.lab02.induction, mindlab_core.lab02.superposition, "
            "mindlab_core.lab02.pictures; "
            "print('mindlab_core.lab02.reference' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_the_model_runs_on_its_own_attention_too():
    params, tokens, patterns = _patterns()
    _, own = I.run_attention_model(params, tokens)
    assert np.allclose(own, patterns)
