"""Lab 01's contract (SPEC §2 and its boundaries) as properties, one list per graded function.

Each property takes the implementation and raises Violation with one sentence:

>>> from mindlab_core.tokens import index
>>> run_property(ablate_column_blocks_exactly_the_column, lambda W, letter: W)
'ablate_column(W, ...) is not W with column ... = -inf (random, letter .)'

Values are compared with the reference (get_lab("lab01").reference) within RTOL = 1e-9
relative + ATOL = 1e-12 on probabilities, exactly where the contract says exactly (-inf,
0, strings, orders). sample_word's statistical properties use stats.ALPHA = 1e-6 each:
nine tests (first letters, first two letters at temperatures 1, 0.3, 0.5, 3, 6, lengths,
and in long words the late draws row by row and the lengths), so a correct sampler that
draws differently from the reference fails with probability at most 9e-6 (Bonferroni).
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from mindlab_core.tokens import TOKENS, VOCAB
from mindlab_grader.labs import get_lab

from .core import (
    ATOL,
    RTOL,
    Violation,
    call,
    close,
    expect_array,
    expect_close,
    expect_float,
    expect_unchanged,
    for_all,
    raises_value_error,
    repeat,
    run_property,
    seeds,
    show,
)
from .matrices import BAD_LETTERS, KINDS, counts, matrix, path_W, trained_W
from .stats import ALPHA, pearson

__all__ = ["ATOL", "PROPERTIES", "RTOL", "run_property"]

PROPERTIES: dict[str, list[Callable]] = {}


def ref():  # noqa: ANN201 - the reference module, looked up by name (it is being moved)
    return importlib.import_module(get_lab("lab01").reference)


def prop(function: str) -> Callable[[Callable], Callable]:
    """Register a property of one graded function (in the order written)."""
    def register(fn: Callable) -> Callable:
        PROPERTIES.setdefault(function, []).append(fn)
        return fn
    return register


def every_kind(seed: int = 1) -> list[tuple[str, np.ndarray]]:
    """(kind, W) for each kind of matrix, the explicit examples of W properties."""
    return [(kind, matrix(kind, seed)) for kind in KINDS]


def kinds_and_seeds(kinds: tuple[str, ...] = tuple(KINDS)) -> st.SearchStrategy:
    """(kind, W) drawn by Hypothesis."""
    return st.sampled_from(kinds).flatmap(
        lambda kind: st.builds(lambda s: (kind, matrix(kind, s)), seeds()))


def valid_letter_rejections(f: Callable, args_of: Callable[[object], tuple], name: str) -> None:
    """Every bad letter of SPEC §2's boundaries raises ValueError."""
    for bad in BAD_LETTERS:
        raises_value_error(f, *args_of(bad), what=f"{name}(..., {bad!r})")


# ---------------------------------------------------------------- softmax


@prop("softmax")
def softmax_keeps_shape_and_returns_floats(f: Callable) -> None:
    """A float ndarray of the input's shape, 1-D and 2-D (27 wide or not)."""
    rng = np.random.default_rng(0)
    for shape in ((27,), (4, 27), (1, 27), (7,), (3, 5), (1,)):
        x = rng.normal(0, 2, shape)
        expect_array(call(f, x, what=f"softmax(shape {shape})"), f"softmax(shape {shape})", shape)


@prop("softmax")
def softmax_matches_the_reference(f: Callable) -> None:
    """softmax(W) and softmax(W[i]) equal the reference within 1e-9 relative (all kinds)."""
    def body(case: tuple[str, np.ndarray]) -> None:
        kind, W = case
        expect_close(call(f, W, what=f"softmax({kind} W)"), ref().softmax(W),
                     f"softmax({kind} W)")
        for i in (0, 5, 26):
            expect_close(call(f, W[i], what=f"softmax({kind} W[{i}])"), ref().softmax(W[i]),
                         f"softmax({kind} W[{i}]) (1-D)")
    for_all(kinds_and_seeds(), body, every_kind())


@prop("softmax")
def softmax_rows_are_distributions(f: Callable) -> None:
    """Entries in [0, 1], no nan, every row sums to 1 (1e-9), along the LAST axis."""
    def body(case: tuple[str, np.ndarray]) -> None:
        kind, W = case
        for x in (W, W[:5], W[3]):
            p = expect_array(call(f, x, what=f"softmax({kind})"), f"softmax({kind})", x.shape)
            if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
                raise Violation(f"softmax({kind} logits) has entries outside [0, 1] or nan")
            if not np.all(np.abs(p.sum(axis=-1) - 1) <= RTOL):
                raise Violation(f"softmax({kind} logits of shape {x.shape}): rows do not sum "
                                "to 1 along the last axis")
    for_all(kinds_and_seeds(), body, every_kind())


@prop("softmax")
def softmax_gives_exactly_zero_to_minus_inf(f: Callable) -> None:
    """-inf entries get probability exactly 0 (rows with a finite entry); 1e4 and -1e4 too."""
    got = call(f, np.array([1e4, -1e4, -np.inf]), what="softmax([1e4, -1e4, -inf])")
    expect_close(got, np.array([1.0, 0.0, 0.0]), "softmax([1e4, -1e4, -inf])")
    if np.asarray(got)[2] != 0.0:
        raise Violation("softmax([1e4, -1e4, -inf]) gives -inf a probability other than 0")
    for seed in range(8):
        W = matrix("neg_inf" if seed % 2 else "huge", seed)
        W = W + (0.0, 0.0, -1e12, 1e12)[seed % 4]  # finite entries far below (above) -1e9
        for x in (W, W[seed], np.array([-1e10, -np.inf, -1e10 - 1.0])):
            p = np.asarray(call(f, x, what="softmax(logits with -inf)"))
            if p.shape != x.shape or not np.all(p[np.isneginf(x)] == 0.0):
                raise Violation("softmax gives an entry equal to -inf a probability other than "
                                "exactly 0")


@prop("softmax")
def softmax_leaves_its_input_unchanged(f: Callable) -> None:
    """The input, 1-D and 2-D, is unchanged."""
    for x in (matrix("random", 3), matrix("huge", 4)[2], matrix("offset_rows", 5)):
        expect_unchanged(f, (x,), f"softmax(shape {x.shape})")


# ---------------------------------------------------------------- read_row


@prop("read_row")
def read_row_returns_27_floats(f: Callable) -> None:
    """read_row(W, letter) is a (27,) float ndarray."""
    expect_array(call(f, trained_W(), "e", what="read_row(W, 'e')"), "read_row(W, 'e')", (VOCAB,))


@prop("read_row")
def read_row_is_softmax_of_the_row(f: Callable) -> None:
    """For every letter, read_row(W, letter) = softmax(W[index(letter)]) within 1e-9 (all kinds)."""
    def body(case: tuple[str, np.ndarray]) -> None:
        kind, W = case
        for i, letter in enumerate(TOKENS):
            got = expect_array(call(f, W, letter, what=f"read_row({kind} W, {letter!r})"),
                               f"read_row({kind} W, {letter!r})", (VOCAB,))
            expect_close(got, ref().softmax(W[i]), f"read_row({kind} W, {letter!r})")
    for_all(kinds_and_seeds(), body, every_kind(), examples=6)


@prop("read_row")
def read_row_rejects_bad_letters(f: Callable) -> None:
    """' a', 'a\\n', 'A', 'ab', '', 3, None ... raise ValueError."""
    valid_letter_rejections(f, lambda bad: (trained_W(), bad), "read_row")


@prop("read_row")
def read_row_leaves_W_unchanged(f: Callable) -> None:
    """W is unchanged."""
    for letter in (".", "q", "z"):
        expect_unchanged(f, (matrix("huge", 7), letter), f"read_row(W, {letter!r})")


# ---------------------------------------------------------------- data_row


@prop("data_row")
def data_row_returns_27_floats(f: Callable) -> None:
    """data_row(counts, letter) is a (27,) float ndarray."""
    expect_array(call(f, counts(0), "e", what="data_row(counts, 'e')"),
                 "data_row(counts, 'e')", (VOCAB,))


@prop("data_row")
def data_row_is_the_row_over_its_sum(f: Callable) -> None:
    """For every letter, counts[i] / counts[i].sum() within 1e-9 (trained and random counts)."""
    def body(seed: int) -> None:
        c = counts(seed)
        for i, letter in enumerate(TOKENS):
            got = expect_array(call(f, c, letter, what=f"data_row(counts, {letter!r})"),
                               f"data_row(counts #{seed}, {letter!r})", (VOCAB,))
            expect_close(got, c[i] / c[i].sum(), f"data_row(counts #{seed}, {letter!r})")
    for_all(seeds(), body, (0, 1, 2), examples=6)


@prop("data_row")
def data_row_rejects_bad_letters(f: Callable) -> None:
    """' a', 'a\\n', 'A', 'ab', '', 3, None ... raise ValueError."""
    valid_letter_rejections(f, lambda bad: (counts(0), bad), "data_row")


@prop("data_row")
def data_row_leaves_counts_unchanged(f: Callable) -> None:
    """counts is unchanged."""
    for letter in (".", "e"):
        expect_unchanged(f, (counts(3), letter), f"data_row(counts, {letter!r})")


# ---------------------------------------------------------------- belief_gap


def _gap(W: np.ndarray, c: np.ndarray, i: int) -> float:
    return float(0.5 * np.abs(ref().softmax(W[i]) - c[i] / c[i].sum()).sum())


@prop("belief_gap")
def belief_gap_is_a_float_in_0_1(f: Callable) -> None:
    """belief_gap returns a plain float in [0, 1]."""
    for kind in ("trained", "huge", "random"):
        got = expect_float(call(f, matrix(kind, 2), counts(0), "e", what="belief_gap"),
                           f"belief_gap({kind} W, counts, 'e')")
        if not 0.0 <= got <= 1.0:
            raise Violation(f"belief_gap({kind} W, counts, 'e') = {got!r} is outside [0, 1]")


@prop("belief_gap")
def belief_gap_is_the_total_variation_distance(f: Callable) -> None:
    """0.5 * sum(|read_row - data_row|) for every letter within 1e-9 relative + 1e-12."""
    def body(case: tuple[tuple[str, np.ndarray], int]) -> None:
        (kind, W), seed = case
        c = counts(seed)
        for i, letter in enumerate(TOKENS):
            got = expect_float(call(f, W, c, letter, what=f"belief_gap({kind} W, {letter!r})"),
                               f"belief_gap({kind} W, counts, {letter!r})")
            expect_close(got, _gap(W, c, i), f"belief_gap({kind} W, counts #{seed}, {letter!r})")
    explicit = [(case, seed) for case, seed in zip(every_kind(), range(len(KINDS)))]
    for_all(st.tuples(kinds_and_seeds(), seeds()), body, explicit, examples=6)


@prop("belief_gap")
def belief_gap_reaches_0_and_1(f: Callable) -> None:
    """0 when W's row is log(data), 1 when they share no token (within 1e-12)."""
    c = counts(5)
    with np.errstate(divide="ignore"):
        agree = np.log(c.astype(np.float64))
    disagree = np.where(c > 0, -np.inf, 0.0)
    for W, expected, what in ((agree, 0.0, "log(counts)"), (disagree, 1.0, "disjoint")):
        for letter in (".", "m"):
            got = expect_float(call(f, W, c, letter, what=f"belief_gap({what})"),
                               f"belief_gap({what} W, counts, {letter!r})")
            if abs(got - expected) > 1e-12:
                raise Violation(f"belief_gap({what} W, counts, {letter!r}) = {got!r}, "
                                f"expected {expected}")


@prop("belief_gap")
def belief_gap_rejects_bad_letters(f: Callable) -> None:
    """' a', 'a\\n', 'A', 'ab', '', 3, None ... raise ValueError."""
    valid_letter_rejections(f, lambda bad: (trained_W(), counts(0), bad), "belief_gap")


@prop("belief_gap")
def belief_gap_leaves_its_inputs_unchanged(f: Callable) -> None:
    """W and counts are unchanged."""
    expect_unchanged(f, (matrix("huge", 8), counts(4), "a"), "belief_gap(W, counts, 'a')")


# ---------------------------------------------------------------- ablate_column


def _ablated(W: np.ndarray, j: int) -> np.ndarray:
    out = np.array(W, dtype=np.float64)
    out[:, j] = -np.inf
    return out


@prop("ablate_column")
def ablate_column_returns_a_27_by_27_float_array(f: Callable) -> None:
    """A (27, 27) float ndarray."""
    expect_array(call(f, trained_W(), "e", what="ablate_column(W, 'e')"),
                 "ablate_column(W, 'e')", (VOCAB, VOCAB))


@prop("ablate_column")
def ablate_column_blocks_exactly_the_column(f: Callable) -> None:
    """Equal to W except column `letter` = -inf, exactly, for every letter (all kinds)."""
    def body(case: tuple[str, np.ndarray]) -> None:
        kind, W = case
        for j, letter in enumerate(TOKENS):
            got = call(f, W.copy(), letter, what=f"ablate_column({kind} W, {letter!r})")
            if not (isinstance(got, np.ndarray) and got.shape == W.shape
                    and np.array_equal(got, _ablated(W, j))):
                raise Violation(f"ablate_column(W, ...) is not W with column ... = -inf "
                                f"({kind}, letter {letter})")
    for_all(kinds_and_seeds(), body, every_kind(), examples=4)


@prop("ablate_column")
def ablate_column_returns_a_new_array(f: Callable) -> None:
    """W is unchanged, and the result shares no memory with it."""
    W = matrix("random", 9)
    got = expect_unchanged(f, (W, "e"), "ablate_column(W, 'e')")
    if isinstance(got, np.ndarray) and np.shares_memory(got, W):
        raise Violation("ablate_column(W, 'e') returns W itself or a view of it, not a new array")


@prop("ablate_column")
def ablate_column_rejects_bad_letters(f: Callable) -> None:
    """' a', 'a\\n', 'A', 'ab', '', 3, None ... raise ValueError."""
    valid_letter_rejections(f, lambda bad: (trained_W(), bad), "ablate_column")


# ---------------------------------------------------------------- sample_word


def _words(f: Callable, W: np.ndarray, n: int, seed: int, what: str, **options) -> list[str]:
    rng = np.random.default_rng(seed)
    words = repeat(lambda: f(W, rng, **options), n, what)
    for word in words:
        if type(word) is not str:
            raise Violation(f"{what} returned {show(word)}, not a str")
    return words


def _letters_only(words: list[str], what: str) -> None:
    for word in words:
        if any(ch not in TOKENS[1:] for ch in word):
            raise Violation(f"{what} returned {word!r}: a word holds the letters a..z only "
                            "('.' is never part of it)")


def _sparse_W(seed: int, support: int = 4) -> np.ndarray:
    """Each row allows `support` random tokens (-inf elsewhere): few outcomes, exact zeros."""
    rng = np.random.default_rng(seed)
    W = np.full((VOCAB, VOCAB), -np.inf)
    for row in range(VOCAB):
        allowed = rng.choice(VOCAB, support, replace=False)
        W[row, allowed] = rng.normal(0.0, 1.0, support)
    return W


def _two_letter_probs(W: np.ndarray, temperature: float) -> dict[str, float]:
    """P(word) of sample_word(W, rng, temperature, max_len=2) for every possible word."""
    P = ref().softmax(W / temperature)
    probs = {"": float(P[0, 0])}
    for a in range(1, VOCAB):
        probs[TOKENS[a]] = float(P[0, a] * P[a, 0])
        for b in range(1, VOCAB):
            probs[TOKENS[a] + TOKENS[b]] = float(P[0, a] * P[a, b])
    return probs


def _fit(words: list[str], probs: dict[str, float], what: str) -> None:
    seen = Counter(words)
    unknown = [w for w in seen if w not in probs]
    if unknown:
        raise Violation(f"{what} gave {unknown[0]!r}, a word the model cannot write that way")
    keys = sorted(probs)
    p = pearson([seen[k] for k in keys], [probs[k] for k in keys])
    if p < ALPHA:
        raise Violation(f"{what}: the words do not follow the model's probabilities "
                        f"(chi-square p = {p:.1e} < {ALPHA:g})")


@prop("sample_word")
def sample_word_first_letters_follow_row_dot(f: Callable) -> None:
    """First tokens follow softmax(W['.']): chi-square over 1500 words at max_len=1, p >= 1e-6."""
    W = matrix("random", 11)
    words = _words(f, W, 1500, 21, "sample_word(W, rng, max_len=1)", max_len=1)
    _letters_only(words, "sample_word(W, rng, max_len=1)")
    first = ref().softmax(W[0])
    probs = {"": float(first[0])} | {TOKENS[j]: float(first[j]) for j in range(1, VOCAB)}
    _fit([w[:1] for w in words], probs, "sample_word(W, rng, max_len=1), first letters")


@prop("sample_word")
def sample_word_next_letters_follow_their_row(f: Callable) -> None:
    """(first, second) letters follow softmax(W['.']) then softmax(W[first]): 3000 words."""
    W = _sparse_W(12)
    words = _words(f, W, 3000, 22, "sample_word(W, rng, max_len=2)", max_len=2)
    _letters_only(words, "sample_word(W, rng, max_len=2)")
    _fit(words, _two_letter_probs(W, 1.0), "sample_word(W, rng, max_len=2)")


@prop("sample_word")
def sample_word_applies_temperature_at_every_step(f: Callable) -> None:
    """At temperatures 0.3, 0.5, 3 and 6, the first two letters follow softmax(W[row] / T):
    3000 words each."""
    W = _sparse_W(13)
    for temperature, seed in ((0.3, 30), (0.5, 23), (3.0, 24), (6.0, 31)):
        what = f"sample_word(W, rng, temperature={temperature}, max_len=2)"
        words = _words(f, W, 3000, seed, what, temperature=temperature, max_len=2)
        _letters_only(words, what)
        _fit(words, _two_letter_probs(W, temperature), what)


def _length_probs(W: np.ndarray, max_len: int) -> dict[int, float]:
    P = ref().softmax(W)
    at = P[0, 1:].copy()
    dist = {0: float(P[0, 0])}
    for length in range(1, max_len):
        dist[length] = float(at @ P[1:, 0])
        at = at @ P[1:, 1:]
    dist[max_len] = float(at.sum())
    return dist


@prop("sample_word")
def sample_word_lengths_follow_the_model_and_max_len(f: Callable) -> None:
    """Lengths follow the model, cut at max_len=4 (never longer): chi-square over 2000 words."""
    W = matrix("random", 14)
    W[:, 0] = W.max(axis=1) - 0.5  # words end often
    words = _words(f, W, 2000, 25, "sample_word(W, rng, max_len=4)", max_len=4)
    _letters_only(words, "sample_word(W, rng, max_len=4)")
    dist = _length_probs(W, 4)
    lengths = Counter(len(w) for w in words)
    if max(lengths) > 4:
        raise Violation(f"sample_word(W, rng, max_len=4) returned a word of {max(lengths)} "
                        "letters")
    p = pearson([lengths[n] for n in range(5)], [dist[n] for n in range(5)])
    if p < ALPHA:
        raise Violation("sample_word(W, rng, max_len=4): word lengths do not follow the model "
                        f"(chi-square p = {p:.1e} < {ALPHA:g})")


def _walk_W(seed: int, letters: int = 5) -> np.ndarray:
    """A walk among the first `letters` letters: random logits, '.' unlikely (long words);
    every other letter is possible from them too, but each unlikely (p < 0.01), and leads
    back to "a"."""
    rng = np.random.default_rng(seed)
    W = np.full((VOCAB, VOCAB), -np.inf)
    W[1:, 0] = 0.0  # rows off the walk end the word
    W[0, 1:letters + 1] = rng.normal(0.0, 1.5, letters)
    W[1:letters + 1, 1:letters + 1] = rng.normal(0.0, 1.5, (letters, letters))
    W[1:letters + 1, letters + 1:] = -5.0
    W[letters + 1:, 0] = -np.inf  # ... and leads back to "a"
    W[letters + 1:, 1] = 0.0
    W[1:letters + 1, 0] = -1.0
    return W


@prop("sample_word")
def sample_word_every_step_of_long_words_follows_its_row(f: Callable) -> None:
    """In long words (~11 letters, temperature 2), the draws after the third letter follow
    softmax(W[row] / 2) row by row, and the lengths follow the model: 1500 words."""
    W, temperature = _walk_W(17), 2.0
    what = "sample_word(W, rng, temperature=2.0) on long words"
    words = _words(f, W, 1500, 29, what, temperature=temperature)
    _letters_only(words, what)
    P = ref().softmax(W / temperature)
    late: dict[int, Counter] = {}
    for word in words:
        ids = [0] + [TOKENS.index(c) for c in word] + ([0] if len(word) < 50 else [])
        for a, b in list(zip(ids, ids[1:]))[3:]:
            late.setdefault(a, Counter())[b] += 1
    for a, seen in sorted(late.items()):  # Bonferroni over the rows
        p = pearson([seen[b] for b in range(VOCAB)], [float(P[a, b]) for b in range(VOCAB)])
        if p < ALPHA / len(late):
            raise Violation(f"{what}: the draws from row {TOKENS[a]!r} after the third letter "
                            f"do not follow softmax(W[row] / T) (chi-square p = {p:.1e})")
    dist = _length_probs(W / temperature, 50)
    lengths = Counter(len(w) for w in words)
    p = pearson([lengths[n] for n in range(51)], [dist[n] for n in range(51)])
    if p < ALPHA:
        raise Violation(f"{what}: word lengths do not follow the model (chi-square p = {p:.1e})")


@prop("sample_word")
def sample_word_writes_the_only_possible_word(f: Callable) -> None:
    """On a model with one possible walk (. m i n d .) the word is 'mind', at any temperature."""
    W = path_W("mind")
    for options, expected in (({}, "mind"), ({"temperature": 0.3}, "mind"),
                              ({"temperature": 7.0}, "mind"), ({"max_len": 2}, "mi"),
                              ({"max_len": 4}, "mind"), ({"max_len": 0}, "")):
        what = f"sample_word(mind-only W, rng, {options})"
        got = _words(f, W, 3, 26, what, **options)
        if got != [expected] * 3:
            raise Violation(f"{what} gave {got[0]!r}... instead of {expected!r}")


@prop("sample_word")
def sample_word_stops_at_max_len(f: Callable) -> None:
    """With '.' ablated, words have exactly max_len letters (0, 1, 7, 300, default 50)."""
    W = matrix("random", 15)
    W[:, 0] = -np.inf
    for options, length in (({"max_len": 0}, 0), ({"max_len": 1}, 1), ({"max_len": 7}, 7),
                            ({}, 50)):
        what = f"sample_word(W without '.', rng, {options})"
        words = _words(f, W, 5, 27, what, **options)
        _letters_only(words, what)
        if any(len(w) != length for w in words):
            raise Violation(f"{what} returned {max(words, key=len)!r} ({len(words[0])} letters), "
                            f"expected {length}")
    words = _words(f, matrix("random", 16), 5, 28, "sample_word(W, rng, max_len=0)", max_len=0)
    if words != [""] * 5:
        raise Violation("sample_word(W, rng, max_len=0) does not give ''")
    # past CPython's cached small ints (-5..256): a length compared with `is` never stops
    what = "sample_word(W without '.', rng, max_len=300)"
    word = call(f, W, np.random.default_rng(30), max_len=300, what=what)
    if type(word) is not str:
        raise Violation(f"{what} returned {show(word)}, not a str")
    _letters_only([word], what)
    if len(word) != 300:
        raise Violation(f"{what} returned a word of {len(word)} letters, expected 300")


@prop("sample_word")
def sample_word_ends_at_once_when_dot_is_certain(f: Callable) -> None:
    """When '.' is the certain first token the word is ''."""
    words = _words(f, matrix("dot_certain", 17), 5, 29, "sample_word('.'-first W, rng)")
    if words != [""] * 5:
        raise Violation(f"sample_word(W where '.' is certain first, rng) gave {words[0]!r}")


@prop("sample_word")
def sample_word_rejects_temperatures_not_above_0(f: Callable) -> None:
    """temperature 0, 0.0, -1, -0.5, -inf raise ValueError, by keyword and position, any max_len."""
    W = matrix("random", 18)
    for t in (0, 0.0, -0.0, -1, -0.5, -np.inf):
        raises_value_error(f, W, np.random.default_rng(0), temperature=t,
                           what=f"sample_word(W, rng, temperature={t!r})")
        raises_value_error(f, W, np.random.default_rng(0), t,
                           what=f"sample_word(W, rng, {t!r})")
        for max_len in (0, 1):
            raises_value_error(f, W, np.random.default_rng(0), t, max_len,
                               what=f"sample_word(W, rng, {t!r}, {max_len})")
            raises_value_error(f, W, np.random.default_rng(0), temperature=t, max_len=max_len,
                               what=f"sample_word(W, rng, temperature={t!r}, max_len={max_len})")


@prop("sample_word")
def sample_word_options_by_position(f: Callable) -> None:
    """sample_word(W, rng, 0.5) is temperature 0.5; (W, rng, 1.0, 3) is max_len 3 (same seed)."""
    W = matrix("random", 19)
    for args, kwargs in (((0.5,), {"temperature": 0.5}), ((2.0, 3), {"temperature": 2.0,
                         "max_len": 3}), ((1.0,), {}), ((1.0, 50), {})):
        for seed in range(8):
            by_position = call(f, W, np.random.default_rng(seed), *args,
                               what=f"sample_word(W, rng, {args})")
            by_keyword = call(f, W, np.random.default_rng(seed), **kwargs,
                              what=f"sample_word(W, rng, **{kwargs})")
            if by_position != by_keyword:
                raise Violation(f"sample_word(W, rng, *{args}) and sample_word(W, rng, **{kwargs}) "
                                f"differ from the same seed ({by_position!r} vs {by_keyword!r})")


@prop("sample_word")
def sample_word_draws_with_the_rng_it_is_given(f: Callable) -> None:
    """The same seed gives the same words, another seed others, and rng's state advances."""
    W = matrix("random", 20)
    first = _words(f, W, 20, 30, "sample_word(W, rng)", max_len=6)
    again = _words(f, W, 20, 30, "sample_word(W, rng)", max_len=6)
    other = _words(f, W, 20, 31, "sample_word(W, rng)", max_len=6)
    if first != again:
        raise Violation("sample_word gives other words from a generator with the same seed: "
                        "draw with the rng argument only")
    if first == other:
        raise Violation("sample_word gives the same 20 words from generators with different "
                        "seeds: draw with the rng argument")
    rng = np.random.default_rng(32)
    before = rng.bit_generator.state
    call(f, W, rng, what="sample_word(W, rng)")
    if rng.bit_generator.state == before:
        raise Violation("sample_word(W, rng) left rng's state unchanged: it did not draw with it")


@prop("sample_word")
def sample_word_leaves_W_unchanged(f: Callable) -> None:
    """W is unchanged (at temperature 0.5 and 1)."""
    for options in ({"temperature": 0.5}, {}):
        expect_unchanged(f, (matrix("random", 21), np.random.default_rng(0)),
                         f"sample_word(W, rng, {options})", **options)


# ---------------------------------------------------------------- rank_rules


def _rules(value: object, what: str) -> list[tuple[str, str, float]]:
    if type(value) is not list:
        raise Violation(f"{what} returned {show(value)}, not a list")
    for rule in value:
        if type(rule) is not tuple or len(rule) != 3:
            raise Violation(f"{what} holds {show(rule)}, not an (after, next, probability) tuple")
        for item, kind in zip(rule, (str, str, float)):
            if type(item) is not kind:
                raise Violation(f"{what} holds {show(rule)}: its items must be plain str, str, "
                                f"float, not {type(item).__name__}")
    return value


@prop("rank_rules")
def rank_rules_returns_27_plain_triples(f: Callable) -> None:
    """A list of 27 tuples of (str, str, float), one per row, '.' included."""
    for kind in ("trained", "random", "ties"):
        got = _rules(call(f, matrix(kind, 1), what="rank_rules(W)"), f"rank_rules({kind} W)")
        if len(got) != VOCAB:
            raise Violation(f"rank_rules({kind} W) returned {len(got)} rules, expected 27")


@prop("rank_rules")
def rank_rules_gives_each_rows_most_likely_token(f: Callable) -> None:
    """Each row's rule names its most likely token (lowest index on ties) with its probability."""
    def body(case: tuple[str, np.ndarray]) -> None:
        kind, W = case
        what = f"rank_rules({kind} W)"
        got = _rules(call(f, W, what=what), what)
        P = ref().softmax(W)
        afters = sorted(rule[0] for rule in got)
        if afters != sorted(TOKENS):
            raise Violation(f"{what} does not give exactly one rule per row "
                            f"(rows {''.join(afters)!r})")
        for after, nxt, p in got:
            i = TOKENS.index(after)
            j = int(P[i].argmax())
            if nxt != TOKENS[j]:
                raise Violation(f"{what}: the rule after {after!r} names {nxt!r}, but its most "
                                f"likely next token is {TOKENS[j]!r}")
            if not 0.0 <= p <= 1.0 or not close(p, P[i, j]):
                raise Violation(f"{what}: the rule {after!r} -> {nxt!r} has probability {p!r}, "
                                f"expected {float(P[i, j])!r}")
    for_all(kinds_and_seeds(), body, every_kind())


@prop("rank_rules")
def rank_rules_sorts_highest_first_ties_in_row_order(f: Callable) -> None:
    """Probabilities never increase down the list; equal probabilities keep row order."""
    def body(case: tuple[str, np.ndarray]) -> None:
        kind, W = case
        what = f"rank_rules({kind} W)"
        got = _rules(call(f, W, what=what), what)
        for (a1, _, p1), (a2, _, p2) in zip(got, got[1:]):
            if p2 > p1:
                raise Violation(f"{what} puts {a1!r} ({p1!r}) before {a2!r} ({p2!r}): highest "
                                "first")
            if p2 == p1 and TOKENS.index(a2) < TOKENS.index(a1):
                raise Violation(f"{what} puts row {a1!r} before row {a2!r} with the same "
                                "probability: ties keep row order")
    for_all(kinds_and_seeds(), body, every_kind())


@prop("rank_rules")
def rank_rules_top_boundaries(f: Callable) -> None:
    """top=0 -> [], top=k -> the first k, top >= 27 -> all 27, None = default; by position too."""
    W = matrix("random", 22)
    full = _rules(call(f, W, what="rank_rules(W)"), "rank_rules(W)")
    for top in (None, 0, 1, 5, 26, 27, 28, 100):
        expected = full if top is None else full[:top]
        for args, kwargs in (((top,), {}), ((), {"top": top})):
            what = f"rank_rules(W, {args[0]!r})" if args else f"rank_rules(W, top={top!r})"
            got = call(f, W, *args, what=what, **kwargs)
            if got != expected:
                size = len(got) if isinstance(got, list) else show(got)
                raise Violation(f"{what} returned {size} rules, not the first "
                                f"{len(expected)} of rank_rules(W)")


@prop("rank_rules")
def rank_rules_leaves_W_unchanged(f: Callable) -> None:
    """W is unchanged."""
    for kind in ("random", "huge"):
        expect_unchanged(f, (matrix(kind, 23),), f"rank_rules({kind} W)")


# ---------------------------------------------------------------- greedy_decode


def _greedy(W: np.ndarray, max_len: int = 50) -> str:
    return ref().greedy_decode(W, max_len)


def _expect_word(value: object, expected: str, what: str) -> None:
    if type(value) is not str:
        raise Violation(f"{what} returned {show(value)}, not a str")
    if value != expected:
        raise Violation(f"{what} returned {value[:60]!r}, expected {expected!r}")


@prop("greedy_decode")
def greedy_decode_follows_the_most_likely_tokens(f: Callable) -> None:
    """Start after '.', take each row's most likely token (lowest index on ties), stop at '.'."""
    def body(case: tuple[str, np.ndarray]) -> None:
        kind, W = case
        what = f"greedy_decode({kind} W)"
        _expect_word(call(f, W, what=what), _greedy(W), what)
    for_all(kinds_and_seeds(), body, every_kind())


@prop("greedy_decode")
def greedy_decode_stops_at_max_len(f: Callable) -> None:
    """On a cycle: max_len 0 -> '', 1, 2, 5, 13, 300 letters (keyword, position), default 50."""
    W = matrix("cyclic", 24)
    for max_len in (0, 1, 2, 5, 13, 300):  # 300: past CPython's cached small ints
        expected = _greedy(W, max_len)
        _expect_word(call(f, W, max_len=max_len, what="greedy_decode"), expected,
                     f"greedy_decode(cyclic W, max_len={max_len})")
        _expect_word(call(f, W, max_len, what="greedy_decode"), expected,
                     f"greedy_decode(cyclic W, {max_len})")
    _expect_word(call(f, W, what="greedy_decode(cyclic W)"), _greedy(W), "greedy_decode(cyclic W)")
    if len(_greedy(W)) != 50:
        raise AssertionError("oracle: the cyclic matrix does not cycle")


@prop("greedy_decode")
def greedy_decode_leaves_W_unchanged(f: Callable) -> None:
    """W is unchanged."""
    for kind in ("random", "huge", "cyclic"):
        expect_unchanged(f, (matrix(kind, 25),), f"greedy_decode({kind} W)")


@prop("greedy_decode")
def greedy_decode_reads_ties_and_dot(f: Callable) -> None:
    """A uniform W gives '' ('.' wins the tie); '.' certain first gives ''; ties: lowest index."""
    W = np.zeros((VOCAB, VOCAB))
    _expect_word(call(f, W, what="greedy_decode(zeros)"), "", "greedy_decode(zeros)")
    W[0, [3, 7]] = 1.0  # c and g tie: c
    W[3, [9, 2]] = 2.0  # after c, i and b tie: b; after b, every token ties: '.'
    _expect_word(call(f, W, what="greedy_decode(tied W)"), "cb", "greedy_decode(tied W)")
    W = matrix("dot_certain", 26)
    _expect_word(call(f, W, what="greedy_decode"), "", "greedy_decode('.' certain first)")

