"""TOOL 02 — intervene: hidden checks (the grade), 10 points.

sample_word is checked three ways: exactly, on models with only one possible word;
statistically, with fixed seeds and Pearson's test (stats.py explains the 1e-9
threshold); and by the rng it is given (the same seed must give the same words, another
seed other words).

Every statistical draw is a call of the learner's code, the costliest part of grading,
so each check draws only what its claim needs: first letters with max_len=2 (two draws a
word at most; 2, not 1, so a max_len bug costs only the max_len check), lengths on the
trained model made to end words sooner (about three draws a word; one word in five is
empty), temperatures on models of one- or two-letter words (up to three draws a word: the
first letter, then '.' or a second letter, each show the temperature; a second stage of
draws for a sampler the first stage did not fail), and one check of long words (a walk
of ~12 letters at temperature 2, every step's row and temperature tested, the first three
draws apart from the rest, and the lengths) for the mistakes that wait for the fourth
letter or leave unlikely tokens out; it runs only for a sampler the short checks passed.
A learner who draws as the lab says is accepted after about 80 draws that agree with the
reference's (see N_AGREE); the full samples are for everyone else. tests/test_suites.py
checks the calibration and the margins, benchmarks/lab01_suites.py the cost.
"""

from __future__ import annotations

import math

import numpy as np

from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import BOUNDARY, TOKENS, VOCAB, index
from mindlab_grader.checks import Fail, Rng, check, expect_array, expect_str
from mindlab_grader.suites.common.calls import Args, expect_value_errors, judged, outcomes
from mindlab_grader.suites.common.hints import mistake_everywhere, same
from mindlab_grader.suites.lab01 import inputs
from mindlab_grader.suites.lab01.calls import expect_bad_letters_rejected, value, values
from mindlab_grader.suites.lab01.stats import ALPHA, consistent, p_value, p_value_of_steps

W = inputs.trained_W()
OTHER_W = inputs.random_W(203)

# ---------------------------------------------------------------- ablate_column

ABLATE_CASES = [(W, "."), (W, "e"), (W, "z"), (inputs.random_W(201), "a"),
                (inputs.huge_W(202), "q")]
ABLATED = [ref.ablate_column(*case) for case in ABLATE_CASES]


def _ablate_mistakes(W_: np.ndarray, letter: str) -> dict[str, np.ndarray | None]:
    j = index(letter)
    found: dict[str, np.ndarray | None] = {}
    for hint, where, fill in (
            ("it sets the column to 0, which is just another logit: use -np.inf", j, 0.0),
            ("it sets the row W[i] (what follows the letter) instead of the column W[:, i] "
             "(the letter as the next token)", ("row", j), -np.inf),
            ("it blocks the column one before: '.' is token 0, so 'a' is column 1",
             j - 1, -np.inf),
            ("it blocks the column one after: 'a' is column 1, 'z' is column 26",
             j + 1 if j + 1 < VOCAB else None, -np.inf)):
        if where is None:
            found[hint] = None
            continue
        wrong = np.array(W_, dtype=np.float64)
        if isinstance(where, tuple):
            wrong[where[1], :] = fill
        else:
            wrong[:, where] = fill
        found[hint] = wrong
    return found


def _ablate_raised(out) -> str:
    return (f"ablate_column raised {out.raised.type_name} for a token: turn the letter into "
            "its column with the token order '.abc...z' ('.' is 0, 'z' is 26).")


@check(points=0.5, function="ablate_column")
def test_ablate_column_returns_a_matrix(learner):
    """ablate_column returns a (27, 27) array for a letter"""
    cases = [(OTHER_W, letter) for letter in ("e", "m")]
    for got in values(learner, "ablate_column", cases, on_raise=_ablate_raised):
        expect_array(got, "ablate_column(W, letter)", shape=(VOCAB, VOCAB))


@check(points=1, function="ablate_column")
def test_ablate_column_blocks_the_column(learner):
    """ablate_column gives W with the letter's column set to -inf"""
    got_all = [expect_array(got, "ablate_column(W, letter)", shape=(VOCAB, VOCAB))
               for got in values(learner, "ablate_column", ABLATE_CASES, on_raise=_ablate_raised)]
    if all(same(g, e, rtol=0, atol=0) for g, e in zip(got_all, ABLATED)):
        return
    for (_, letter), expected, got in zip(ABLATE_CASES, ABLATED, got_all):
        j = index(letter)
        column = np.delete(np.arange(VOCAB), j)
        if not same(got, expected, rtol=0, atol=0) and not (
                np.isfinite(got[:, j]).all() and (got[:, j] < -1e3).all()
                and same(got[:, column], expected[:, column])):
            break
    else:  # wrong only where a finite, very negative fill stands for -inf
        raise Fail("ablate_column fills the column with a large negative number: use "
                   "-np.inf, so that softmax gives that token exactly 0.")
    guesses = [_ablate_mistakes(*case) for case in ABLATE_CASES]
    hint = mistake_everywhere(got_all, {h: [g[h] for g in guesses] for h in guesses[0]})
    raise Fail("ablate_column(W, letter) is not W with the letter's column set to -inf"
               + (f": {hint}." if hint else
                  ": copy W, then set W_copy[:, j] = -np.inf for the letter's index j."))


@check(points=0.5, function="ablate_column",  # (after blocks_the_column: a W handed back
       after=("ablate_column_returns_a_matrix", "ablate_column_blocks_the_column"))  # as it
def test_ablate_column_leaves_W_unchanged(learner):  # was leaves it unchanged, doing nothing)
    """ablate_column returns a new array and leaves W unchanged"""
    value(learner, "ablate_column", W, "e", keep_inputs=True)


@check(points=0.5, function="ablate_column",
       after="ablate_column_returns_a_matrix")
def test_ablate_column_rejects_bad_letters(learner):
    """ablate_column raises ValueError for anything that is not one of the 27 tokens"""
    expect_bad_letters_rejected(learner, "ablate_column", lambda bad: (W, bad), others=True)


# ---------------------------------------------------------------- sample_word

N_FIRST_LETTERS = 800  # at max_len=2: 14 bins of >= 25 expected
N_WORDS = 300  # ~750 draws on a model whose words end sooner: 5 length bins
P = ref.softmax(W)
# the trained model, its words ending sooner (mean ~1.7 letters), one in five empty
SHORT = inputs.empty_likely(inputs.ends_sooner(W), 0.2)


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
# the temperature models: a first letter, then '.' or a second letter (so the temperature
# decides how often a word ends too), then the end; at temperature t the model is t times
# these logits, so a right sampler draws softmax(FIRSTS) then softmax(SECONDS) at every
# t, and a sampler that applies another temperature t' draws them sharper or flatter by
# t / t' (a temperature clamped or capped, applied to some rows or tokens only)
FIRSTS = {"a": 0.0, "b": 0.7, "c": 1.4, "d": 2.1, "e": 2.8}
SECONDS = {"v": 0.0, "w": 0.7, "x": 1.4, ".": 1.4, "y": 2.1, "z": 2.8}
TEMPERATURES = ((0.3, 31), (4.0, 32))  # (temperature, seed): sharper and flatter than 1
TEMPERED = {t: t * inputs.chain_W({".": FIRSTS, **{first: SECONDS for first in FIRSTS}})
            for t, _ in TEMPERATURES}  # "ez", "dy", "c", ...
# per temperature, in two stages (each tested at ALPHA / 2): a mistake far off fails on the
# first 200 words, one that moves the draws by a tenth (a temperature clamped at 0.5 for
# 0.3, capped at 2.5 for 4) on all 600 (tests/test_suites.py measures the margins)
N_TEMPERATURE_WORDS = (200, 400)


def _letter_probs(logits: dict[str, float], temperature: float) -> dict[str, float]:
    z = np.array(list(logits.values())) / temperature
    p = np.exp(z - z.max())
    return dict(zip(logits, (p / p.sum()).tolist()))


# long words: a walk among a, b, c of ~12 letters on average (two words in five are longer
# than 10), drawn at temperature 2, so that each step's row and temperature show however
# far into the word it is (the checks above see the first two or three draws); from a, b
# and c any other letter is possible too, each at p = 0.004 (9% in all), and leads back to
# a: a sampler that leaves out unlikely tokens (p < 0.005, 0.01, ...) shows
_DUST = {letter: -6.0 for letter in TOKENS[4:]}
LONG = inputs.chain_W({".": {"a": 1.0, "b": 0.0, "c": -1.0},
                       "a": {**_DUST, "b": 4.0, "c": 1.0, ".": -1.0, "a": -1.0},
                       "b": {**_DUST, "c": 4.0, "a": 2.0, ".": 0.0, "b": -2.0},
                       "c": {**_DUST, "a": 4.0, "b": 0.0, ".": 1.5, "c": 1.0},
                       **{letter: {"a": 0.0} for letter in _DUST}})
LONG_TEMPERATURE, LONG_SEED = 2.0, 74
N_LONG_WORDS = (200, 400)  # two stages, as N_TEMPERATURE_WORDS: ~2,500 draws, then ~7,500
N_EARLY_STEPS = 3  # the first three draws of a word; the rest are the late steps
_LONG_P = ref.softmax(LONG / LONG_TEMPERATURE)
LONG_LENGTH_PROBS = _length_probs(_LONG_P)
LONG_STEP_PROBS = {row: {after: float(_LONG_P[row, after]) for after in range(VOCAB)
                         if _LONG_P[row, after] > 0} for row in range(VOCAB)}


def _steps(words: list[str], max_len: int = 50) -> tuple[list, list]:
    """The (row, token drawn) steps of the words, first N_EARLY_STEPS of each word apart
    from the rest; a word shorter than max_len ended with a drawn '.'."""
    early, late = [], []
    for word in words:
        tokens = [BOUNDARY, *map(index, word)] + ([BOUNDARY] if len(word) < max_len else [])
        for step, pair in enumerate(zip(tokens, tokens[1:])):
            (early if step < N_EARLY_STEPS else late).append(pair)
    return early, late


def _long_verdict(words: list[str], alpha: float = ALPHA / 2) -> tuple[bool, bool, bool]:
    """(the first N_EARLY_STEPS draws fit, the later draws fit, the lengths fit) at alpha."""
    early, late = _steps(words)
    return (p_value_of_steps(early, LONG_STEP_PROBS) >= alpha,
            p_value_of_steps(late, LONG_STEP_PROBS) >= alpha,
            p_value([len(w) for w in words], LONG_LENGTH_PROBS, ordered=True) >= alpha)


PATH = inputs.path_W("mind")  # the only word this model can write is "mind"
NEAR_PATH = inputs.path_W("mind", low=-60.0)  # finite, but any other step has p < 1e-12
END_ABLATED = inputs.end_ablated(W)  # words never end: only max_len stops them
GREEDY_WORD = ref.greedy_decode(W)


def _words(values: list, what: str = "sample_word(W, rng)", strict: bool = True) -> list[str]:
    """The learner's words, or Fail if any is not a str of letters a..z.

    strict=False lets a word end in '.' (it is dropped): the checks of what is drawn, not
    of how a word ends, judge the letters alone.
    """
    words = [expect_str(v, what) for v in values]
    if not strict:
        words = [w[:-1] if w.endswith(".") else w for w in words]
    for word in words:
        if inputs.letters_only(word):
            continue
        if word.endswith("."):
            raise Fail("sample_word returned a word ending in '.': drawing '.' ends the word, "
                       "but the '.' itself is not part of it, so stop before appending it.")
        raise Fail("sample_word returned a word with characters other than 'a' to 'z': "
                   "append TOKENS[j] for each drawn token j, and stop at '.'.")
    return words


def _sample(learner, n: int, W_: np.ndarray, seed: int, strict: bool = True,
            **kwargs) -> list[str]:
    return _words(learner.repeat("sample_word", n, W_.copy(), Rng(seed), **kwargs),
                  strict=strict)


def _one_word_each(learner, cases: list) -> list[str]:
    """One word per case, each case with a fresh generator of its own (one round trip)."""
    return _words(list(values(learner, "sample_word", cases)))


def _same_every_time(words: list[str]) -> Fail:
    """The feedback for a sampler whose words, drawn from one shared generator, never vary:
    what it did, and what can cause it (which one, only the learner's code tells)."""
    return Fail("sample_word wrote the same word every time it was called with one "
                "generator, on a model that allows many words. Each call must draw with the "
                "rng it is given, going on from where the last call left it: look for a copy "
                "of rng or a generator of its own, for a most-likely token taken instead of "
                "a draw, or for W changed in place from call to call.")


# A learner who draws as the lab says (rng.choice(27, p=probs)) writes the reference's own
# words from the same seed, draw for draw. Agreeing on every draw of a shared random
# stream is strong evidence: whatever two samplers do with the stream, when their
# distributions for a draw differ by total variation d they agree on it with probability
# at most 1 - d (the coupling inequality), so a sampler off by d on each of k draws
# agrees on all of them with probability at most (1 - d)**k: for d >= 0.25 on 80 draws,
# below 1e-9, the chi-square tests' threshold (a bug that touches fewer draws gets
# fewer factors). The statistical checks accept such agreement at once, and give
# everyone else (another valid way of drawing, or a mistake) the full chi-square test.
N_AGREE = 40  # words of two or three draws each


def _reference_words(n: int, W_: np.ndarray, seed: int, **kwargs) -> list[str]:
    rng = np.random.default_rng(seed)
    return [ref.sample_word(W_, rng, **kwargs) for _ in range(n)]


SURE = 1e-12  # an exact chance below this decides on the first words alone (<< ALPHA)


def _word_probability(word: str, W_: np.ndarray, temperature: float = 1.0,
                      max_len: int = 50) -> float:
    """The exact chance that the reference sampler writes `word` on W_.

    >>> _word_probability("ab", inputs.chain_W({".": {"a": 0.0}, "a": {"b": 0.0},
    ...                                         "b": {".": 0.0}}))
    1.0
    """
    if len(word) > max_len or any(c not in TOKENS[1:] for c in word):
        return 0.0
    probs = ref.softmax(np.asarray(W_, dtype=np.float64) / temperature)
    tokens = [BOUNDARY, *map(index, word)] + ([BOUNDARY] if len(word) < max_len else [])
    return math.prod(float(probs[a, b]) for a, b in zip(tokens, tokens[1:]))


def _words_unless_agreeing(learner, n: int, agree: list[str], W_: np.ndarray, seed: int,
                           strict: bool = True, early: bool = True,
                           **kwargs) -> list[str] | None:
    """None when the learner's first words from `seed` are `agree` (the reference's),
    else n of the learner's words for the chi-square test.

    `early`: a sampler whose first words are one word over and over, when the model would
    write that many copies with a chance below SURE, fails at once (the check's feedback
    for it is that, whatever more words show): it does not draw n more words. (Not for
    the temperature check, whose hints weigh the words of both temperatures first.)"""
    first = _first_words(learner, len(agree), W_, seed, strict, **kwargs)
    if first == agree:
        return None
    if early and len(set(first)) == 1 and \
            _word_probability(first[0], W_, **kwargs) ** len(first) < SURE:
        raise _same_every_time(first)
    return _sample(learner, n, W_, seed, strict, **kwargs)


def _first_words(learner, n: int, W_: np.ndarray, seed: int, strict: bool = True,
                 **kwargs) -> list[str]:
    """The learner's first n words from one generator of `seed`, drawn once per learner (the
    rng check looks at the same words: do they vary from call to call?)."""
    key = ("sample_word first words", n, id(W_), seed, tuple(sorted(kwargs.items())))
    words = learner.shared(key, lambda: [expect_str(v, "sample_word(W, rng)") for v in
                                         learner.repeat("sample_word", n, W_.copy(), Rng(seed),
                                                        **kwargs)])
    return _words(words, strict=strict)


AGREE_FIRST_LETTERS = _reference_words(N_AGREE, W, 71, max_len=2)  # 80 draws
AGREE_LENGTHS = _reference_words(30, SHORT, 72)  # 80 draws
AGREE_TEMPERATURES = {seed: _reference_words(N_AGREE, TEMPERED[t], seed, temperature=t)
                      for t, seed in TEMPERATURES}  # about 110 draws each
AGREE_LONG = _reference_words(13, LONG, LONG_SEED, temperature=LONG_TEMPERATURE)  # 118
# draws, 80 of them after the third letter, in words of up to 30 letters, 12 letters of dust


def _sample_raised(out) -> str | None:
    if out.raised.is_a(TypeError):
        return None  # the judge says it could not be called the way the lab calls it
    return (f"sample_word raised {out.raised.type_name} on a model it should sample from; "
            "run it yourself on a small model to see where.")


@check(points=0.5, function="sample_word")
def test_sample_word_returns_a_str(learner):
    """sample_word returns a str for a model and a generator"""
    cases = [(M, Rng(seed)) for M, seed in ((W, 54), (OTHER_W, 55), (PATH, 56))]
    for got in values(learner, "sample_word", cases, on_raise=_sample_raised):
        expect_str(got, "sample_word(W, rng)")


@check(points=1, function="sample_word")
def test_sample_word_follows_the_only_path(learner):
    """sample_word writes the only word a model allows (whatever the temperature)"""
    cases = [Args(PATH, Rng(seed), temperature=t) for t, seed in ((1.0, 51), (0.5, 52),
                                                                 (3.0, 53))]
    words = _one_word_each(learner, cases)
    if words == ["mind"] * len(cases):
        return
    if "" in words:
        raise Fail("sample_word returned an empty word where the model allows only one "
                   "word, which is not empty: start from the '.' row (the first letter) "
                   "and stop only when '.' is drawn.")
    raise Fail("sample_word returned another word than the only one a model allows: "
               "after each draw, the next draw must use the row of the token just drawn, "
               "W[token], starting from W[0].")


@check(points=0.5, function="sample_word", after="sample_word_returns_a_str")
def test_sample_word_stops_at_max_len(learner):
    """sample_word stops at max_len letters (max_len=0 gives '') when a word goes on"""
    caps = [(END_ABLATED, 41, {"max_len": 7}, 7), (END_ABLATED, 42, {}, 50),
            (END_ABLATED, 43, {"max_len": 1}, 1), (END_ABLATED, 44, {"max_len": 0}, 0),
            (PATH, 45, {"max_len": 0}, 0), (PATH, 46, {"max_len": 2}, 2),
            (END_ABLATED, 40, {"max_len": 260}, 260)]  # past the small ints `is` matches
    words = _one_word_each(learner, [Args(M, Rng(seed), **kw) for M, seed, kw, _ in caps]
                           + [Args(NEAR_PATH, Rng(39), max_len=5)])
    if words.pop() != "mind":  # '.' after "mind" is drawn at the last step max_len allows
        raise Fail("sample_word wrote another word than the only likely one when max_len "
                   "leaves room for exactly one more letter: the word may end ('.' drawn) at "
                   "every step, the last one before max_len included.")
    for (_, _, kwargs, cap), word in zip(caps, words):
        if len(word) == cap:
            continue
        told = ("max_len=0" if cap == 0 else "a large max_len" if cap > 50 else
                "a small max_len" if kwargs else "the default max_len=50")
        if cap == 0:
            raise Fail(f"sample_word wrote {len(word)} letter(s) with {told}: a word of at "
                       "most 0 letters is '', so check the length before each draw (a "
                       "while loop, not a loop that draws first and checks after).")
        if len(word) > cap:
            compare = (", and compare lengths with < (not `is`)" if cap > 256 else
                       " (the loop goes on while len(word) < max_len)")
            raise Fail(f"sample_word wrote a word {len(word) - cap} letter(s) longer than "
                       f"{told} on a model whose words never end: stop as soon as the word "
                       f"has max_len letters{compare}.")
        raise Fail(f"sample_word wrote a word {cap - len(word)} letter(s) shorter than "
                   f"{told} on a model whose words never end: it should stop at exactly "
                   "max_len letters (count letters, not draws).")


# (by position, by name, what must agree): deterministic words, or lengths alone where the
# words depend on the draws (a sampler that ignores its rng still writes the right lengths)
POSITIONAL = (((PATH, Rng(47), 0.5), Args(PATH, Rng(47), temperature=0.5), "word"),
              ((PATH, Rng(48), 2.0, 2), Args(PATH, Rng(48), temperature=2.0, max_len=2), "word"),
              ((END_ABLATED, Rng(49), 1.0, 4), Args(END_ABLATED, Rng(49), max_len=4), "length"),
              ((END_ABLATED, Rng(50), 3.0, 0), Args(END_ABLATED, Rng(50), temperature=3.0,
                                                   max_len=0), "length"))


@check(points=0.5, function="sample_word", after="sample_word_returns_a_str")
def test_sample_word_takes_its_options_by_position(learner):
    """sample_word(W, rng, temperature, max_len) takes its options by position as by name"""

    cases = [case for by_position, by_name, _ in POSITIONAL for case in (by_position, by_name)]
    outs = outcomes(learner, "sample_word", cases)
    twins = {id(out): twin for out, twin in zip(outs, outs[1::2] + outs[::2])}

    def raised(out) -> str | None:
        if out.raised.is_a(TypeError):
            return ("sample_word could not be called with its options by position, as "
                    "sample_word(W, rng, 0.5): they must be ordinary parameters, in the "
                    "order W, rng, temperature, max_len.")
        twin = twins.get(id(out))
        if twin is not None and twin.raised is not None and twin.raised.is_a(ValueError):
            return ("sample_word raised ValueError for a valid temperature (0.5, 2 or 3) "
                    "whether its options came by position or by name: every temperature "
                    "above 0 must work. Look at what your sampler does with the "
                    "temperature, and at what it draws from.")
        if out.raised.is_a(ValueError):  # the same options by name did not raise
            return ("sample_word raised ValueError for options it takes by name when they "
                    "came by position: its parameters must be in the order W, rng, "
                    "temperature, max_len (as the lab's def line has them).")
        return None

    got_all = [expect_str(judged("sample_word", out, on_raise=raised),
                          "sample_word(W, rng, temperature, max_len)") for out in outs]
    for (_, _, agree), positional, named in zip(POSITIONAL, got_all[::2], got_all[1::2]):
        if positional == named or (agree == "length" and len(positional) == len(named)):
            continue
        raise Fail("sample_word does something else with its options passed by position "
                   "than with the same options passed by name: its parameters must come in "
                   "the order W, rng, temperature, max_len (as the lab's def line has them).")


@check(points=1, function="sample_word")
def test_sample_word_draws_first_letters_like_the_model(learner):
    """sample_word's first letters follow the model's first-letter belief"""
    words = _words_unless_agreeing(learner, N_FIRST_LETTERS, AGREE_FIRST_LETTERS, W, 71,
                                   strict=False, max_len=2)
    if words is None:
        return
    firsts = [w[0] if w else "." for w in words]
    if consistent(firsts, FIRST_LETTER_PROBS):
        return
    if len(set(words)) == 1:
        raise _same_every_time(words)
    if len(set(firsts)) == 1:
        raise Fail("all the words from sample_word start with the same letter: it "
                   "must draw each token at random (rng.choice(27, p=probs)), not take the "
                   "most likely one.")
    raise Fail("the first letters of many words from sample_word do not follow the "
               "model's first-letter belief softmax(W[0]) (a chi-square test says this is "
               "not chance): draw the first token from row 0, the '.' row, each token with "
               "its own probability (unlikely ones included).")


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
        raise _same_every_time(words)
    if "" not in words:
        raise Fail(f"none of {len(words)} words from sample_word is empty, on a model that "
                   "draws '.' first about one time in five: when '.' is the first token "
                   "drawn, the word is '' (do not draw again, and do not append a first "
                   "letter before looking at what was drawn).")
    mean = sum(lengths) / len(lengths)
    raise Fail(f"the words from sample_word are {mean:.1f} letters long on average, and "
               "their lengths do not follow the model (a chi-square test says this is not "
               "chance): after drawing a token, draw the next from that token's row, and "
               "stop when '.' is drawn.")


def _tempered_fits(words: list[str], t_first: float, t_second: float,
                   alpha: float = ALPHA) -> bool:
    """On TEMPERED[t], the first letters follow temperature t_first and what comes after
    them ('.' or a second letter) t_second, both in units of the model's own t."""
    if any(not 1 <= len(w) <= 2 for w in words):
        return False
    return (p_value([w[0] for w in words], _letter_probs(FIRSTS, t_first)) >= alpha
            and p_value([w[1:] or "." for w in words], _letter_probs(SECONDS, t_second))
            >= alpha)


def _tempered_log_likelihood(words: list[str], t_first: float, t_second: float) -> float:
    """log P(words) on TEMPERED[t] if drawn at temperatures t_first then t_second (units of t)."""
    first, second = _letter_probs(FIRSTS, t_first), _letter_probs(SECONDS, t_second)
    ps = [first.get(w[:1], 0.0) * second.get(w[1:] or ".", 0.0) for w in words]
    return sum(math.log(p) for p in ps) if all(p > 0 for p in ps) else -math.inf


def _tempered_words(learner, temperature: float, seed: int) -> list[str] | None:
    """None when the learner agrees with the reference's first words; else its words at
    `temperature`, 200 of them if they already fail, else 600 (each stage at ALPHA / 2)."""
    first, more = N_TEMPERATURE_WORDS
    agree = AGREE_TEMPERATURES[seed]
    opening = _first_words(learner, len(agree), TEMPERED[temperature], seed, strict=False,
                           temperature=temperature)
    if opening != agree and any(not 1 <= len(w) <= 2 for w in opening):
        return opening  # a word this model cannot write: the check fails on these alone
    words = _words_unless_agreeing(learner, first, agree, TEMPERED[temperature], seed,
                                   strict=False, early=False, temperature=temperature)
    if words is None or not _tempered_fits(words, 1.0, 1.0, ALPHA / 2):
        return words
    return words + _sample(learner, more, TEMPERED[temperature], seed + 1000, strict=False,
                           temperature=temperature)


@check(points=1, function="sample_word")
def test_sample_word_applies_the_temperature(learner):
    """sample_word draws every token from softmax(W[row] / temperature), '.' and all"""
    drawn = {}
    for temperature, seed in TEMPERATURES:
        words = _tempered_words(learner, temperature, seed)
        if words is not None:
            drawn[temperature] = words
    if all(_tempered_fits(words, 1.0, 1.0, ALPHA / 2) for words in drawn.values()):
        return
    if any(not 1 <= len(w) <= 2 for words in drawn.values() for w in words):
        raise Fail("sample_word wrote words of other than one or two letters on a model "
                   "whose words are a first letter, then '.' or a second letter, then '.': "
                   "each draw uses the row of the token just drawn.")
    known = {  # laws (t_first, t_second) in units of the model's own temperature t
        "it applies the temperature to the first letter only: divide the logits of every "
        "row it draws from by temperature, at every step": lambda t: (1.0, t),
        "it applies the temperature to the letters after the first, but not to the first "
        "one (the '.' row)": lambda t: (t, 1.0),
        "it draws exactly as with temperature 1: divide the row's logits by temperature "
        "before softmax": lambda t: (t, t),
        "it seems to multiply the logits by temperature; divide them instead":
            lambda t: (t * t, t * t),
    }
    if len(drawn) == len(TEMPERATURES):  # a known mistake only if it fits every temperature
        likelihood = {hint: sum(_tempered_log_likelihood(words, *(1 / law for law in laws(t)))
                                for t, words in drawn.items()) for hint, laws in known.items()}
        best = max(likelihood, key=likelihood.get)
        runner_up = max(v for hint, v in likelihood.items() if hint != best)
        if likelihood[best] - runner_up > math.log(1e6) and all(  # and far likelier than
                _tempered_fits(words, *(1 / law for law in known[best](t)))  # the others
                for t, words in drawn.items()):
            raise Fail(f"sample_word's draws do not follow softmax(W[row] / temperature): "
                       f"{best}.")
    if any(len(set(words)) == 1 for words in drawn.values()):
        raise _same_every_time(next(w for w in drawn.values() if len(set(w)) == 1))
    t = next(t for t, words in drawn.items() if not _tempered_fits(words, 1.0, 1.0, ALPHA / 2))
    told = "a temperature below 1" if t < 1 else "a temperature above 1"
    raise Fail(f"with {told} sample_word's draws do not follow softmax(W[row] / temperature) "
               "(a chi-square test on the first letters and on what follows them, '.' "
               "included, says this is not chance): divide every logit of the row, '.' "
               "included, by the temperature it is given, at every step.")


@check(points=0.5, function="sample_word", after="sample_word_returns_a_str")
def test_sample_word_draws_with_the_rng_it_is_given(learner):
    """sample_word draws with the rng it is given: same seed, same word; other seed, other word

    Words drawn one after another from one generator differ too: each call goes on from
    where the last one left the generator."""
    first, again, other = _one_word_each(learner, [(END_ABLATED, Rng(11)),
                                                   (END_ABLATED, Rng(11)),
                                                   (END_ABLATED, Rng(12))])
    if first != again:
        raise Fail("sample_word gave different words for two generators made from the same "
                   "seed: draw with the rng argument (rng.choice, rng.random), not with "
                   "np.random functions or the random module.")
    if first == other:
        greedy = (" (it is the model's most likely path: draw each token at random instead "
                  "of taking the most likely one)" if first == ref.greedy_decode(END_ABLATED)
                  else "")
        raise Fail("sample_word gave the same words for generators with different seeds: "
                   f"draw with the rng argument, not with a generator you make yourself{greedy}.")
    words = _first_words(learner, N_AGREE, W, 71, strict=False, max_len=2)
    if len(set(words)) == 1:
        raise _same_every_time(words)


@check(points=0.5, function="sample_word",
       after=("sample_word_lengths_follow_the_model", "sample_word_applies_the_temperature",
              "sample_word_draws_with_the_rng_it_is_given"))  # (its thousands of fixed-seed
# draws mean nothing for a sampler that does not draw with the rng it is given)
def test_sample_word_keeps_to_the_model_in_long_words(learner):
    """sample_word follows the model however long the word: every step, its row and temperature"""
    first, more = N_LONG_WORDS
    words = _words_unless_agreeing(learner, first, AGREE_LONG, LONG, LONG_SEED,
                                   temperature=LONG_TEMPERATURE)
    if words is None:
        return
    verdict = _long_verdict(words)
    if all(verdict):  # a second stage, for a mistake that moves the draws a little
        words += _sample(learner, more, LONG, LONG_SEED + 1000, temperature=LONG_TEMPERATURE)
        verdict = _long_verdict(words)
    early_ok, late_ok, lengths_ok = verdict
    if early_ok and late_ok and lengths_ok:
        return
    if len(set(words)) == 1:
        raise _same_every_time(words)
    rule = ("every step, however far into the word, draws from softmax(W[token] / "
            "temperature) for the token just drawn, and '.' stays possible at every step")
    if early_ok and not late_ok:
        raise Fail("in long words, sample_word's draws after the third letter do not follow "
                   "the model (a chi-square test on each row's draws says this is not "
                   "chance), while its first three draws pass the same test, which does not "
                   f"prove them right: {rule}.")
    if early_ok and late_ok:
        raise Fail("in long words, each of sample_word's draws follows the model but the "
                   "word lengths do not (a chi-square test says this is not chance): a word "
                   "ends only when '.' is drawn or when it has max_len letters; look for "
                   "another limit on its length.")
    raise Fail("in long words, sample_word's draws do not follow the model (a chi-square "
               f"test on each row's draws says this is not chance): {rule}.")


@check(points=0.5, function="sample_word", after=("sample_word_returns_a_str",
                                                  "sample_word_follows_the_only_path"))
def test_sample_word_leaves_W_unchanged(learner):
    """sample_word leaves W unchanged"""
    value(learner, "sample_word", NEAR_PATH, Rng(61), temperature=2.0, keep_inputs=True)


@check(points=0.5, function="sample_word", after="sample_word_returns_a_str")
def test_sample_word_rejects_temperature_zero_or_below(learner):
    """sample_word raises ValueError when temperature <= 0"""
    what = "a temperature <= 0 (it must be > 0; raise before dividing by it)"
    cases = [(Args(W, Rng(63), temperature=t), what, "") for t in (0.0, -1.0, -1e-9)]
    cases += [(Args(W, Rng(64), temperature=t, max_len=0), what,
               "Check the temperature first, even when max_len=0 leaves nothing to draw.")
              for t in (0.0, -1.0)]
    expect_value_errors(learner, "sample_word", cases)
