"""TOOL 02 — intervene: public checks (shipped to learners), 10 points.

Hand-built models whose words can be predicted exactly, plus light statistics of their
own: on a model worked out on paper, a temperature of 3 must flatten every draw (a fixed
seed and Pearson's test on three outcomes, whose p-value is exp(-x / 2)); the hidden
suite grades, statistics included.
"""

from __future__ import annotations

import math

import numpy as np

from mindlab_grader.checks import Fail, Rng, check, expect_array, expect_str
from mindlab_grader.suites.common.calls import Args, expect_value_errors, judged, outcomes
from mindlab_grader.suites.lab01 import inputs
from mindlab_grader.suites.lab01.calls import changed, expect_bad_letters_rejected, values

# ---------------------------------------------------------------- ablate_column

RAMP = np.arange(27 * 27, dtype=np.float64).reshape(27, 27) / 27  # no two entries alike


def _ablate_outcomes(learner):
    return learner.shared("public ablate_column", lambda: outcomes(
        learner, "ablate_column", [(np.zeros((27, 27)), "e"), (RAMP, ".")]))


@check(points=1.5, function="ablate_column")
def test_ablate_column_blocks_one_column(learner):
    """ablate_column sets the letter's column to -inf ('.' is column 0) and keeps the rest"""
    zeros_e, ramp_dot = (expect_array(judged("ablate_column", out), "ablate_column(W, letter)",
                                      shape=(27, 27)) for out in _ablate_outcomes(learner))
    want = np.zeros((27, 27))
    want[:, 5] = -np.inf  # 'e' is token 5
    if not np.array_equal(zeros_e, want):
        if np.array_equal(zeros_e, want.T):
            raise Fail("ablate_column set a row to -inf: block the column W[:, j] instead.")
        raise Fail("ablate_column(zeros, 'e') should be zeros with column 5 ('e') equal to "
                   "-inf: '.' is token 0, 'a' is 1.")
    want = RAMP.copy()
    want[:, 0] = -np.inf
    if not np.array_equal(ramp_dot, want):
        raise Fail("ablate_column(W, '.') should be W, entry for entry, with column 0 ('.', "
                   "the end of a word) equal to -inf.")


@check(points=0.5, function="ablate_column", after="ablate_column_blocks_one_column")
def test_ablate_column_leaves_W_unchanged(learner):
    """ablate_column returns a new array and leaves W unchanged"""
    for out in _ablate_outcomes(learner):
        judged("ablate_column", out, changed=changed)


@check(points=1, function="ablate_column")
def test_ablate_column_rejects_bad_letters(learner):
    """ablate_column raises ValueError for 'A', 'ab', '', 3, ' a', 'a\\n' and None"""
    expect_bad_letters_rejected(learner, "ablate_column", lambda bad: (np.zeros((27, 27)), bad))


# ---------------------------------------------------------------- sample_word

ONLY_A = np.full((27, 27), -np.inf)
ONLY_A[0, 1] = ONLY_A[1, 0] = 0.0  # . -> a -> . is the only walk
LONG_WORD = "thunderclaps"  # 12 distinct letters
LONG_PATH = inputs.path_W(LONG_WORD, low=-60.0)  # finite, but any other step has p < 1e-25
NEVER_ENDS = inputs.end_ablated(inputs.trained_W())
UNIFORM_NEVER_ENDS = inputs.end_ablated(np.zeros((27, 27)))  # every letter 1/26, never '.'


@check(points=1, function="sample_word", needs="softmax")
def test_sample_word_follows_a_one_word_model(learner):
    """sample_word writes the only word a model allows: 'a', 'mind', a 12-letter word"""
    cases = [(ONLY_A, Rng(0)), (inputs.path_W("mind"), Rng(1)),
             Args(LONG_PATH, Rng(14), temperature=0.5)]
    only_a, mind, long_word = (expect_str(got, "sample_word(W, rng)")
                               for got in values(learner, "sample_word", cases))
    if only_a != "a":
        hint = " (the final '.' is not part of the word)" if only_a == "a." else ""
        raise Fail(f"sample_word gave {only_a[:20]!r} where the model can only write "
                   f"'a'{hint}.")
    if mind != "mind":
        raise Fail(f"sample_word gave {mind[:20]!r} where the model can only write 'mind': "
                   "each draw uses the row of the token just drawn.")
    if long_word != LONG_WORD:
        raise Fail(f"sample_word gave {long_word[:20]!r} where the model can only write "
                   f"{LONG_WORD!r}: every draw, however far into the word, "
                   "uses the row of the token just drawn, and only a drawn '.' or max_len "
                   "ends the word.")


@check(points=1, function="sample_word", needs="softmax")
def test_sample_word_writes_letters(learner):
    """sample_word writes words of letters a..z from the trained model, not all the same"""
    words = [expect_str(w, "sample_word(W, rng)")
             for w in learner.repeat("sample_word", 20, inputs.trained_W(), Rng(7))]
    if not all(inputs.letters_only(w) and len(w) <= 50 for w in words):
        raise Fail("sample_word should write words of letters 'a'..'z' only (no '.') and at "
                   "most max_len=50 letters long.")
    if len(set(words)) == 1:
        raise Fail("sample_word wrote the same word 20 times: draw each token at random with "
                   "rng, don't take the most likely one.")


# one round trip: two caps by name, two by position, one call at temperature 2 on a W with
# finite logits (a W divided in place would show)
CAPS = (Args(NEVER_ENDS, Rng(2), max_len=5), Args(NEVER_ENDS, Rng(3), max_len=0),
        (NEVER_ENDS, Rng(4), 1.0, 3), (inputs.path_W("mind"), Rng(5), 2.0, 2),
        Args(inputs.trained_W(), Rng(6), temperature=2.0, max_len=3),
        Args(inputs.path_W("mind", low=-60.0), Rng(15), max_len=5))  # '.' at the last step


def _caps_outcomes(learner):
    return learner.shared("public sample_word caps", lambda: outcomes(
        learner, "sample_word", CAPS))


@check(points=1, function="sample_word", needs="softmax")
def test_sample_word_stops_at_max_len(learner):
    """sample_word stops at max_len letters (max_len=0 gives '') when a word cannot end"""
    for cap, out in zip((5, 0), _caps_outcomes(learner)):
        got = expect_str(judged("sample_word", out), f"sample_word(W, rng, max_len={cap})")
        if len(got) == cap:
            continue
        if cap == 0:
            raise Fail(f"sample_word wrote {len(got)} letter(s) with max_len=0: check the "
                       "length before each draw (a while loop, not one that draws first).")
        raise Fail(f"sample_word gave a {len(got)}-letter word with max_len=5 on a model "
                   "whose words never end: stop at max_len letters.")
    got = expect_str(judged("sample_word", _caps_outcomes(learner)[5]), "sample_word(W, rng)")
    if got != "mind":
        raise Fail("sample_word did not write 'mind' with max_len=5 on a model whose only "
                   "likely word is 'mind': the word may end ('.' drawn) at every step, the "
                   "last one before max_len included.")


@check(points=0.5, function="sample_word", needs="softmax")
def test_sample_word_takes_its_options_by_position(learner):
    """sample_word(W, rng, 1.0, 3) takes temperature and max_len by position"""
    for (_, _, _, cap), out in zip(CAPS[2:4], _caps_outcomes(learner)[2:4]):
        if out.raised is not None and out.raised.is_a(TypeError):
            raise Fail("sample_word could not be called with its options by position, as "
                       "sample_word(W, rng, 1.0, 3): they must be ordinary parameters, in "
                       "the order W, rng, temperature, max_len.")
        got = expect_str(judged("sample_word", out), "sample_word(W, rng, temperature, max_len)")
        if len(got) != cap:
            raise Fail(f"sample_word(W, rng, temperature, {cap}) wrote {len(got)} letter(s): "
                       "its parameters come in the order W, rng, temperature, max_len.")


@check(points=0.5, function="sample_word", after="sample_word_stops_at_max_len",
       needs="softmax")
def test_sample_word_leaves_W_unchanged(learner):
    """sample_word leaves W unchanged"""
    for out in _caps_outcomes(learner):
        judged("sample_word", out, changed=changed)


EMPTY_OR_A = np.full((27, 27), -np.inf)
EMPTY_OR_A[0, [0, 1]] = 0.0  # the first token is '.' (an empty word) or 'a', half and half
EMPTY_OR_A[1, 0] = 0.0  # 'a' ends the word


@check(points=0.5, function="sample_word", needs="softmax")
def test_sample_word_can_write_an_empty_word(learner):
    """sample_word writes '' when '.' is drawn first (here: half the time)"""
    words = [expect_str(w, "sample_word(W, rng)")
             for w in learner.repeat("sample_word", 30, EMPTY_OR_A.copy(), Rng(8))]
    if "" not in words:  # a right sampler writes no '' in 30 words with probability 1e-9
        raise Fail("none of 30 words from sample_word is empty, on a model that draws '.' "
                   "first half the time: when '.' is the first token drawn, the word is '' "
                   "(do not draw again).")


# a model worked out on paper: first letter f, g or h with logits 0, 3 ln 2, 6 ln 2, then
# surely p and q, then k, m or '.' with the same logits; at temperature 3 the first and
# the fourth draws are both 1 : 2 : 4 (the fourth, so a temperature that wears off shows)
T = 3.0
LOGITS = (0.0, 3 * math.log(2), 6 * math.log(2))
FIRST = dict(zip("fgh", LOGITS))
LAST = dict(zip("km.", LOGITS))  # or '.': the temperature decides how often words end too
FOUR_LETTERS = inputs.chain_W({".": FIRST, "f": {"p": 0.0}, "g": {"p": 0.0}, "h": {"p": 0.0},
                               "p": {"q": 0.0}, "q": LAST})  # "fpqk", "hpqm", "gpq", ...
N_WORDS = 200  # at temperature 1 (or 1/3), f would come about 3 times instead of 29


def _probs(letters: str, t: float) -> dict[str, float]:
    weights = [math.exp(z / t) for z in LOGITS]
    return {c: w / sum(weights) for c, w in zip(letters, weights)}


def consistent(drawn: list[str], probs: dict[str, float]) -> bool:
    """Pearson's chi-square test of three outcomes (each expected >= 25 times here): with two
    degrees of freedom the p-value is exp(-x / 2); below 1e-9 the draws are not chance."""
    if any(c not in probs for c in drawn):
        return False
    n = len(drawn)
    x = sum((drawn.count(c) - n * p) ** 2 / (n * p) for c, p in probs.items())
    return math.exp(-x / 2) >= 1e-9


@check(points=1.5, function="sample_word", needs="softmax")
def test_sample_word_applies_the_temperature(learner):
    """sample_word draws every letter from softmax(W[row] / temperature): at 3, flatter"""
    words = [expect_str(w, "sample_word(W, rng, temperature=3.0, max_len=4)")
             for w in learner.repeat("sample_word", N_WORDS, FOUR_LETTERS.copy(), Rng(9),
                                     temperature=T, max_len=4)]  # no fifth draw for '.'
    if any(len(w) not in (3, 4) or not inputs.letters_only(w) or w[1:3] != "pq"
           for w in words):
        raise Fail("sample_word wrote a word other than f, g or h, then p, q, then k, m or "
                   "the end, on a model whose words are exactly those, three or four letters.")
    first = consistent([w[0] for w in words], _probs("fgh", T))
    fourth = consistent([w[3:] or "." for w in words], _probs("km.", T))
    if first and fourth:
        return
    where = ("the first letter" if not first and fourth else
             "the fourth token ('.' included)" if first else "every letter")
    raise Fail(f"with temperature=3.0 sample_word's draws of {where} do not follow "
               "softmax(W[row] / temperature) (a chi-square test says this is not chance): "
               "divide the logits of every row it draws from by temperature, at every step.")


@check(points=0.5, function="sample_word", needs="softmax")
def test_sample_word_draws_with_the_rng_it_is_given(learner):
    """sample_word draws with the rng it is given: same seed, same word; other seed, other word"""
    first, again, other = (expect_str(got, "sample_word(W, rng)") for got in values(
        learner, "sample_word", [Args(UNIFORM_NEVER_ENDS, Rng(s), max_len=6)
                                 for s in (10, 10, 11)]))
    if first != again:
        raise Fail("sample_word gave different words for two generators made from the same "
                   "seed: draw with the rng argument (rng.choice, rng.random), not with "
                   "np.random functions or the random module.")
    if first == other:
        raise Fail("sample_word gave the same 6-letter word for generators with different "
                   "seeds (on a model where that happens once in 26**6): draw with the rng "
                   "argument, not with a generator of your own.")


@check(points=0.5, function="sample_word")
def test_sample_word_rejects_temperature_zero_or_below(learner):
    """sample_word raises ValueError for temperature=0 and temperature=-1, even with max_len=0"""
    what = "a temperature <= 0 (it must be > 0)"
    W = inputs.trained_W()
    cases = [(Args(W, Rng(12), temperature=t), what, "") for t in (0.0, -1.0)]
    cases += [(Args(W, Rng(13), temperature=t, max_len=0), what,
               "Check the temperature first, even when max_len=0 leaves nothing to draw.")
              for t in (0.0, -1.0)]
    expect_value_errors(learner, "sample_word", cases)
