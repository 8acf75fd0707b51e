"""TOOL 06 — induction heads: public checks, 10 points. Hand-computed examples only."""

from __future__ import annotations

import numpy as np

from mindlab_grader.checks import Fail, Rng, check, describe, expect_array, expect_float
from mindlab_grader.suites.common.calls import expect_value_errors, judged, outcomes
from mindlab_grader.suites.lab02.calls import changed, expect_draws_from_rng, value, values


@check(points=0.5, function="causal_attention")
def test_causal_attention_of_equal_scores(learner):
    """causal_attention with all-zero q and k spreads each row evenly over the past"""
    got = expect_array(value(learner, "causal_attention", np.zeros((3, 4)), np.zeros((3, 4))),
                       "causal_attention(zeros, zeros)", shape=(3, 3))
    expected = [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]]
    if not np.allclose(got, expected):
        raise Fail("with equal scores, row i should be 1/(i+1) on keys 0..i and exactly 0 on "
                   "the future keys.")


@check(points=1, function="causal_attention")
def test_causal_attention_divides_by_sqrt_d_head(learner):
    """causal_attention divides the scores by sqrt(d_head): by 2 when d_head is 4"""
    q, k = np.zeros((2, 4)), np.zeros((2, 4))
    q[1, 0], k[0, 0] = 2 * np.log(3), 1.0  # the one nonzero score: q[1] . k[0] = 2 ln 3
    got = expect_array(value(learner, "causal_attention", q, k), "causal_attention(q, k)",
                       shape=(2, 2))
    if not np.allclose(got, [[1, 0], [0.75, 0.25]]):
        raise Fail("with d_head = 4 the scores are divided by sqrt(4) = 2: q[1] . k[0] = 2 ln 3 "
                   "becomes ln 3 and q[1] . k[1] = 0 stays 0, so row 1 is [3/4, 1/4].")


def _huge_scores(size: float) -> tuple[np.ndarray, np.ndarray]:
    """q, k of d_head 4 whose scores / sqrt(4) are -size on every key for row 0, 0 for
    row 1 and size for row 2."""
    q, k = np.zeros((3, 4)), np.zeros((3, 4))
    q[[0, 2], 0] = [-2e-3 * size, 2e-3 * size]
    k[:, 0] = 1e3
    return q, k


def _future_far_above() -> tuple[np.ndarray, np.ndarray]:
    """Scores / sqrt(4) of 0 for key 0 and 1e12 for keys 1 and 2, in rows 0 and 2 (row 1:
    all 0): row 0's future is 1e12 above its only key, past a mask that adds -1e9."""
    q, k = np.zeros((3, 4)), np.zeros((3, 4))
    q[[0, 2], 0] = 2e9
    k[1:, 0] = 1e3
    return q, k


@check(points=0.5, function="causal_attention")
def test_causal_attention_stays_exact_for_huge_scores(learner):
    """causal_attention stays exact for scores of ±1e6 and ±1e12, the future exactly 0"""
    third = np.array([[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])
    cases = {"-1e6": (_huge_scores(1e6), third), "-1e12": (_huge_scores(1e12), third),
             "0 and the future's 1e12": (_future_far_above(),
                                         np.array([[1, 0, 0], [0.5, 0.5, 0], [0, 0.5, 0.5]]))}
    # -1e12: below a mask that replaces the future with -1e9; the future 1e12 above the
    # key: past a mask that adds -1e9 (found from outside, both scored full marks)
    for (size, (_, want)), got in zip(cases.items(), values(
            learner, "causal_attention", [qk for qk, _ in cases.values()])):
        got = expect_array(got, "causal_attention(q, k)", shape=(3, 3))
        if np.allclose(got, want) and (got[np.triu_indices(3, 1)] == 0).all():
            continue
        if not np.isfinite(got).all():
            raise Fail(f"causal_attention gave nan or inf when a row's own score is {size}: "
                       "subtract each row's largest allowed score before exp.")
        raise Fail(f"causal_attention gave weight to future keys when a row's own score is "
                   f"{size}: mask the future with -inf (exactly 0 after exp), not a large "
                   "finite number (no finite one is below every score).")


@check(points=0.5, function="repeated_tokens")
def test_repeated_tokens_shape(learner):
    """repeated_tokens gives int64 tokens: BOS then one half twice"""
    raw = value(learner, "repeated_tokens", Rng(1), 10, 5)
    got = expect_array(raw, "repeated_tokens(rng, 10, 5)", shape=(11,))
    if got[0] != 0 or not np.array_equal(got[1:6], got[6:]) or (got[1:] == 0).any():
        raise Fail("repeated_tokens(rng, 10, 5) should be 0, then 5 tokens from 1..9, then "
                   "the same 5 again.")
    if raw.dtype != np.int64:
        raise Fail(f"repeated_tokens returned dtype {raw.dtype}: tokens are int64 (the "
                   "contract), as rng.integers gives them.")


@check(points=0.5, function="repeated_tokens")
def test_repeated_tokens_draws_with_the_rng_it_is_given(learner):
    """repeated_tokens draws with its rng: same seed, same tokens; other seed, other tokens"""
    first, again, other = (expect_array(got, "repeated_tokens(rng, 10, 12)", shape=(25,))
                           for got in values(learner, "repeated_tokens",
                                             [(Rng(s), 10, 12) for s in (2, 2, 3)]))
    expect_draws_from_rng("repeated_tokens", "tokens", "rng.integers", first, again, other)


POSITIONS = 1000  # sequences of repeated_tokens(rng, 10, 3) from one generator


@check(points=0.5, function="repeated_tokens")
def test_repeated_tokens_draws_each_token_from_1_to_n_vocab_minus_1(learner):
    """repeated_tokens draws each token uniformly from 1..n_vocab-1, on its own, at every position

    (rng, 5, 4) 40 times: 4 appears and halves repeat a token; (rng, 10, 3) 1000 times:
    each position of the half averages 5, as a uniform draw from 1..9 does."""
    seqs = [expect_array(s, "repeated_tokens(rng, 5, 4)", shape=(9,))
            for s in learner.repeat("repeated_tokens", 40, Rng(4), 5, 4)]
    halves = [s[1:5] for s in seqs]
    if not {int(t) for h in halves for t in h} == {1, 2, 3, 4}:
        raise Fail("repeated_tokens(rng, 5, 4) should draw from 1, 2, 3 and 4 (all appear "
                   "in 40 sequences): rng.integers(1, n_vocab) excludes its upper end itself.")
    if all(len(set(h.tolist())) == 4 for h in halves):
        raise Fail("in 40 sequences repeated_tokens(rng, 5, 4) never drew a token twice in a "
                   "half: each token is drawn on its own, with replacement.")
    # each position of a half on its own is uniform over 1..9 (mean 5): by Hoeffding's
    # inequality a right draw's mean over 1000 sequences is 1 or more from 5 with a chance
    # below 2 exp(-2 * 1000 / 8 ** 2) = 5.4e-14 a position (1.6e-13 for the three)
    what = "repeated_tokens(rng, 10, 3)"
    runs = learner.repeat("repeated_tokens", POSITIONS, Rng(6), 10, 3)
    halves = np.array([expect_array(r, what, shape=(7,))[1:4] for r in runs])
    for position, mean in enumerate(halves.mean(axis=0), 1):
        if abs(mean - 5) >= 1:
            raise Fail(f"{what}, called {POSITIONS} times with one generator: token "
                       f"{position} of the half averages {mean:.2f}, where a uniform draw "
                       "from 1..9 averages 5. Each position is a draw of its own "
                       "(rng.integers(1, n_vocab, size=half_len)): do not sort the half.")


@check(points=0.5, function="repeated_tokens")
def test_repeated_tokens_rejects_bad_sizes(learner):
    """repeated_tokens raises ValueError for half_len 0 or -1 and for n_vocab 1"""
    expect_value_errors(learner, "repeated_tokens", [
        ((Rng(5), 10, 0), "half_len=0 (the half holds at least one token)", ""),
        ((Rng(5), 10, -1), "half_len=-1", ""),
        ((Rng(5), 1, 3), "n_vocab=1 (only BOS: no token to draw)", "")])


LOOKS_BACK = np.array([[1.0, 0, 0], [1, 0, 0], [0, 1, 0]])  # every [i, i-1] is 1
ON_BOS = np.array([[1.0, 0, 0], [1, 0, 0], [1, 0, 0]])  # [1, 0] is 1, [2, 1] is 0


def _stripe_pattern() -> np.ndarray:
    pattern = np.zeros((5, 5))
    pattern[3, 2] = pattern[4, 3] = 1.0  # half_len 2: queries 3, 4 look at keys 2, 3
    pattern[[0, 1, 2], [0, 0, 0]] = 1.0
    return pattern


SPREAD = np.tril(np.ones((5, 5))) / np.arange(1, 6)[:, None]  # [3, 2] is 1/4, [4, 3] 1/5
LEADING_AXES = ("patterns are (..., T, T), with any leading axes: index from the end "
                "(np.diagonal(patterns, ..., axis1=-2, axis2=-1), .mean(axis=-1)) instead of "
                "assuming (layers, heads, T, T).")


def _score(function: str, out, call: str, hint_axes: bool):
    """out's score, or Fail: a call that raised names `call` and, where `hint_axes`, says
    patterns may have any leading axes (a stub's NotImplementedError keeps its own words)."""
    def on_raise(out) -> str | None:
        if not hint_axes or out.raised.is_a(NotImplementedError):
            return None
        return f"{call} raised {out.raised.type_name}: {LEADING_AXES}"
    return judged(function, out, on_raise, changed)


@check(points=2, function="prev_token_score")
def test_prev_token_score_of_a_perfect_head(learner):
    """a head that always looks one step back scores 1; a stack of two heads gets two scores"""
    calls = ("prev_token_score(one (T, T) pattern)", "prev_token_score(patterns (2, 3, 3))")
    one, stack = outcomes(learner, "prev_token_score",
                          [(LOOKS_BACK,), (np.stack([LOOKS_BACK, ON_BOS]),)])
    got = expect_float(_score("prev_token_score", one, calls[0], True), calls[0])
    if not np.isclose(got, 1.0):
        raise Fail("prev_token_score of a pattern with 1 at every [i, i-1] should be 1.")
    got = expect_array(_score("prev_token_score", stack, calls[1], True), calls[1], shape=(2,))
    if not np.allclose(got, [1.0, 0.5]):
        raise Fail("prev_token_score of a (2, 3, 3) stack should score each pattern: [1, 0.5] "
                   "here (the second has [1, 0] = 1 and [2, 1] = 0). " + LEADING_AXES)


@check(points=1.5, function="induction_score")
def test_induction_score_of_a_perfect_head(learner):
    """a head on the stripe i - half_len + 1 scores 1; a stack of two heads gets two scores"""
    calls = ("induction_score(one (T, T) pattern, 2)", "induction_score(patterns (2, 5, 5), 2)")
    one, stack = outcomes(learner, "induction_score", [
        (_stripe_pattern(), 2), (np.stack([_stripe_pattern(), SPREAD]), 2)])
    # a ValueError for one right (T, T) pattern is more likely a wrong length test: no hint
    got = expect_float(_score("induction_score", one, calls[0], False), calls[0])
    if not np.isclose(got, 1.0):
        raise Fail("induction_score with half_len 2 reads pattern[3, 2] and pattern[4, 3]: "
                   "both 1 here, so the score is 1.")
    got = expect_array(_score("induction_score", stack, calls[1], True), calls[1], shape=(2,))
    if not np.allclose(got, [1.0, 0.225]):
        raise Fail("induction_score of a (2, 5, 5) stack should score each pattern: [1, 0.225] "
                   "here (the second spreads each row evenly: (1/4 + 1/5) / 2). "
                   + LEADING_AXES)


@check(points=0.5, function="induction_score")
def test_induction_score_rejects_a_wrong_length(learner):
    """induction_score raises ValueError unless T = 2 half_len + 1 (T = 5: half_len 1 or 3)"""
    pattern = np.full((5, 5), 0.2)
    expect_value_errors(learner, "induction_score", [
        ((pattern, 1), "patterns of length 5 with half_len=1 (longer than 2 * 1 + 1)",
         "Test T != 2 * half_len + 1, not just T < 2 * half_len + 1."),
        ((pattern, 3), "patterns of length 5 with half_len=3 (shorter than 2 * 3 + 1)", "")])


@check(points=1, function="find_heads")
def test_find_heads_small_example(learner):
    """find_heads([[0.1, 0.9], [0.95, 0.2]], 0.5) is [(0, 1), (1, 0)]; 0.5 itself is not above"""
    cases = ((np.array([[0.1, 0.9], [0.95, 0.2]]), 0.5, [(0, 1), (1, 0)]),
             (np.array([[0.5, 0.7]]), 0.5, [(0, 1)]))
    raw = list(values(learner, "find_heads", [(s, t) for s, t, _ in cases]))
    for (_, _, want), got in zip(cases, raw):
        if got != want:
            raise Fail(f"find_heads gave {got!r}, expected {want!r}: heads strictly above the "
                       "threshold (>), layer by layer, then head by head.")
    if any(type(x) is not int for got in raw for pair in got for x in pair) or \
            any(type(pair) is not tuple for got in raw for pair in got):
        item = raw[0][0][0]
        raise Fail(f"find_heads gave (layer, head) pairs holding {describe(item)}: return "
                   "tuples of plain ints (int(...)), not numpy integers.")


@check(points=0.5, function="ablate_head")
def test_ablate_head_zeroes_one_block(learner):
    """ablate_head zeroes W_O[layer, head] and nothing else"""
    params = {"W_O": np.ones((2, 3, 2, 2)), "W_Q": np.ones((2, 3, 2, 2))}
    got = value(learner, "ablate_head", params, 1, 2)
    if not isinstance(got, dict) or "W_O" not in got:
        raise Fail("ablate_head should return a params dict.")
    W_O = expect_array(got["W_O"], "ablate_head(...)['W_O']", shape=(2, 3, 2, 2))
    if W_O[1, 2].any() or W_O.sum() != 20:
        raise Fail("ablate_head(params, 1, 2) should zero W_O[1, 2] only.")


@check(points=0.5, function="ablate_head")
def test_ablate_head_rejects_missing_heads(learner):
    """ablate_head raises ValueError for layer or head -1, head 3 of 3, layer 2 of 2"""
    params = {"W_O": np.ones((2, 3, 2, 2)), "W_Q": np.ones((2, 3, 2, 2))}
    hint = "A negative index is not a head either (numpy would count it from the end)."
    expect_value_errors(learner, "ablate_head", [
        ((params, -1, 0), "layer -1", hint), ((params, 0, -1), "head -1", hint),
        ((params, 0, 3), "head 3 of a layer with heads 0, 1, 2", "Test head >= n_heads."),
        ((params, 2, 0), "layer 2 of a model with layers 0, 1", "")])
