"""TOOL 06 — induction heads: hidden checks (the grade), 10 points.

Attention and scores are compared with the reference on random inputs and on the
hand-built model; repeated_tokens is checked by its properties and by the rng it is
given, never by exact draws; ablation is checked on the model itself.
"""

from __future__ import annotations

import numpy as np

from mindlab_core.lab02 import reference as ref
from mindlab_core.lab02.induction import run_attention_model
from mindlab_grader.checks import Fail, Rng, check, expect_array
from mindlab_grader.checks import describe as describe_value
from mindlab_grader.suites.common.calls import (
    expect_value_errors,
    judged,
    outcomes,
)
from mindlab_grader.suites.common.hints import mistake, same
from mindlab_grader.suites.lab02 import inputs
from mindlab_grader.suites.lab02.calls import changed, value, values

_rng = np.random.default_rng(606)
Q, K = _rng.normal(0, 1, (7, 5)), _rng.normal(0, 1, (7, 5))
HALF = 6
PATTERNS = inputs.random_patterns(607, (2, 3, 2 * HALF + 1, 2 * HALF + 1))
ODD_HALF, LONG_HALF = 5, 128  # T = 11; T = 257, where `is` stops matching ints
ODD_PATTERNS = inputs.random_patterns(608, (3, 2 * ODD_HALF + 1, 2 * ODD_HALF + 1))
LONG_PATTERNS = inputs.random_patterns(609, (1, 2 * LONG_HALF + 1, 2 * LONG_HALF + 1))
MODEL = inputs.trained_induction()
# scores of 1e4, and of 1e7 where the past scores far below any finite mask value and the
# future far above it
_FAR_Q = np.zeros((7, 5))
_FAR_Q[:, 0] = 1e4
_FAR_K = np.zeros((7, 5))
_FAR_K[:, 0] = 1e3 * np.arange(7) - 3.5e3  # key j scores 1e7 (j - 3.5) / sqrt(5)
# and of 1e12, past a mask of -1e9 too (that scored full marks, found from outside)
LARGE = [(Q * 1e3, K * 10), (_FAR_Q, _FAR_K), (_FAR_Q, _FAR_K * 1e5)]

# ---------------------------------------------------------------- causal_attention


def _softmax_rows(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _attention_mistakes(q: np.ndarray, k: np.ndarray) -> dict[str, np.ndarray]:
    T, d = q.shape
    future = np.triu(np.ones((T, T), dtype=bool), k=1)
    raw = q @ k.T
    masked = lambda s, m: np.where(m, -np.inf, s)  # noqa: E731
    with np.errstate(all="ignore"):
        return {
            "the scores are not divided by sqrt(d_head)": _softmax_rows(masked(raw, future)),
            "the scores are divided by d_head, not its square root":
                _softmax_rows(masked(raw / d, future)),
            "it hides the past instead of the future: query i may only see keys j <= i "
            "(mask the upper triangle, np.triu(..., k=1))":
                _softmax_rows(masked(raw / np.sqrt(d), np.tril(np.ones((T, T), bool), -1))),
            "the softmax runs down the columns: normalise each row (axis=-1)":
                (lambda s: np.exp(s) / np.exp(s).sum(axis=0, keepdims=True))(
                    masked(raw / np.sqrt(d), future)),
            "the future is masked after the softmax, so the rows no longer sum to 1: mask "
            "the scores with -inf first": np.where(future, 0.0, _softmax_rows(raw / np.sqrt(d))),
        }


@check(points=1.5, function="causal_attention")
def test_causal_attention_is_a_causal_softmax(learner):
    """causal_attention gives softmax(q k^T / sqrt(d_head)) over keys j <= i only"""
    got = expect_array(value(learner, "causal_attention", Q, K), "causal_attention(q, k)",
                       shape=(7, 7))
    if same(got, ref.causal_attention(Q, K)):
        return
    if np.isnan(got).any():
        raise Fail("causal_attention gave nan: a row with every score masked has nothing to "
                   "attend to; key j = i (the query itself) must stay visible.")
    hint = mistake(got, _attention_mistakes(Q, K))
    raise Fail("causal_attention(q, k) is wrong" + (f": {hint}." if hint else
               ": scores q @ k.T / sqrt(d_head), -inf above the diagonal, softmax per row."))


@check(points=1, function="causal_attention")
def test_causal_attention_is_stable(learner):
    """causal_attention stays finite and causal for scores from 1e4 to 1e12"""
    for (q, k), got in zip(LARGE, values(learner, "causal_attention", LARGE)):
        got = expect_array(got, "causal_attention(q, k) with large scores", shape=(7, 7))
        if not np.isfinite(got).all():
            raise Fail("causal_attention gave nan or inf for large scores: subtract each row's "
                       "largest score before exp, as in lab 01's softmax.")
        if not (got[np.triu_indices(7, 1)] == 0).all():
            raise Fail("causal_attention gave weight to future keys when the scores are in "
                       "the millions or more: a finite mask value (-1e5, -1e9) is not far "
                       "enough below such scores; mask with -np.inf.")
        if not same(got, ref.causal_attention(q, k)):
            raise Fail("causal_attention is wrong for large scores: a stable softmax per row, "
                       "after masking the future.")


# ---------------------------------------------------------------- repeated_tokens


@check(points=1, function="repeated_tokens")
def test_repeated_tokens_repeats_a_random_half(learner):
    """repeated_tokens gives BOS, a random half from 1..n_vocab-1, then the same half again"""
    # each call gets its own fresh Generator of seed 601; (2, 1): the smallest valid sizes;
    # (50, 49): 49 independent draws from 49 tokens repeat some (p of none < 1e-20);
    # (50, 2000): each of the 49 tokens comes 41 +- 6 times, and between 5 and 100 times
    # but with p < 1e-10 (a draw from 1..3 only scored full marks, found from outside)
    sizes = ((50, 10), (4, 300), (2, 1), (50, 49), (50, 2000))
    got_all = values(learner, "repeated_tokens", [(Rng(601), n_vocab, half)
                                                  for n_vocab, half in sizes])
    for (n_vocab, half), got in zip(sizes, got_all):
        what = f"repeated_tokens(rng, n_vocab={n_vocab}, half_len={half})"
        tokens = expect_array(got, what, shape=(2 * half + 1,))
        if got.dtype != np.int64:
            raise Fail(f"{what} returned dtype {got.dtype}: tokens are int64 token indices, "
                       "as make_contexts gives (rng.integers returns int64; keep it, or "
                       ".astype(np.int64)).")
        if tokens[0] != 0:
            raise Fail(f"{what} starts with {int(tokens[0])}: the first token is BOS, 0.")
        if not np.array_equal(tokens[1:half + 1], tokens[half + 1:]):
            raise Fail(f"{what}: the second half must repeat the first exactly "
                       "(draw once, then concatenate the same array twice).")
        seen = set(tokens[1:].astype(int).tolist())
        if 0 in seen or not seen <= set(range(1, n_vocab)):
            raise Fail(f"{what} draws tokens outside 1..{n_vocab - 1}: rng.integers(1, n_vocab) "
                       "excludes BOS (0) and n_vocab itself.")
        if n_vocab == 50 and half == 49 and len(set(tokens[1:half + 1].tolist())) == half:
            raise Fail(f"{what} has no token twice in its first half: the tokens are drawn "
                       "independently (rng.integers), so repeats happen; drawing without "
                       "replacement is not uniform and independent.")
        if n_vocab == 4 and seen != {1, 2, 3}:
            raise Fail(f"{what} never draws some of the tokens 1, 2, 3 in 300 draws: draw "
                       "uniformly from 1..n_vocab-1.")
        counts = np.bincount(got[1:half + 1], minlength=n_vocab)[1:]
        if half == 2000 and not (counts.min() >= 5 and counts.max() <= 100):
            raise Fail(f"{what} is not uniform over 1..{n_vocab - 1}: in {half} draws one "
                       f"token came {int(counts.min())} times and one {int(counts.max())} "
                       f"times, where each should come about {half / (n_vocab - 1):.0f} "
                       "times. Draw with rng.integers(1, n_vocab).")
    _expect_independent_positions(learner)


REPEATS = 500  # sequences of repeated_tokens(rng, 10, 3) from one generator


def _expect_independent_positions(learner) -> None:
    """Each position of the half is uniform over 1..9 on its own (mean 5 +- 0.92, 8 standard
    deviations of a mean of 500), and two positions are drawn independently: the first
    below the second in 36 of 81 pairs (0.444 +- 0.178). A sorted half (found from
    outside) scored full marks on every count over whole sequences."""
    what = "repeated_tokens(rng, n_vocab=10, half_len=3)"
    runs = learner.repeat("repeated_tokens", REPEATS, Rng(611), 10, 3)
    halves = np.array([expect_array(r, what, shape=(7,))[1:4] for r in runs])
    for p, mean in enumerate(halves.mean(axis=0), 1):
        if abs(mean - 5) > 0.92:
            raise Fail(f"{what}, called {REPEATS} times with one generator, has token "
                       f"{p} of the half averaging {mean:.2f}, where a uniform draw from 1..9 "
                       "averages 5: draw each token independently (rng.integers(1, n_vocab, "
                       "size=half_len)), without sorting or other reordering.")
    below = (halves[:, 0] < halves[:, 1]).mean()
    if abs(below - 36 / 81) > 0.178:
        raise Fail(f"{what}, called {REPEATS} times with one generator: the first token of "
                   f"the half is below the second in {below:.0%} of them, not 44%: each token "
                   "is its own independent draw (rng.integers(1, n_vocab, size=half_len)).")


@check(points=1, function="repeated_tokens")
def test_repeated_tokens_uses_the_rng(learner):
    """repeated_tokens draws with the rng it is given, and rejects half_len < 1 or n_vocab < 2"""
    # one round trip; each call still gets its own fresh Generator from its seed
    first, again, other = values(learner, "repeated_tokens",
                                 [(Rng(602), 50, 20), (Rng(602), 50, 20), (Rng(603), 50, 20)])
    if not (isinstance(first, np.ndarray) and isinstance(again, np.ndarray)
            and isinstance(other, np.ndarray)):
        raise Fail("repeated_tokens should return a numpy array of tokens.")
    if not np.array_equal(first, again):
        raise Fail("repeated_tokens gave different tokens for two generators with the same "
                   "seed: draw with the rng argument, not np.random or a new generator.")
    if np.array_equal(first, other):
        raise Fail("repeated_tokens gave the same tokens for different seeds: draw with the "
                   "rng argument (rng.integers), not a generator of your own.")
    expect_value_errors(learner, "repeated_tokens", [
        ((Rng(604), 50, 0), "half_len = 0", ""), ((Rng(604), 50, -2), "half_len = -2", ""),
        ((Rng(604), 1, 5), "n_vocab = 1", "With BOS alone there is no token to draw."),
        ((Rng(604), 0, 5), "n_vocab = 0", "")])


# ---------------------------------------------------------------- scores

# patterns (..., T, T) have any number of leading axes: one head's (T, T), one layer's
# (H, T, T); code written for (L, H, T, T) only scored full marks (found from outside)
FEWER_AXES = (PATTERNS[1, 2], PATTERNS[0])
LEADING_AXES = ("patterns may have any leading axes (..., T, T), a single head's (T, T) "
                "pattern too: index from the end (pattern[..., i, j], np.diagonal(..., "
                "axis1=-2, axis2=-1), .mean(axis=-1)) instead of assuming four axes.")


def _expect_any_leading_axes(learner, function: str, cases: list[tuple], what: str) -> None:
    """Fail unless `function` gives the reference's scores for patterns with fewer leading
    axes than (L, H): one score per pattern, shape () for a single (T, T) one."""
    advice = LEADING_AXES
    for case, out in zip(cases, outcomes(learner, function, cases)):
        shape = case[0].shape
        call = f"{function}(patterns {shape}" + (f", half_len={case[1]})" if len(case) > 1
                                                 else ")")
        if out.raised is not None and out.problem is None:
            raise Fail(f"{call} raised {out.raised.type_name}: {advice}")
        got = judged(function, out, changed=changed)
        got = expect_array(np.asarray(got) if isinstance(got, (float, np.floating)) else got,
                           call, shape=shape[:-2])
        if not same(got, getattr(ref, function)(*case)):
            raise Fail(f"{call} is not {what} for each pattern: {advice}")


@check(points=1, function="prev_token_score")
def test_prev_token_score_reads_the_diagonal_below(learner):
    """prev_token_score is the mean of pattern[i, i-1] for each head"""
    got = expect_array(value(learner, "prev_token_score", PATTERNS),
                       "prev_token_score(patterns (2, 3, T, T))", shape=(2, 3))
    expected = ref.prev_token_score(PATTERNS)
    if same(got, expected):
        _expect_any_leading_axes(learner, "prev_token_score", [(P,) for P in FEWER_AXES],
                                 "the mean of pattern[i, i - 1]")
        return
    T = PATTERNS.shape[-1]
    below = np.diagonal(PATTERNS, offset=-1, axis1=-2, axis2=-1)
    hint = mistake(got, {
        "it reads the diagonal above (key i+1), which a causal head never attends to: "
        "use offset -1": np.diagonal(PATTERNS, offset=1, axis1=-2, axis2=-1).mean(axis=-1),
        "it reads the main diagonal (the current token): use offset -1":
            np.diagonal(PATTERNS, axis1=-2, axis2=-1).mean(axis=-1),
        "it divides by T instead of by the T - 1 entries of that diagonal": below.sum(-1) / T,
        "it sums the diagonal: take the mean": below.sum(axis=-1)})
    raise Fail("prev_token_score is wrong" + (f": {hint}." if hint else
               ": for every head, the mean over i >= 1 of pattern[i, i - 1]."))


def _stripe_mistakes(patterns: np.ndarray, half: int) -> dict[str, np.ndarray]:
    stripe = np.diagonal(patterns, offset=1 - half, axis1=-2, axis2=-1)
    return {
        "it averages the whole diagonal, first-half queries included: only queries of the "
        "repeated half (i > half_len) count": stripe.mean(axis=-1),
        "it reads the earlier copy of the token itself (offset -half_len): the induction "
        "head looks at the token after it, offset 1 - half_len":
            np.diagonal(patterns, offset=-half, axis1=-2, axis2=-1)[..., -half:].mean(-1),
        "it is off by one: the stripe is at offset 1 - half_len":
            np.diagonal(patterns, offset=2 - half, axis1=-2, axis2=-1)[..., -half:].mean(-1),
    }


@check(points=1.5, function="induction_score")
def test_induction_score_reads_the_stripe(learner):
    """induction_score is the mean of pattern[i, i - half_len + 1] over the repeated half"""
    # an odd half_len (half_len | 1 is half_len there) and T = 257, past the small ints
    cases = [(PATTERNS, HALF), (ODD_PATTERNS, ODD_HALF), (LONG_PATTERNS, LONG_HALF)]
    outs = outcomes(learner, "induction_score", cases)
    got = expect_array(judged("induction_score", outs[0], changed=changed),
                       f"induction_score(patterns, half_len={HALF})", shape=(2, 3))
    if same(got, ref.induction_score(PATTERNS, HALF)):
        for (P, half), out in zip(cases[1:], outs[1:]):
            what = f"induction_score(patterns {P.shape}, half_len={half})"
            if out.raised is not None and out.problem is None:  # (3 axes here, 4 before)
                raise Fail(f"{what} raised {out.raised.type_name}: {LEADING_AXES}")
            other = judged("induction_score", out, changed=changed)
            if not same(expect_array(other, what, shape=P.shape[:-2]),
                        ref.induction_score(P, half)):
                raise Fail(f"{what} is wrong: the queries are i = half_len + 1 .. 2 half_len "
                           f"(here {half + 1} .. {2 * half}), each reading key "
                           "i - half_len + 1; compare T with == 2 * half_len + 1 (not `is`).")
        _expect_any_leading_axes(learner, "induction_score",
                                 [(P, HALF) for P in FEWER_AXES],
                                 "the mean of the stripe pattern[i, i - half_len + 1]")
        expect_value_errors(learner, "induction_score", [
            ((PATTERNS, HALF + 1), f"patterns of {2 * HALF + 1} positions with "
             f"half_len={HALF + 1}", "A repeated sequence has T = 2 * half_len + 1 positions."),
            ((PATTERNS, HALF - 1), f"patterns of {2 * HALF + 1} positions with "
             f"half_len={HALF - 1}", "T must be exactly 2 * half_len + 1: too long is wrong "
             "too.")])
        return
    hint = mistake(got, _stripe_mistakes(PATTERNS, HALF))
    raise Fail("induction_score is wrong" + (f": {hint}." if hint else
               ": query i of the repeated half (half_len < i <= 2 half_len) should look at "
               "key i - half_len + 1; average those entries."))


# ---------------------------------------------------------------- find_heads


@check(points=1, function="find_heads")
def test_find_heads_lists_the_heads_above_threshold(learner):
    """find_heads lists (layer, head) pairs strictly above the threshold, in order"""
    scores = np.array([[0.1, 0.7, 0.5], [0.9, 0.2, 0.65]])
    got = value(learner, "find_heads", scores, 0.5)
    expected = ref.find_heads(scores, 0.5)
    if not isinstance(got, list):
        raise Fail(f"find_heads returned {describe_value(got)}: return a list of "
                   "(layer, head) tuples.")
    if got == expected and all(type(t) is tuple and all(type(x) is int for x in t)
                               for t in got):
        return
    plain = [tuple(int(x) for x in t) if isinstance(t, (tuple, list)) else t for t in got]
    if plain == expected:
        raise Fail("find_heads returned numpy integers or lists: give plain (int, int) "
                   "tuples, e.g. (int(layer), int(head)).")
    hint = ""
    if plain == [(h, layer) for layer, h in expected]:
        hint = "each pair is (head, layer): put the layer first"
    elif (1, 2) in expected and (0, 2) in plain:  # 0.5 is not above 0.5
        hint = "a score equal to the threshold is not above it: use >"
    raise Fail(f"find_heads(scores, 0.5) gave {plain}, not every (layer, head) scoring "
               "above 0.5, in order"
               + (f": {hint}." if hint else "."))


# ---------------------------------------------------------------- ablate_head


@check(points=1, function="ablate_head")
def test_ablate_head_silences_one_head(learner):
    """ablate_head zeroes W_O of that head only, and the induction circuit breaks without it"""
    got = value(learner, "ablate_head", MODEL, 1, 2)
    if not isinstance(got, dict) or set(got) != set(MODEL):
        raise Fail(f"ablate_head returned {describe_value(got)}: return a params dict with "
                   f"the same keys ({', '.join(sorted(MODEL))}).")
    expected = ref.ablate_head(MODEL, 1, 2)
    for name in MODEL:
        array = expect_array(got[name], f"ablate_head(params, 1, 2)[{name!r}]",
                             shape=MODEL[name].shape)
        if same(array, expected[name], rtol=0, atol=0):
            continue
        if name != "W_O":
            raise Fail(f"ablate_head(params, 1, 2) changed {name!r}: silencing a head only "
                       "zeroes its output W_O[layer, head]; the other weights stay equal.")
        raise Fail("ablate_head(params, 1, 2) did not zero exactly W_O[1, 2]: set the whole "
                   "block W_O[layer, head] to 0 and keep every other head's block.")
    tokens = np.concatenate([[0], np.arange(1, 21), np.arange(1, 21)])
    logits, _ = run_attention_model(got, tokens, ref.causal_attention)
    if np.allclose(logits, run_attention_model(MODEL, tokens, ref.causal_attention)[0]):
        raise Fail("ablate_head(params, 1, 2) does not change the model's output.")


@check(points=1, function="ablate_head")
def test_ablate_head_rejects_missing_heads(learner):
    """ablate_head raises ValueError for a layer or head that does not exist"""
    L, H = MODEL["W_O"].shape[:2]
    # (a function that changes its input loses the silencing check, not this one)
    got = judged("ablate_head", outcomes(learner, "ablate_head", [(MODEL, L - 1, H - 1)])[0])
    if not isinstance(got, dict):
        raise Fail(f"ablate_head(params, {L - 1}, {H - 1}), the last head of the last layer, "
                   f"returned {describe_value(got)}: it exists, so return the new params dict.")
    expect_value_errors(learner, "ablate_head", [
        ((MODEL, L, 0), f"layer {L} of a {L}-layer model", ""),
        ((MODEL, 0, H), f"head {H} of a {H}-head layer", "Heads run 0..heads-1."),
        ((MODEL, 0, -1), "head -1", "Python accepts index -1 (the last head); a head number "
         "must be 0..heads-1, so check the range yourself."),
        ((MODEL, -1, 0), "layer -1", "Python accepts index -1 (the last layer); a layer "
         "number must be 0..layers-1.")])
