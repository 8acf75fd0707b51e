"""TOOL 02 — intervene: hidden checks (the grade), 10 points.

sample_word is checked three ways: exactly, on models with only one possible word;
statistically, with fixed seeds and Pearson's test (stats.py explains the 1e-9
threshold); and by the rng it is given (the same seed must give the same words, another
seed other words).

Every statistical draw is a call of the learner's code, the costliest part of grading,
so each check draws only what its claim needs: first letters with max_len=2 (two draws a
word at most; 2, not 1, so a max_len bug costs only the max_len check), lengths on the
trained model made to end words sooner (about three draws a word), temperatures on a
one-letter model (two draws a word). A learner who draws as the lab says is accepted
after about 80 draws that agree with the reference's (see N_AGREE); the full samples
are for everyone else. tests/test_suites.py checks the calibration and the margins,
benchmarks/lab01_suites.py the cost.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Fail, Rng, check, expect_array, expect_str
from autograder.suites.common.calls import Args, expect_value_errors
from autograder.suites.common.hints import mistake, same
from autograder.suites.lab01 import inputs
from autograder.suites.lab01.calls import expect_bad_letters_rejected, value, values
from autograder.suites.lab01.stats import consistent
from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import BOUNDARY, TOKENS, VOCAB, index

TOOL = "tool02"

W = inputs.trained_W()

# ---------------------------------------------------------------- ablate_column

ABLATE_CASES = [(W, "."), (W, "e"), (W, "z"), (inputs.random_W(201), "a"),
                (inputs.huge_W(202), "q")]
ABLATED = [ref.ablate_column(*case) for case in ABLATE_CASES]


def _ablate_mistakes(W_: np.ndarray, letter: str) -> dict[str, np.ndarray]:
    j = index(letter)
    found = {}
    for hint, where, fill in (
            ("it sets the column to 0, which is just another logit: use -np.inf", j, 0.0),
            ("it sets the row W[i] (what follows the letter) instead of the column W[:, i] "
             "(the letter as the next token)", ("row", j), -np.inf),
            ("it blocks the column one before: '.' is token 0, so 'a' is column 1",
             j - 1, -np.inf),
            ("it blocks the column one after: 'a' is column 1, 'z' is column 26",
             j + 1 if j + 1 < VOCAB else None, -np.inf)):
        if where is None:
            continue
        wrong = np.array(W_, dtype=np.float64)
        if isinstance(where, tuple):
            wrong[where[1], :] = fill
        else:
            wrong[:, where] = fill
        found[hint] = wrong
    return found


@check(points=1.5, function="ablate_column")
def test_ablate_column_blocks_the_column(learner):
    """ablate_column gives W with the letter's column set to -inf"""
    got_all = values(learner, "ablate_column", ABLATE_CASES)
    for (W_, letter), expected, got in zip(ABLATE_CASES, ABLATED, got_all):
        got = expect_array(got, "ablate_column(W, letter)", shape=(VOCAB, VOCAB))
        if same(got, expected, rtol=0, atol=0):
            continue
        j = index(letter)
        column = np.delete(np.arange(VOCAB), j)
        if (np.isfinite(got[:, j]).all() and (got[:, j] < -1e3).all()
                and same(got[:, column], expected[:, column])):
            raise Fail("ablate_column fills the column with a large negative number: use "
                       "-np.inf, so that softmax gives that token exactly 0.")
        hint = mistake(got, _ablate_mistakes(W_, letter))
        raise Fail("ablate_column(W, letter) is not W with the letter's column set to -inf"
                   + (f": {hint}." if hint else
                      ": copy W, then set W_copy[:, j] = -np.inf for the letter's index j."))


@check(points=1, function="ablate_column")
def test_ablate_column_leaves_W_unchanged(learner):
    """ablate_column returns a new array and leaves W unchanged"""
    got = expect_array(value(learner, "ablate_column", W, "e", keep_inputs=True),
                       "ablate_column(W, letter)", shape=(VOCAB, VOCAB))
    if not same(got, ref.ablate_column(W, "e"), rtol=0, atol=0):
        raise Fail("ablate_column left W unchanged, but its result is not right yet: this "
                   "check pays once ablate_column blocks the right column.")


@check(points=0.5, function="ablate_column")
def test_ablate_column_rejects_bad_letters(learner):
    """ablate_column raises ValueError for anything that is not one of the 27 tokens"""
    got = expect_array(value(learner, "ablate_column", W, "e"),
                       "ablate_column(W, letter)", shape=(VOCAB, VOCAB))
    if not same(got, ref.ablate_column(W, "e"), rtol=0, atol=0):
        raise Fail("ablate_column does not block a plain letter's column right yet: this "
                   "check pays once it does and also rejects bad letters.")
    expect_bad_letters_rejected(learner, "ablate_column", lambda bad: (W, bad))


# ---------------------------------------------------------------- sample_word

N_FIRST_LETTERS = 800  # at max_len=2: 14 bins of >= 25 expected
N_WORDS = 300  # ~950 draws on a model whose words end sooner: 4 length bins
P = ref.softmax(W)
SHORT = inputs.ends_sooner(W)  # the trained model, its words ending sooner (mean ~2.1 letters)


def _length_probs(probs: np.ndarray, max_len: int = 50) -> dict[int, float]:
    """P(len(word) = L) for the reference sampler: walk the letter rows, stop at `.` or cap."""
    at = probs[BOUNDARY, 1:].copy()  # P(first letter = each letter)
    dist = {0: float(probs[BOUNDARY, BOUNDARY])}
    for length in range(1, max_len):
        dist[length] = float(at @ probs[1:, BOUNDARY])
        at = at @ probs[1:, 1:]
    dist[max_len] = float(at.sum())  # still going after max_len letters: cut there
    return dist


FIRST_LETTER_PROBS = {TOKENS[j]: float(p) for j, p in enumerate(P[BOUNDARY])}  # "." = empty
LENGTH_PROBS = _length_probs(ref.softmax(SHORT))
ONE_LETTER = inputs.one_letter_W({"a": 0.0, "b": 1.0, "c": 2.0, "d": 3.0, "e": 4.0})
TEMPERATURES = ((0.5, 31), (4.0, 32))  # (temperature, seed): sharper and flatter than 1
N_TEMPERATURE_WORDS = 200  # per temperature; the mistakes sit at p < 1e-15 (tests/test_suites.py)


def _one_letter_probs(temperature: float) -> dict[str, float]:
    probs = ref.softmax(ONE_LETTER[BOUNDARY] / temperature)
    return {TOKENS[j]: float(p) for j, p in enumerate(probs) if p > 0}


PATH = inputs.path_W("mind")  # the only word this model can write is "mind"
NEAR_PATH = inputs.path_W("mind", low=-60.0)  # finite, but any other step has p < 1e-12
END_ABLATED = inputs.end_ablated(W)  # words never end: only max_len stops them


def _words(values: list, what: str = "sample_word(W, rng)") -> list[str]:
    """The learner's words, or Fail if any is not a str of letters a..z."""
    words = [expect_str(v, what) for v in values]
    for word in words:
        if inputs.letters_only(word):
            continue
        if word.endswith("."):
            raise Fail("sample_word returned a word ending in '.': drawing '.' ends the word, "
                       "but the '.' itself is not part of it, so stop before appending it.")
        raise Fail("sample_word returned a word with characters other than 'a' to 'z': "
                   "append TOKENS[j] for each drawn token j, and stop at '.'.")
    return words


def _sample(learner, n: int, W_: np.ndarray, seed: int, **kwargs) -> list[str]:
    return _words(learner.repeat("sample_word", n, W_.copy(), Rng(seed), **kwargs))


# A learner who draws as the lab says (rng.choice(27, p=probs)) writes the reference's own
# words from the same seed, draw for draw. Agreeing on every draw of a shared random
# stream is strong evidence: whatever two samplers do with the stream, when their
# distributions for a draw differ by total variation d they agree on it with probability
# at most 1 - d (the coupling inequality), so a sampler off by d on each of k draws
# agrees on all of them with probability at most (1 - d)**k: for d >= 0.25 on 80 draws,
# below 1e-9, the chi-square tests' threshold (a bug that touches fewer draws gets
# fewer factors). The statistical checks accept such agreement at once, and give
# everyone else (another valid way of drawing, or a mistake) the full chi-square test.
N_AGREE = 40  # words of about two draws each (max_len=2, or the one-letter model)


def _reference_words(n: int, W_: np.ndarray, seed: int, **kwargs) -> list[str]:
    rng = np.random.default_rng(seed)
    return [ref.sample_word(W_, rng, **kwargs) for _ in range(n)]


def _words_unless_agreeing(learner, n: int, agree: list[str], W_: np.ndarray, seed: int,
                           **kwargs) -> list[str] | None:
    """None when the learner's first words from `seed` are `agree` (the reference's),
    else n of the learner's words for the chi-square test."""
    if _sample(learner, len(agree), W_, seed, **kwargs) == agree:
        return None
    return _sample(learner, n, W_, seed, **kwargs)


AGREE_FIRST_LETTERS = _reference_words(N_AGREE, W, 71, max_len=2)  # 80 draws
AGREE_LENGTHS = _reference_words(25, SHORT, 72)  # 75 draws
AGREE_TEMPERATURES = {seed: _reference_words(N_AGREE, ONE_LETTER, seed, temperature=t)
                      for t, seed in TEMPERATURES}  # 80 draws each


@check(points=1, function="sample_word")
def test_sample_word_follows_the_only_path(learner):
    """sample_word writes the only word a model allows (whatever the temperature)"""
    for temperature, seed in ((1.0, 51), (0.5, 52), (3.0, 53)):
        words = _sample(learner, 2, PATH, seed, temperature=temperature)
        if words == ["mind", "mind"]:
            continue
        if "" in words:
            raise Fail("sample_word returned an empty word where the model allows only one "
                       "word, which is not empty: start from the '.' row (the first letter) "
                       "and stop only when '.' is drawn.")
        raise Fail("sample_word returned another word than the only one a model allows: "
                   "after each draw, the next draw must use the row of the token just drawn, "
                   "W[token], starting from W[0].")


@check(points=1, function="sample_word")
def test_sample_word_stops_at_max_len(learner):
    """sample_word stops at max_len letters when a word does not end on its own"""
    if _sample(learner, 1, PATH, 40) != ["mind"]:
        raise Fail("sample_word does not write the one word a simple model allows yet: this "
                   "check pays once it does and also stops at max_len.")
    for n, seed, kwargs, cap in ((4, 41, {"max_len": 7}, 7), (2, 42, {}, 50)):
        words = _sample(learner, n, END_ABLATED, seed, **kwargs)
        lengths = {len(w) for w in words}
        if lengths == {cap}:
            continue
        told = "a small max_len" if kwargs else "the default max_len=50"
        if max(lengths) > cap:
            raise Fail(f"sample_word wrote a word {max(lengths) - cap} letter(s) longer than "
                       f"{told} on a model whose words never end: stop as soon as the word "
                       "has max_len letters.")
        raise Fail(f"sample_word wrote a word {cap - min(lengths)} letter(s) shorter than "
                   f"{told} on a model whose words never end: it should stop at exactly "
                   "max_len letters (count letters, not draws).")


@check(points=1, function="sample_word")
def test_sample_word_draws_first_letters_like_the_model(learner):
    """sample_word's first letters follow the model's first-letter belief"""
    words = _words_unless_agreeing(learner, N_FIRST_LETTERS, AGREE_FIRST_LETTERS, W, 71,
                                   max_len=2)
    if words is None:
        return
    firsts = [w[0] if w else "." for w in words]
    if consistent(firsts, FIRST_LETTER_PROBS):
        return
    if len(set(words)) == 1:
        raise Fail("sample_word wrote the same word every time: each token must be drawn at "
                   "random with the rng it is given (rng.choice(27, p=probs)), not taken as "
                   "the most likely one, and not drawn from a fresh generator of its own.")
    if len(set(firsts)) == 1:
        raise Fail("all the words from sample_word start with the same letter: it "
                   "must draw each token at random (rng.choice(27, p=probs)), not take the "
                   "most likely one.")
    raise Fail("the first letters of many words from sample_word do not follow the "
               "model's first-letter belief softmax(W[0]) (a chi-square test says this is "
               "not chance): draw the first token from row 0, the '.' row.")


@check(points=1, function="sample_word")
def test_sample_word_lengths_follow_the_model(learner):
    """sample_word's word lengths follow the model: each step draws from the last token's row"""
    words = _words_unless_agreeing(learner, N_WORDS, AGREE_LENGTHS, SHORT, 72)
    if words is None:
        return
    lengths = [len(w) for w in words]
    if consistent(lengths, LENGTH_PROBS):
        return
    if len(set(words)) == 1:
        raise Fail("all the words from sample_word are the same word: it must draw "
                   "each token at random with rng, not take the most likely one.")
    mean = sum(lengths) / len(lengths)
    raise Fail(f"the words from sample_word are {mean:.1f} letters long on average, and "
               "their lengths do not follow the model (a chi-square test says this is not "
               "chance): after drawing a token, draw the next from that token's row, and "
               "stop when '.' is drawn.")


@check(points=1.5, function="sample_word")
def test_sample_word_applies_the_temperature(learner):
    """sample_word draws from softmax(W[row] / temperature): low sharpens, high flattens"""
    for temperature, seed in TEMPERATURES:
        words = _words_unless_agreeing(learner, N_TEMPERATURE_WORDS, AGREE_TEMPERATURES[seed],
                                       ONE_LETTER, seed, temperature=temperature)
        if words is None or consistent(words, _one_letter_probs(temperature)):
            continue
        shape = "sharper" if temperature < 1 else "flatter"
        told = "a temperature below 1" if temperature < 1 else "a temperature above 1"
        if consistent(words, _one_letter_probs(1.0)):
            raise Fail(f"with {told} sample_word draws exactly as with "
                       f"temperature 1, but it should draw from a {shape} distribution: "
                       "divide the row's logits by temperature before softmax.")
        if consistent(words, _one_letter_probs(1.0 / temperature)):
            raise Fail(f"with {told} sample_word's draws are the opposite "
                       f"of {shape}: it seems to multiply the logits by temperature; divide "
                       "them instead.")
        raise Fail(f"with {told} sample_word's draws do not follow "
                   "softmax(W[row] / temperature) (a chi-square test says this is not "
                   "chance).")


@check(points=0.5, function="sample_word")
def test_sample_word_leaves_W_unchanged(learner):
    """sample_word leaves W unchanged (and still writes the right word)"""
    got = expect_str(value(learner, "sample_word", NEAR_PATH, Rng(61), temperature=2.0,
                           keep_inputs=True),
                     "sample_word(W, rng, temperature)")
    if got != "mind":
        raise Fail("sample_word left W unchanged, but did not write the one word this "
                   "model allows: this check pays once sample_word follows the model.")


@check(points=0.5, function="sample_word")
def test_sample_word_rejects_temperature_zero_or_below(learner):
    """sample_word raises ValueError when temperature <= 0"""
    words = _sample(learner, 1, PATH, 62)
    if words != ["mind"]:
        raise Fail("sample_word does not write the one word a simple model allows yet: this "
                   "check pays once it does and also rejects temperature <= 0.")
    what = "a temperature <= 0 (it must be > 0; raise before dividing by it)"
    expect_value_errors(learner, "sample_word", [(Args(W, Rng(63), temperature=t), what, "")
                                                 for t in (0.0, -1.0)])


@check(points=0.5, function="sample_word")
def test_sample_word_draws_with_the_rng_it_is_given(learner):
    """sample_word draws with the given rng: same seed, same words; other seed, other words"""
    if _sample(learner, 1, PATH, 64) != ["mind"]:
        raise Fail("sample_word does not write the one word a simple model allows yet: this "
                   "check pays once it does and also draws with the rng it is given.")
    first = _sample(learner, 5, SHORT, 11)
    again = _sample(learner, 5, SHORT, 11)
    other = _sample(learner, 5, SHORT, 12)
    if first != again:
        raise Fail("sample_word gave different words for two generators made from the same "
                   "seed: draw with the rng argument (rng.choice, rng.random), not with "
                   "np.random functions or the random module.")
    if len(set(first)) == 1:
        raise Fail("sample_word gave the same word 5 times in a row: it must draw each token "
                   "at random with rng, not take the most likely one.")
    if first == other:
        raise Fail("sample_word gave the same words for generators with different seeds: "
                   "draw with the rng argument, not with a generator you make yourself.")
