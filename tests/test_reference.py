"""The reference core's lab 01 functions do what SPEC §2 says, one statement at a time.

The hidden suites trust mindlab_core.lab01.reference as the truth; these tests check that truth
against the contract directly, with hand-computed values where possible.
"""

from __future__ import annotations

import numpy as np
import pytest

from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import TOKENS, index
from mindlab_grader.suites.lab01 import inputs, stats

BAD_LETTERS = ["A", "ab", "", 3, None, "é"]
W = inputs.trained_W()
COUNTS = inputs.trained_counts()


# ---------------------------------------------------------------- softmax


def test_softmax_1d_and_2d_rows_sum_to_one():
    assert ref.softmax(np.array([0.0, 0.0])).tolist() == [0.5, 0.5]
    p = ref.softmax(np.log([[1.0, 3.0], [2.0, 2.0]]))
    assert np.allclose(p, [[0.25, 0.75], [0.5, 0.5]])
    p = ref.softmax(inputs.random_W(1, shape=(5, 27)))
    assert p.shape == (5, 27) and np.allclose(p.sum(axis=1), 1.0)
    assert ((p >= 0) & (p <= 1)).all()


def test_softmax_is_stable_at_plus_minus_1e4():
    assert ref.softmax(np.array([1e4, -1e4, -np.inf])).tolist() == [1.0, 0.0, 0.0]
    p = ref.softmax(np.array([[1e4, 1e4], [-1e4, -1e4 + np.log(3)]]))
    assert np.allclose(p, [[0.5, 0.5], [0.25, 0.75]])
    huge = inputs.huge_W(7)
    assert np.isfinite(ref.softmax(huge)).all()
    assert np.allclose(ref.softmax(huge - 5e3), ref.softmax(huge))  # a shift changes nothing


def test_softmax_gives_exactly_zero_to_minus_inf():
    x = np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, 2.0]])
    p = ref.softmax(x)
    assert p[0, 1] == 0.0 and p[1, 0] == 0.0 and p[1, 1] == 0.0 and p[1, 2] == 1.0


def test_softmax_leaves_its_input_unchanged_and_accepts_lists():
    x = inputs.random_W(2, shape=(3, 27))
    before = x.copy()
    ref.softmax(x)
    assert np.array_equal(x, before)
    assert np.allclose(ref.softmax([1.0, 1.0]), [0.5, 0.5])


# ---------------------------------------------------------------- read_row, data_row, belief_gap


def test_read_row_is_softmax_of_the_row():
    assert np.allclose(ref.read_row(np.zeros((27, 27)), "q"), 1 / 27)
    for letter in ".aqz":
        p = ref.read_row(W, letter)
        assert p.shape == (27,) and np.allclose(p, ref.softmax(W[TOKENS.index(letter)]))
    assert TOKENS[int(ref.read_row(W, "q").argmax())] == "u"


@pytest.mark.parametrize("bad", BAD_LETTERS)
def test_every_letter_taking_function_rejects_bad_letters(bad):
    for call in (lambda: ref.read_row(W, bad), lambda: ref.data_row(COUNTS, bad),
                 lambda: ref.belief_gap(W, COUNTS, bad), lambda: ref.ablate_column(W, bad)):
        with pytest.raises(ValueError):
            call()


def test_data_row_is_the_row_over_its_sum_as_floats():
    counts = np.zeros((27, 27), dtype=np.int64)
    counts[1, 2], counts[1, 0] = 3, 1
    got = ref.data_row(counts, "a")
    assert got.dtype.kind == "f" and got[[0, 2]].tolist() == [0.25, 0.75]
    assert np.allclose(ref.data_row(COUNTS, "."), COUNTS[0] / COUNTS[0].sum())
    before = COUNTS.copy()
    ref.data_row(COUNTS, "e")
    assert np.array_equal(COUNTS, before)


def test_belief_gap_is_the_total_variation_distance_in_0_1():
    gap = ref.belief_gap(W, COUNTS, "a")
    assert type(gap) is float and 0.0 <= gap <= 1.0
    by_hand = 0.5 * np.abs(ref.read_row(W, "a") - ref.data_row(COUNTS, "a")).sum()
    assert gap == pytest.approx(by_hand)
    assert ref.belief_gap(np.zeros((27, 27)), np.ones((27, 27), dtype=int), "a") == 0.0
    far = np.zeros((27, 27))
    far[1] = -np.inf
    far[1, 3] = 0.0
    counts = np.ones((27, 27), dtype=int)
    counts[1] = 0
    counts[1, 4] = 2
    assert ref.belief_gap(far, counts, "a") == 1.0


# ---------------------------------------------------------------- ablate_column, sample_word


def test_ablate_column_blocks_one_column_in_a_new_array():
    before = W.copy()
    out = ref.ablate_column(W, "e")
    assert np.array_equal(W, before) and out is not W
    assert np.isneginf(out[:, 5]).all()
    keep = np.delete(np.arange(27), 5)
    assert np.array_equal(out[:, keep], W[:, keep])
    assert (ref.softmax(out)[:, 5] == 0.0).all()


def test_sample_word_follows_a_one_word_model():
    one = np.full((27, 27), -np.inf)
    one[0, 1] = one[1, 0] = 0.0
    assert ref.sample_word(one, np.random.default_rng(0)) == "a"
    assert ref.sample_word(inputs.path_W("mind"), np.random.default_rng(1)) == "mind"


@pytest.mark.parametrize("temperature", [0.0, -1.0, -0.0, float("nan")])
def test_sample_word_rejects_temperature_zero_or_below(temperature):
    with pytest.raises(ValueError):
        ref.sample_word(W, np.random.default_rng(0), temperature=temperature)


def test_sample_word_caps_length_and_never_writes_the_dot():
    endless = inputs.end_ablated(W)
    rng = np.random.default_rng(3)
    assert {len(ref.sample_word(endless, rng, max_len=7)) for _ in range(5)} == {7}
    assert len(ref.sample_word(endless, rng)) == 50
    words = [ref.sample_word(W, rng) for _ in range(200)]
    assert all(inputs.letters_only(w) and len(w) <= 50 for w in words)


def test_sample_word_draws_with_the_given_rng_and_leaves_W_unchanged():
    before = W.copy()
    a = [ref.sample_word(W, np.random.default_rng(5)) for _ in range(3)]
    assert a[0] == a[1] == a[2]
    rng = np.random.default_rng(5)
    assert len({ref.sample_word(W, rng) for _ in range(20)}) > 10
    assert np.array_equal(W, before)


def test_sample_word_statistics_follow_the_model():
    rng = np.random.default_rng(11)
    firsts = [(ref.sample_word(W, rng) or ".")[0] for _ in range(600)]
    probs = {TOKENS[j]: float(p) for j, p in enumerate(ref.read_row(W, "."))}
    assert stats.consistent(firsts, probs)
    letters = inputs.one_letter_W({"a": 0.0, "b": 1.0, "c": 2.0})
    for temperature in (0.5, 1.0, 3.0):
        words = [ref.sample_word(letters, rng, temperature=temperature) for _ in range(600)]
        p = ref.softmax(letters[0] / temperature)
        assert stats.consistent(words, {TOKENS[j]: float(p[j]) for j in (1, 2, 3)})


def test_temperature_sharpens_below_one_and_flattens_above():
    letters = inputs.one_letter_W({"a": 0.0, "b": 1.0, "c": 2.0})
    rng = np.random.default_rng(12)
    share = {t: sum(ref.sample_word(letters, rng, temperature=t) == "c" for _ in range(400)) / 400
             for t in (0.25, 1.0, 10.0)}
    assert share[0.25] > share[1.0] > share[10.0] > 0.3


# ---------------------------------------------------------------- rank_rules, greedy_decode


def test_rank_rules_gives_27_plain_rules_highest_first():
    rules = ref.rank_rules(W)
    assert type(rules) is list and len(rules) == 27
    assert sorted(r[0] for r in rules) == sorted(TOKENS)
    for after, nxt, p in rules:
        assert type(after) is str and type(nxt) is str and type(p) is float and 0 <= p <= 1
        assert nxt == TOKENS[int(ref.read_row(W, after).argmax())]
    probs = [p for _, _, p in rules]
    assert probs == sorted(probs, reverse=True)
    assert rules[0][:2] == ("q", "u")


def test_rank_rules_ties_keep_row_order_and_the_lowest_index_wins():
    tied = np.zeros((27, 27))  # every row uniform: all 27 rules tie at 1/27, next is '.'
    rules = ref.rank_rules(tied)
    assert [r[0] for r in rules] == list(TOKENS)
    assert {r[1] for r in rules} == {"."}
    two = np.full((27, 27), -np.inf)
    two[:, [4, 9]] = 0.0
    assert {r[1] for r in ref.rank_rules(two)} == {TOKENS[4]}


def test_rank_rules_top_and_huge_logits():
    full = ref.rank_rules(W)
    for k in (1, 3, 27):
        assert ref.rank_rules(W, top=k) == full[:k]
    assert ref.rank_rules(W, top=None) == full
    huge = inputs.huge_W(9)
    before = huge.copy()
    assert all(0.0 <= p <= 1.0 for _, _, p in ref.rank_rules(huge))
    assert np.array_equal(huge, before, equal_nan=True)


def test_greedy_decode_walks_the_favourites():
    small = np.zeros((27, 27))
    small[0, 1] = small[1, 2] = small[2, 0] = 1.0
    assert ref.greedy_decode(small) == "ab"
    assert ref.greedy_decode(inputs.path_W("mind")) == "mind"
    word, row = "", 0  # the trained model's word, walked by hand
    while True:
        row = int(ref.read_row(W, TOKENS[row]).argmax())
        if row == 0:
            break
        word += TOKENS[row]
    assert ref.greedy_decode(W) == word


def test_greedy_decode_is_capped_on_a_cycle_and_ties_go_to_the_lowest_index():
    cycle = inputs.cycle_W("ab")
    assert ref.greedy_decode(cycle, max_len=5) == "ababa"
    assert ref.greedy_decode(cycle) == "ab" * 25
    tie = np.zeros((27, 27))
    tie[0, [index("c"), index("f")]] = 2.0
    tie[index("c"), 0] = 2.0
    assert ref.greedy_decode(tie) == "c"
    before = cycle.copy()
    ref.greedy_decode(cycle)
    assert np.array_equal(cycle, before)
