"""Lab 02's contract (docs/lab02-contract.md) as properties, one list per graded function.

>>> run_property(PROPERTIES["find_heads"][0], lambda scores, threshold: [(0, 1)])
'find_heads(scores, 0.5) returned [(0, 1)], expected [(0, 1), (1, 0)]'

Computed values are compared with the reference (get_lab("lab02").reference) within
RTOL = 1e-9 relative + an absolute 1e-12 times the size of the inputs (cancellation).
Randomness is judged by properties and statistics, never by the exact draws: each
statistical test uses stats.ALPHA = 1e-6 (repeated_tokens: 3 tests, sparse_features: 5),
so a correct generator fails one with probability at most 8e-6 (Bonferroni).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from mindlab_grader.labs import get_lab

from .core import (
    RTOL,
    Violation,
    accepted,
    call,
    expect_array,
    expect_close,
    expect_float,
    expect_unchanged,
    for_all,
    raises_value_error,
    repeat,
    run_property,
    same,
    seeds,
    show,
)
from .stats import ALPHA, binomial_p, pearson

__all__ = ["PROPERTIES", "run_property"]

PROPERTIES: dict[str, list[Callable]] = {}


def ref():  # noqa: ANN201 - the reference module, looked up by name
    return importlib.import_module(get_lab("lab02").reference)


def prop(function: str) -> Callable[[Callable], Callable]:
    """Register a property of one graded function (in the order written)."""
    def register(fn: Callable) -> Callable:
        PROPERTIES.setdefault(function, []).append(fn)
        return fn
    return register


def gen(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def near(got: object, expected: object, what: str, scale: float = 1.0) -> None:
    """expect_close with an absolute tolerance of 1e-12 * scale (scale: the inputs' size)."""
    expect_close(got, expected, what, RTOL, 1e-12 * max(1.0, scale))


def array_of(value: object, what: str, shape: tuple[int, ...], kind: str = "f") -> np.ndarray:
    return expect_array(value, what, shape, kind)


def unchanged_for(f: Callable, make: Callable[[], tuple], what: str) -> None:
    """The inputs of f(*make()) are unchanged (arrays, dicts, lists)."""
    expect_unchanged(f, make(), what)


def sizes() -> st.SearchStrategy[tuple[int, int, int, int]]:
    """(seed, n, m, d) of small random problems."""
    return st.tuples(seeds(), st.integers(1, 7), st.integers(1, 7), st.integers(1, 6))


# ---------------------------------------------------------------- tool 04


@prop("mean_difference_direction")
def mean_difference_direction_is_the_unit_mean_difference(f: Callable) -> None:
    """(d,) float, length 1 (1e-12), along mean(X_a) - mean(X_b), toward a; n != m allowed."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, n, m, d = case
        rng = gen(seed)
        X_a, X_b = rng.normal(1, 2, (n, d)), rng.normal(-1, 2, (m, d))
        what = f"mean_difference_direction(X_a {X_a.shape}, X_b {X_b.shape})"
        got = array_of(call(f, X_a, X_b, what=what), what, (d,))
        if abs(float(np.linalg.norm(got)) - 1.0) > 1e-12:
            raise Violation(f"{what} has length {np.linalg.norm(got)!r}, not exactly 1")
        near(got, ref().mean_difference_direction(X_a, X_b), what)
    for_all(sizes(), body, [(0, 3, 5, 2), (1, 1, 4, 1), (2, 6, 2, 4)])


@prop("mean_difference_direction")
def mean_difference_direction_rejects_other_widths_and_equal_means(f: Callable) -> None:
    """Other widths (either side wider, or 1) raise ValueError; so do equal means."""
    rng = gen(3)
    # either side wider, and a width of 1 (numpy broadcasts it silently), either side
    for a, b in ((2, 3), (3, 2), (1, 3), (3, 1)):
        raises_value_error(f, rng.normal(size=(3, a)), rng.normal(size=(4, b)),
                           what=f"mean_difference_direction(width {a}, width {b})")
    X = rng.normal(size=(4, 3))
    raises_value_error(f, X, X.copy(), what="mean_difference_direction(X, X)")
    raises_value_error(f, np.array([[1.0, 0.0], [-1.0, 2.0]]), np.array([[0.0, 1.0]]),
                       what="mean_difference_direction(two rows, one row with the same mean)")


@prop("mean_difference_direction")
def mean_difference_direction_leaves_inputs_unchanged(f: Callable) -> None:
    """X_a and X_b are unchanged."""
    unchanged_for(f, lambda: (gen(4).normal(size=(5, 3)), gen(5).normal(size=(2, 3))),
                  "mean_difference_direction(X_a, X_b)")


@prop("project")
def project_is_the_scalar_projection(f: Callable) -> None:
    """(n,) float X @ direction / |direction| (rows of any length; n, d varied)."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, n, _, d = case
        rng = gen(seed)
        X, u = rng.normal(0, 3, (n, d)), rng.normal(0, 2, d)
        what = f"project(X {X.shape}, direction ({d},))"
        got = array_of(call(f, X, u, what=what), what, (n,))
        near(got, ref().project(X, u), what, scale=float(np.abs(X).max()))
    for_all(sizes(), body, [(0, 4, 0, 3), (1, 1, 0, 1)])


@prop("project")
def project_ignores_length_keeps_sign(f: Callable) -> None:
    """project(X, c * u) = project(X, u) for c > 0 and -project(X, u) for c < 0."""
    rng = gen(6)
    X, u = rng.normal(size=(5, 4)), rng.normal(size=4)
    base = array_of(call(f, X, u, what="project(X, u)"), "project(X, u)", (5,))
    for c in (1e-3, 7.5, -1.0, -40.0):
        got = array_of(call(f, X, c * u, what=f"project(X, {c} u)"), f"project(X, {c} u)", (5,))
        near(got, np.sign(c) * base, f"project(X, {c} * u) against project(X, u)", 10.0)


@prop("project")
def project_rejects_bad_directions(f: Callable) -> None:
    """Mismatched widths (5 or 3 for 4, and 1 either side) or a zero direction: ValueError."""
    X = gen(7).normal(size=(3, 4))
    raises_value_error(f, X, np.ones(3), what="project(X of width 4, direction of length 3)")
    raises_value_error(f, X, np.ones(5), what="project(X of width 4, direction of length 5)")
    # a length of 1 on either side broadcasts silently in numpy
    raises_value_error(f, X, np.ones(1), what="project(X of width 4, direction of length 1)")
    raises_value_error(f, X[:, :1], np.ones(4),
                       what="project(X of width 1, direction of length 4)")
    raises_value_error(f, X, np.zeros(4), what="project(X, zero direction)")


@prop("project")
def project_leaves_inputs_unchanged(f: Callable) -> None:
    """X and direction are unchanged."""
    unchanged_for(f, lambda: (gen(8).normal(size=(4, 3)), np.array([3.0, -1.0, 2.0])),
                  "project(X, direction)")


def _parallel_pairs() -> list[tuple[np.ndarray, np.ndarray]]:
    """(u, c * u) pairs: naive u.v / (|u| |v|) steps past +-1 on several of them."""
    rng = gen(9)
    pairs = []
    for d in (2, 3, 5, 7, 11, 32):
        for _ in range(25):
            u = rng.normal(size=d)
            pairs += [(u, u.copy()), (u, 3.3 * u), (u, -0.7 * u)]
    return pairs


@prop("cosine_similarity")
def cosine_similarity_is_a_float_in_minus_1_1(f: Callable) -> None:
    """A plain float in [-1, 1], even for parallel vectors where rounding steps past 1."""
    for u, v in _parallel_pairs():
        got = expect_float(call(f, u, v, what="cosine_similarity(u, c u)"),
                           f"cosine_similarity(u, c u) with d={len(u)}")
        if not -1.0 <= got <= 1.0:
            raise Violation(f"cosine_similarity(u, c u) with d={len(u)} is {got!r}, "
                            "outside [-1, 1]")


@prop("cosine_similarity")
def cosine_similarity_matches_the_formula(f: Callable) -> None:
    """u.v / (|u| |v|) within 1e-12 for random vectors of any length; lengths do not matter."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, _, _, d = case
        rng = gen(seed)
        u, v = rng.normal(0, 5, d), rng.normal(0, 0.1, d)
        expected = ref().cosine_similarity(u, v)
        for a, b in ((u, v), (10 * u, v), (u, 1e-3 * v)):
            got = expect_float(call(f, a, b, what="cosine_similarity"),
                               f"cosine_similarity(u, v) with d={d}")
            near(got, expected, f"cosine_similarity(u, v) with d={d}", 100.0)
    for_all(sizes(), body, [(0, 0, 0, 1), (1, 0, 0, 2), (2, 0, 0, 6)])


@prop("cosine_similarity")
def cosine_similarity_rejects_bad_vectors(f: Callable) -> None:
    """Mismatched lengths or a zero vector (either side) raise ValueError."""
    u = np.array([1.0, 2.0, 3.0])
    raises_value_error(f, u, np.ones(2), what="cosine_similarity(length 3, length 2)")
    raises_value_error(f, u, np.ones(4), what="cosine_similarity(length 3, length 4)")
    raises_value_error(f, u, np.zeros(3), what="cosine_similarity(u, 0)")
    raises_value_error(f, np.zeros(3), u, what="cosine_similarity(0, u)")


@prop("cosine_similarity")
def cosine_similarity_leaves_inputs_unchanged(f: Callable) -> None:
    """u and v are unchanged."""
    unchanged_for(f, lambda: (np.array([1.0, -2.0, 5.0]), np.array([0.5, 4.0, 1.0])),
                  "cosine_similarity(u, v)")


# ---------------------------------------------------------------- tool 05

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _words(seed: int, n: int) -> list[str]:
    rng = gen(seed)
    return ["".join(rng.choice(list(LETTERS), rng.integers(0, 7))) for _ in range(n)]


def _expect_contexts(value: object, what: str, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    if type(value) is not tuple or len(value) != 2:
        raise Violation(f"{what} returned {show(value)}, not a tuple (X, Y)")
    X = array_of(value[0], f"{what}[0] (X)", (n, k), kind="")
    Y = array_of(value[1], f"{what}[1] (Y)", (n,), kind="")
    for name, arr in (("X", X), ("Y", Y)):
        if arr.dtype != np.int64:
            raise Violation(f"{what}: {name} has dtype {arr.dtype}, not int64")
    return X, Y


@prop("make_contexts")
def make_contexts_reads_k_dots_letters_then_one_dot(f: Callable) -> None:
    """(X (n, k) int64, Y (n,) int64), m + 1 pairs a word, in order; the contract's example."""
    got = _expect_contexts(call(f, ["ab"], 3, what="make_contexts(['ab'], 3)"),
                           "make_contexts(['ab'], 3)", 3, 3)
    if got[0].tolist() != [[0, 0, 0], [0, 0, 1], [0, 1, 2]] or got[1].tolist() != [1, 2, 0]:
        raise Violation(f"make_contexts(['ab'], 3) gave X {got[0].tolist()}, Y {got[1].tolist()}")

    def body(case: tuple[int, int, int]) -> None:
        seed, n_words, k = case
        words = _words(seed, n_words)
        what = f"make_contexts({words}, {k})"
        X, Y = ref().make_contexts(words, k)
        got_X, got_Y = _expect_contexts(call(f, words, k, what=what), what, len(Y), k)
        if not (np.array_equal(got_X, X) and np.array_equal(got_Y, Y)):
            raise Violation(f"{what} is not every (context, next token) pair in order")
    for_all(st.tuples(seeds(), st.integers(0, 5), st.integers(1, 5)), body,
            [(0, 0, 2), (1, 1, 1), (2, 4, 3), (3, 3, 5)])


@prop("make_contexts")
def make_contexts_rejects_bad_k_and_characters(f: Callable) -> None:
    """k < 1 (0, -1) raises ValueError, and so does a character outside a..z."""
    for k in (0, -1):
        raises_value_error(f, ["ab"], k, what=f"make_contexts(['ab'], {k})")
    for word in ("aB", "a.b", "a b", ".", "é", "a1", "ab\n"):
        raises_value_error(f, ["ok", word], 2, what=f"make_contexts(['ok', {word!r}], 2)")
    accepted(f, ["ab"], 1, what="make_contexts(['ab'], 1) (k = 1 is valid)")


@prop("make_contexts")
def make_contexts_leaves_words_unchanged(f: Callable) -> None:
    """The list of words is unchanged."""
    unchanged_for(f, lambda: (["anna", "bob", ""], 3), "make_contexts(words, 3)")


def residual_params(seed: int, k: int, d: int, h: int, L: int) -> dict:
    rng = gen(seed)
    return {"E": rng.normal(0, 1, (k, 27, d)), "W1": rng.normal(0, 0.5, (L, d, h)),
            "b1": rng.normal(0, 0.5, (L, h)), "W2": rng.normal(0, 0.5, (L, h, d)),
            "b2": rng.normal(0, 0.5, (L, d)), "U": rng.normal(0, 1, (d, 27)),
            "bU": rng.normal(0, 1, 27)}


def model_cases() -> st.SearchStrategy[tuple[int, int, int, int, int, int]]:
    """(seed, n, k, d, h, L)."""
    return st.tuples(seeds(), st.integers(1, 6), st.integers(1, 4), st.integers(1, 5),
                     st.integers(1, 6), st.integers(1, 4))


def _streams(value: object, what: str, count: int, n: int, d: int) -> list[np.ndarray]:
    if type(value) is not list or len(value) != count:
        raise Violation(f"{what} returned {show(value)}, not a list of {count} arrays")
    return [array_of(s, f"{what}[{i}]", (n, d)) for i, s in enumerate(value)]


@prop("run_with_cache")
def run_with_cache_is_the_residual_stream(f: Callable) -> None:
    """L + 1 arrays (n, d): the embedding sum, then stream + relu(stream W1 + b1) W2 + b2."""
    def body(case: tuple[int, int, int, int, int, int]) -> None:
        seed, n, k, d, h, L = case
        params = residual_params(seed, k, d, h, L)
        contexts = gen(seed + 1).integers(0, 27, (n, k))
        what = f"run_with_cache(params k={k} d={d} h={h} L={L}, contexts ({n}, {k}))"
        got = _streams(call(f, params, contexts, what=what), what, L + 1, n, d)
        for i, (g, e) in enumerate(zip(got, ref().run_with_cache(params, contexts))):
            near(g, e, f"{what}[{i}]", 100.0)
    for_all(model_cases(), body, [(0, 5, 3, 4, 6, 4), (1, 2, 1, 3, 2, 1), (2, 4, 4, 2, 3, 2)])


@prop("run_with_cache")
def run_with_cache_leaves_inputs_unchanged(f: Callable) -> None:
    """params and contexts are unchanged."""
    unchanged_for(f, lambda: (residual_params(3, 3, 4, 5, 2), gen(4).integers(0, 27, (6, 3))),
                  "run_with_cache(params, contexts)")


@prop("run_with_cache")
def run_with_cache_keeps_separate_streams(f: Callable) -> None:
    """Each kept stream stays as it was: later blocks do not write into earlier ones."""
    params = residual_params(5, 2, 3, 4, 3)
    contexts = gen(6).integers(0, 27, (4, 2))
    got = _streams(call(f, params, contexts, what="run_with_cache"), "run_with_cache", 4, 4, 3)
    for i, (g, e) in enumerate(zip(got, ref().run_with_cache(params, contexts))):
        near(g, e, f"run_with_cache(...)[{i}]", 100.0)


@prop("logit_lens")
def logit_lens_reads_every_stream_through_the_unembedding(f: Callable) -> None:
    """(len(streams), n, 27) float s @ U + bU; on the last stream, the model's logits (1e-9)."""
    def body(case: tuple[int, int, int, int, int, int]) -> None:
        seed, n, k, d, h, L = case
        params = residual_params(seed, k, d, h, L)
        streams = ref().run_with_cache(params, gen(seed + 1).integers(0, 27, (n, k)))
        what = f"logit_lens(params d={d}, {len(streams)} streams of ({n}, {d}))"
        got = array_of(call(f, params, streams, what=what), what, (len(streams), n, 27))
        near(got, ref().logit_lens(params, streams), what, 100.0)
        near(got[-1], streams[-1] @ params["U"] + params["bU"], f"{what}[-1]", 100.0)
    for_all(model_cases(), body, [(0, 5, 3, 4, 6, 4), (1, 1, 1, 1, 1, 1)])


@prop("logit_lens")
def logit_lens_leaves_inputs_unchanged(f: Callable) -> None:
    """params and streams are unchanged."""
    params = residual_params(7, 2, 3, 4, 2)
    streams = ref().run_with_cache(params, gen(8).integers(0, 27, (3, 2)))
    expect_unchanged(f, (params, streams), "logit_lens(params, streams)")


@prop("logit_lens")
def logit_lens_works_on_one_stream(f: Callable) -> None:
    """A list of one stream gives shape (1, n, 27)."""
    params = residual_params(9, 1, 2, 2, 1)
    s = [gen(10).normal(size=(4, 2))]
    got = array_of(call(f, params, s, what="logit_lens(params, [s])"), "logit_lens(params, [s])",
                   (1, 4, 27))
    near(got, ref().logit_lens(params, s), "logit_lens(params, [s])", 10.0)


@prop("cross_entropy")
def cross_entropy_is_the_mean_nll_in_nats(f: Callable) -> None:
    """A float: mean of -log softmax(logits)[target] (nats), any n and V; uniform -> log V."""
    got = expect_float(call(f, np.zeros((2, 27)), np.array([0, 5]), what="cross_entropy"),
                       "cross_entropy(zeros (2, 27), targets)")
    near(got, np.log(27), "cross_entropy(uniform logits) (log 27 nats)")

    def body(case: tuple[int, int, int, int]) -> None:
        seed, n, V, _ = case
        rng = gen(seed)
        logits, targets = rng.normal(0, 3, (n, V + 1)), rng.integers(0, V + 1, n)
        what = f"cross_entropy(logits {logits.shape}, targets)"
        got = expect_float(call(f, logits, targets, what=what), what)
        near(got, ref().cross_entropy(logits, targets), what, 10.0)
    for_all(sizes(), body, [(0, 5, 6, 0), (1, 1, 1, 0)])


@prop("cross_entropy")
def cross_entropy_is_stable_for_huge_logits(f: Callable) -> None:
    """Logits of size 1e4 (and -1e4) give the exact finite loss."""
    logits = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]])
    for targets, expected in (([0, 1], np.log(2) / 2), ([1, 0], (1e4 + 1e4 + np.log(2)) / 2)):
        what = f"cross_entropy(logits of size 1e4, {targets})"
        got = expect_float(call(f, logits, np.array(targets), what=what), what)
        near(got, expected, what, 1e4)


@prop("cross_entropy")
def cross_entropy_leaves_inputs_unchanged(f: Callable) -> None:
    """logits and targets are unchanged."""
    unchanged_for(f, lambda: (gen(11).normal(size=(4, 27)), np.array([1, 0, 26, 3])),
                  "cross_entropy(logits, targets)")


# ---------------------------------------------------------------- tool 06


def _pattern(value: object, what: str, T: int) -> np.ndarray:
    return array_of(value, what, (T, T))


@prop("causal_attention")
def causal_attention_is_the_causal_softmax(f: Callable) -> None:
    """(T, T): row i = softmax over j <= i of q[i].k[j] / sqrt(d_head) (1e-9), T and d varied."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, T, _, d = case
        rng = gen(seed)
        q, k = rng.normal(0, 2, (T, d)), rng.normal(0, 2, (T, d))
        what = f"causal_attention(q ({T}, {d}), k)"
        near(_pattern(call(f, q, k, what=what), what, T), ref().causal_attention(q, k), what)
    for_all(sizes(), body, [(0, 1, 0, 1), (1, 6, 0, 4), (2, 7, 0, 1)])


@prop("causal_attention")
def causal_attention_masks_the_future_rows_sum_to_1(f: Callable) -> None:
    """Entries j > i exactly 0, rows sum to 1 (1e-12), row 0 all on key 0; scores of size 1e8
    and 1e12 (past a finite mask of -1e9: "stable for scores of any size")."""
    rng = gen(12)
    for scale in (1.0, 1e2, 1e4, 1e6):
        q, k = rng.normal(0, scale, (6, 3)), rng.normal(0, scale, (6, 3))
        what = f"causal_attention(q, k of size {scale:g})"
        p = _pattern(call(f, q, k, what=what), what, 6)
        if np.isnan(p).any() or not np.all(p[np.triu_indices(6, 1)] == 0.0):
            raise Violation(f"{what}: entries j > i are not exactly 0 (or nan)")
        if not np.all(np.abs(p.sum(axis=1) - 1) <= 1e-12) or p[0, 0] != 1.0:
            raise Violation(f"{what}: rows do not sum to 1 (row 0 is all on key 0)")
        near(p, ref().causal_attention(q, k), what)


@prop("causal_attention")
def causal_attention_leaves_inputs_unchanged(f: Callable) -> None:
    """q and k are unchanged."""
    unchanged_for(f, lambda: (gen(13).normal(size=(5, 4)), gen(14).normal(size=(5, 4))),
                  "causal_attention(q, k)")


def _tokens(value: object, what: str, half_len: int) -> np.ndarray:
    t = array_of(value, what, (2 * half_len + 1,), kind="")
    if t.dtype != np.int64:
        raise Violation(f"{what} has dtype {t.dtype}, not int64")
    return t


@prop("repeated_tokens")
def repeated_tokens_is_bos_then_a_half_twice(f: Callable) -> None:
    """(2 half_len + 1,) int64: 0, then half_len tokens in 1..n_vocab-1, then the same again."""
    for n_vocab, half_len, seed in ((2, 1, 0), (2, 4, 1), (5, 1, 2), (64, 10, 3), (3, 30, 4)):
        what = f"repeated_tokens(rng, {n_vocab}, {half_len})"
        t = _tokens(call(f, gen(seed), n_vocab, half_len, what=what), what, half_len)
        half = t[1:half_len + 1]
        if t[0] != 0 or not np.array_equal(half, t[half_len + 1:]):
            raise Violation(f"{what} = {t.tolist()} is not BOS then one half twice")
        if half.min() < 1 or half.max() > n_vocab - 1:
            raise Violation(f"{what} = {t.tolist()} has tokens outside 1..{n_vocab - 1}")


@prop("repeated_tokens")
def repeated_tokens_draws_uniformly(f: Callable) -> None:
    """Half tokens uniform, independent (pairs too, short halves): 3 chi-squares, p >= 1e-6 each."""
    rng = gen(15)
    draws = repeat(lambda: f(rng, 6, 10), 400, "repeated_tokens(rng, 6, 10)")
    halves = [_tokens(t, "repeated_tokens(rng, 6, 10)", 10)[1:11] for t in draws]
    tokens = np.concatenate(halves)
    counts = [int((tokens == v).sum()) for v in range(6)]
    p = pearson(counts, [0.0] + [0.2] * 5)
    pairs = np.concatenate([h[:-1] * 6 + h[1:] for h in halves])
    expected = [0.04 if a > 0 and b > 0 else 0.0 for a in range(6) for b in range(6)]
    p_pairs = pearson([int((pairs == c).sum()) for c in range(36)], expected)
    short = repeat(lambda: f(rng, 8, 3), 800, "repeated_tokens(rng, 8, 3)")
    firsts = [_tokens(t, "repeated_tokens(rng, 8, 3)", 3)[1:3] for t in short]
    codes = np.array([a * 8 + b for a, b in firsts])
    expected = [1 / 49 if a > 0 and b > 0 else 0.0 for a in range(8) for b in range(8)]
    p_short = pearson([int((codes == c).sum()) for c in range(64)], expected)
    if min(p, p_pairs, p_short) < ALPHA:
        raise Violation(f"repeated_tokens' tokens are not uniform and independent "
                        f"(chi-square p = {min(p, p_pairs, p_short):.1e} < {ALPHA:g})")


@prop("repeated_tokens")
def repeated_tokens_draws_with_the_rng(f: Callable) -> None:
    """The same seed gives the same sequence, other seeds others; rng's state advances."""
    first = call(f, gen(16), 50, 20, what="repeated_tokens")
    again = call(f, gen(16), 50, 20, what="repeated_tokens")
    other = call(f, gen(17), 50, 20, what="repeated_tokens")
    if not same(first, again):
        raise Violation("repeated_tokens gives another sequence from a generator with the same "
                        "seed: draw with rng only")
    if same(first, other):
        raise Violation("repeated_tokens gives the same sequence from different seeds")
    rng = gen(18)
    before = rng.bit_generator.state
    call(f, rng, 50, 20, what="repeated_tokens")
    if rng.bit_generator.state == before:
        raise Violation("repeated_tokens(rng, ...) left rng's state unchanged")


@prop("repeated_tokens")
def repeated_tokens_rejects_bad_sizes(f: Callable) -> None:
    """half_len < 1 (0, -1) or n_vocab < 2 (1, 0) raise ValueError; 1 and 2 are valid."""
    for n_vocab, half_len in ((5, 0), (5, -1), (1, 3), (0, 3), (1, 0)):
        raises_value_error(f, gen(0), n_vocab, half_len,
                           what=f"repeated_tokens(rng, {n_vocab}, {half_len})")
    accepted(f, gen(0), 2, 1, what="repeated_tokens(rng, 2, 1)")


def _patterns(seed: int, T: int, lead: tuple[int, ...]) -> np.ndarray:
    rng = gen(seed)
    return np.tril(rng.random((*lead, T, T)))


def _score(value: object, what: str, shape: tuple[int, ...]) -> np.ndarray:
    if np.shape(value) != shape or not isinstance(value, (np.ndarray, np.floating, float)):
        raise Violation(f"{what} returned {show(value)}, expected shape {shape}")
    return np.asarray(value, dtype=np.float64)


@prop("prev_token_score")
def prev_token_score_is_the_mean_below_the_diagonal(f: Callable) -> None:
    """Shape (...): the mean of pattern[i, i-1] over i = 1..T-1; (T, T), (H, ...), (L, H, ...)."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, T, L, H = case
        for lead in ((), (H,), (L, H)):
            P = _patterns(seed, T + 1, lead)
            what = f"prev_token_score(patterns {P.shape})"
            got = _score(call(f, P, what=what), what, lead)
            near(got, np.diagonal(P, -1, -2, -1).mean(-1), what)
    for_all(sizes(), body, [(0, 1, 2, 3), (1, 6, 1, 1)])


@prop("prev_token_score")
def prev_token_score_of_a_look_back_head_is_1(f: Callable) -> None:
    """A head that always looks one step back scores 1; one that looks at itself scores 0."""
    back = np.eye(5, k=-1)
    back[0, 0] = 1.0
    for P, expected in ((back, 1.0), (np.eye(5), 0.0)):
        near(_score(call(f, P, what="prev_token_score"), "prev_token_score", ()), expected,
             "prev_token_score(a hand-made head)")


@prop("prev_token_score")
def prev_token_score_leaves_patterns_unchanged(f: Callable) -> None:
    """patterns is unchanged."""
    unchanged_for(f, lambda: (_patterns(19, 5, (2, 3)),), "prev_token_score(patterns)")


@prop("induction_score")
def induction_score_reads_the_stripe_of_the_repeated_half(f: Callable) -> None:
    """Shape (...): mean of pattern[i, i - half_len + 1] over i = half_len + 1 .. 2 half_len."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, half, L, H = case
        T = 2 * half + 1
        for lead in ((), (H,), (L, H)):
            P = _patterns(seed, T, lead)
            what = f"induction_score(patterns {P.shape}, {half})"
            got = _score(call(f, P, half, what=what), what, lead)
            rows = np.arange(half + 1, 2 * half + 1)
            near(got, P[..., rows, rows - half + 1].mean(-1), what)
    for_all(sizes(), body, [(0, 1, 1, 2), (1, 5, 2, 2), (2, 7, 1, 1)])
    # T = 257, past CPython's cached small ints (-5..256): `is` is not `==` there
    P = _patterns(21, 257, ())
    what = "induction_score(patterns (257, 257), 128)"
    rows = np.arange(129, 257)
    near(_score(call(f, P, 128, what=what), what, ()), P[rows, rows - 127].mean(-1), what)


@prop("induction_score")
def induction_score_rejects_other_lengths(f: Callable) -> None:
    """T other than 2 half_len + 1 raises ValueError (T = 2 half_len, 2 half_len + 2 ...)."""
    for half, T in ((3, 6), (3, 8), (3, 3), (1, 2), (2, 9)):
        raises_value_error(f, _patterns(20, T, (2,)), half,
                           what=f"induction_score(patterns with T={T}, half_len={half})")


@prop("induction_score")
def induction_score_leaves_patterns_unchanged(f: Callable) -> None:
    """patterns is unchanged."""
    unchanged_for(f, lambda: (_patterns(21, 9, (2, 2)), 4), "induction_score(patterns, 4)")


def _heads(value: object, what: str) -> list[tuple[int, int]]:
    if type(value) is not list or any(
            type(t) is not tuple or len(t) != 2 or any(type(x) is not int for x in t)
            for t in value):
        raise Violation(f"{what} returned {show(value)}, not a list of (int, int) tuples")
    return value


@prop("find_heads")
def find_heads_lists_heads_strictly_above(f: Callable) -> None:
    """Plain (int, int) tuples of every score strictly above threshold, layer by layer."""
    scores = np.array([[0.1, 0.9], [0.95, 0.2]])
    got = _heads(call(f, scores, 0.5, what="find_heads"), "find_heads(scores, 0.5)")
    if got != [(0, 1), (1, 0)]:
        raise Violation(f"find_heads(scores, 0.5) returned {got}, expected [(0, 1), (1, 0)]")

    def body(case: tuple[int, int, int, int]) -> None:
        seed, L, H, _ = case
        scores = gen(seed).integers(0, 5, (L, H)) / 4.0  # ties with the threshold
        for threshold in (-1.0, 0.0, 0.5, 0.75, 1.0):
            what = f"find_heads(scores {scores.shape}, {threshold})"
            got = _heads(call(f, scores, threshold, what=what), what)
            expected = [(int(a), int(b)) for a, b in zip(*np.nonzero(scores > threshold))]
            if got != expected:
                raise Violation(f"{what} returned {got}, expected {expected}")
    for_all(sizes(), body, [(0, 3, 4, 0), (1, 1, 1, 0)])


@prop("find_heads")
def find_heads_leaves_scores_unchanged(f: Callable) -> None:
    """scores is unchanged."""
    unchanged_for(f, lambda: (gen(22).random((3, 4)), 0.5), "find_heads(scores, 0.5)")


@prop("find_heads")
def find_heads_can_find_nothing(f: Callable) -> None:
    """No score above the threshold gives []."""
    got = _heads(call(f, np.zeros((2, 3)), 0.0, what="find_heads"), "find_heads(zeros, 0)")
    if got != []:
        raise Violation(f"find_heads(zeros, 0.0) returned {got}, expected []")


def attention_params(seed: int, L: int = 2, H: int = 3) -> dict:
    rng = gen(seed)
    V, d, n_ctx, dh = 7, 4, 9, 2
    return {"W_E": rng.normal(size=(V, d)), "W_pos": rng.normal(size=(n_ctx, d)),
            "W_Q": rng.normal(size=(L, H, d, dh)), "W_K": rng.normal(size=(L, H, d, dh)),
            "W_V": rng.normal(size=(L, H, d, dh)), "W_O": rng.normal(size=(L, H, dh, d)),
            "W_U": rng.normal(size=(d, V))}


@prop("ablate_head")
def ablate_head_zeroes_exactly_one_head(f: Callable) -> None:
    """A dict equal to params except W_O[layer, head] = 0, for every head (boundaries included)."""
    params = attention_params(23)
    for layer in range(2):
        for head in range(3):
            what = f"ablate_head(params, {layer}, {head})"
            got = call(f, params, layer, head, what=what)
            if not isinstance(got, dict) or set(got) != set(params):
                raise Violation(f"{what} returned {show(got)}, not a params dict with the same "
                                "keys")
            expected = np.array(params["W_O"])
            expected[layer, head] = 0.0
            if not np.array_equal(np.asarray(got["W_O"]), expected):
                raise Violation(f"{what}: W_O is not W_O with block [{layer}, {head}] zeroed")
            for key in params:
                if key != "W_O" and not np.array_equal(np.asarray(got[key]), params[key]):
                    raise Violation(f"{what} changed {key}: only W_O[layer, head] changes")


@prop("ablate_head")
def ablate_head_leaves_params_unchanged(f: Callable) -> None:
    """params (the dict and its arrays) is unchanged; the result is a new dict."""
    params = attention_params(24)
    got = expect_unchanged(f, (params, 1, 2), "ablate_head(params, 1, 2)")
    if got is params:
        raise Violation("ablate_head returns params itself, not a new dict")


@prop("ablate_head")
def ablate_head_rejects_heads_out_of_range(f: Callable) -> None:
    """layer or head below 0 or at/after the count raises ValueError."""
    params = attention_params(25)
    for layer, head in ((-1, 0), (2, 0), (0, -1), (0, 3), (5, 5)):
        raises_value_error(f, params, layer, head, what=f"ablate_head(params, {layer}, {head})")


# ---------------------------------------------------------------- tool 07


@prop("sparse_features")
def sparse_features_shape_range_and_boundaries(f: Callable) -> None:
    """(n, n_features) floats in [0, 1); sparsity 1 -> all 0, sparsity 0 -> none 0 (accepted)."""
    for sparsity in (0.0, 0, 0.3, 1.0, 1):
        what = f"sparse_features(rng, 40, 6, {sparsity!r})"
        X = array_of(accepted(f, gen(26), 40, 6, sparsity, what=what), what, (40, 6))
        if X.min() < 0.0 or X.max() >= 1.0:
            raise Violation(f"{what} has entries outside [0, 1)")
        if sparsity == 1 and X.any():
            raise Violation(f"{what} is not all 0 (every entry is off with probability 1)")
        if sparsity == 0 and not X.all():
            raise Violation(f"{what} has zeros (no entry is off at sparsity 0)")


@prop("sparse_features")
def sparse_features_zeros_follow_sparsity(f: Callable) -> None:
    """Entries are 0 with probability sparsity, independently: binomial and 2x2 tests, p >= 1e-6."""
    for sparsity, seed in ((0.3, 27), (0.9, 28)):
        what = f"sparse_features(rng, 500, 8, {sparsity})"
        X = array_of(call(f, gen(seed), 500, 8, sparsity, what=what), what, (500, 8))
        off = X == 0
        p = binomial_p(int(off.sum()), off.size, sparsity)
        a, b = off[:, :-1].ravel(), off[:, 1:].ravel()
        s = sparsity
        joint = [int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum()), int((~a & ~b).sum())]
        p_joint = pearson(joint, [s * s, s * (1 - s), (1 - s) * s, (1 - s) ** 2])
        if min(p, p_joint) < ALPHA:
            raise Violation(f"{what}: entries are not 0 independently with probability "
                            f"{sparsity} (p = {min(p, p_joint):.1e} < {ALPHA:g})")


@prop("sparse_features")
def sparse_features_entries_are_independent_draws(f: Callable) -> None:
    """Small batches from one generator: the zeros of a (1, 3) batch at 0.5 are binomial
    (400 batches, chi-square p >= 1e-6); two columns' on-values are independent (4 x 4
    quartile table over 2000 rows, p >= 1e-6)."""
    rng = gen(46)
    what = "sparse_features(rng, 1, 3, 0.5), 400 times from one rng"
    off = [int((array_of(call(f, rng, 1, 3, 0.5, what=what), what, (1, 3)) == 0).sum())
           for _ in range(400)]
    p = pearson(np.bincount(off, minlength=4).tolist(), [1 / 8, 3 / 8, 3 / 8, 1 / 8])
    if p < ALPHA:
        raise Violation(f"{what}: the number of zeros in a batch is not binomial (p = "
                        f"{p:.1e} < {ALPHA:g}): entries are not independent")
    X = array_of(call(f, gen(47), 2000, 3, 0.2, what="sparse_features"), "sparse_features",
                 (2000, 3))
    both = (X[:, 0] > 0) & (X[:, 1] > 0)
    quartile = np.minimum((X[both][:, :2] * 4).astype(int), 3)
    table = np.bincount(quartile[:, 0] * 4 + quartile[:, 1], minlength=16)
    p = pearson(table.tolist(), [1 / 16] * 16)
    if p < ALPHA:
        raise Violation(f"sparse_features(rng, 2000, 3, 0.2): the values of two columns "
                        f"depend on each other (p = {p:.1e} < {ALPHA:g})")


@prop("sparse_features")
def sparse_features_on_values_are_uniform(f: Callable) -> None:
    """Non-zero entries are uniform in [0, 1): chi-square over 20 bins of 4000 values, p >= 1e-6."""
    X = array_of(call(f, gen(29), 1000, 8, 0.5, what="sparse_features"), "sparse_features",
                 (1000, 8))
    on = X[X != 0]
    counts = np.histogram(on, bins=20, range=(0.0, 1.0))[0]
    p = pearson(counts.tolist(), [0.05] * 20)
    if p < ALPHA:
        raise Violation(f"sparse_features' non-zero entries are not uniform in [0, 1) "
                        f"(chi-square p = {p:.1e} < {ALPHA:g})")


@prop("sparse_features")
def sparse_features_draws_with_the_rng(f: Callable) -> None:
    """The same seed gives the same batch, other seeds others; rng's state advances."""
    first = call(f, gen(30), 20, 5, 0.5, what="sparse_features")
    again = call(f, gen(30), 20, 5, 0.5, what="sparse_features")
    other = call(f, gen(31), 20, 5, 0.5, what="sparse_features")
    if not same(first, again):
        raise Violation("sparse_features gives another batch from a generator with the same seed: "
                        "draw from rng only")
    if same(first, other):
        raise Violation("sparse_features gives the same batch from different seeds")
    rng = gen(32)
    before = rng.bit_generator.state
    call(f, rng, 20, 5, 0.5, what="sparse_features")
    if rng.bit_generator.state == before:
        raise Violation("sparse_features(rng, ...) left rng's state unchanged")


@prop("sparse_features")
def sparse_features_rejects_sparsity_outside_0_1(f: Callable) -> None:
    """sparsity -0.1, -1e-9, 1 + 1e-9, 1.5, 2 raise ValueError."""
    for sparsity in (-0.1, -1e-9, 1 + 1e-9, 1.5, 2):
        raises_value_error(f, gen(0), 5, 3, sparsity,
                           what=f"sparse_features(rng, 5, 3, {sparsity!r})")


def toy_params(seed: int, m: int, n_feat: int) -> dict:
    rng = gen(seed)
    return {"W": rng.normal(0, 1, (m, n_feat)), "b": rng.normal(-0.3, 0.5, n_feat)}


@prop("toy_forward")
def toy_forward_is_relu_of_x_wt_w_plus_b(f: Callable) -> None:
    """(n, f) relu(X @ W.T @ W + b) (1e-9), m, f, n varied."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, n, n_feat, m = case
        params = toy_params(seed, m, n_feat)
        X = gen(seed + 1).normal(size=(n, n_feat))  # the formula holds for any X
        what = f"toy_forward(W {params['W'].shape}, X {X.shape})"
        got = array_of(call(f, params, X, what=what), what, (n, n_feat))
        near(got, ref().toy_forward(params, X), what, 100.0)
    for_all(sizes(), body, [(0, 4, 5, 2), (1, 1, 1, 1), (2, 3, 2, 5)])


@prop("toy_forward")
def toy_forward_leaves_inputs_unchanged(f: Callable) -> None:
    """params and X are unchanged."""
    unchanged_for(f, lambda: (toy_params(33, 2, 5), gen(34).normal(size=(4, 5))),
                  "toy_forward(params, X)")


@prop("toy_forward")
def toy_forward_is_never_negative(f: Callable) -> None:
    """Every output is >= 0 (the ReLU), even with a negative bias."""
    params = {"W": gen(35).normal(size=(2, 4)), "b": -np.ones(4)}
    got = array_of(call(f, params, gen(36).random((6, 4)), what="toy_forward"), "toy_forward",
                   (6, 4))
    if (got < 0).any():
        raise Violation("toy_forward has negative outputs: it ends in a ReLU")


@prop("importance_loss")
def importance_loss_is_the_weighted_mean_error(f: Callable) -> None:
    """A float: mean over rows of sum_i importance[i] (X - X_hat)[:, i]^2; the doc's 1.5."""
    got = expect_float(call(f, np.ones((2, 2)), np.zeros((2, 2)), np.array([1.0, 0.5]),
                            what="importance_loss"), "importance_loss(ones, zeros, [1, 0.5])")
    near(got, 1.5, "importance_loss(ones (2, 2), zeros, [1, 0.5])")

    def body(case: tuple[int, int, int, int]) -> None:
        seed, n, n_feat, _ = case
        rng = gen(seed)
        X, X_hat, imp = rng.random((n, n_feat)), rng.random((n, n_feat)), rng.random(n_feat)
        what = f"importance_loss(X {X.shape}, X_hat, importance)"
        got = expect_float(call(f, X, X_hat, imp, what=what), what)
        near(got, ref().importance_loss(X, X_hat, imp), what)
    for_all(sizes(), body, [(0, 5, 3, 0), (1, 1, 4, 0)])


@prop("importance_loss")
def importance_loss_leaves_inputs_unchanged(f: Callable) -> None:
    """X, X_hat and importance are unchanged."""
    unchanged_for(f, lambda: (gen(37).random((3, 4)), gen(38).random((3, 4)),
                              gen(39).random(4)), "importance_loss(X, X_hat, importance)")


@prop("importance_loss")
def importance_loss_is_0_for_a_perfect_reconstruction(f: Callable) -> None:
    """X_hat = X gives exactly 0.0."""
    X = gen(40).random((4, 3))
    got = expect_float(call(f, X, X.copy(), np.ones(3), what="importance_loss"),
                       "importance_loss(X, X, ones)")
    if got != 0.0:
        raise Violation(f"importance_loss(X, X, ones) = {got!r}, not 0")


@prop("feature_dimensionality")
def feature_dimensionality_matches_the_formula(f: Callable) -> None:
    """(f,) D_i = |W_i|^2 / sum_j (unit W_i . W_j)^2 over the columns (1e-9), m != f too."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, m, n_feat, _ = case
        W = gen(seed).normal(size=(m, n_feat))
        what = f"feature_dimensionality(W {W.shape})"
        got = array_of(call(f, W, what=what), what, (n_feat,))
        near(got, ref().feature_dimensionality(W), what)
    for_all(sizes(), body, [(0, 2, 5, 0), (1, 5, 2, 0), (2, 1, 1, 0)])


@prop("feature_dimensionality")
def feature_dimensionality_of_known_geometries(f: Callable) -> None:
    """Alone on an axis 1, two sharing one 1/2, a pentagon in 2-d 2/5, a zero column exactly 0."""
    angles = 2 * np.pi * np.arange(5) / 5
    cases = (
        (np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), [1.0, 1.0, 0.0]),
        (np.array([[1.0, -1.0]]), [0.5, 0.5]),
        (np.stack([np.cos(angles), np.sin(angles)]) * 0.7, [0.4] * 5),
        (np.zeros((3, 2)), [0.0, 0.0]),
        (np.array([[1e-8, 0.0], [0.0, 3.0]]), [1.0, 1.0]),  # tiny is not dropped: D scales not
    )
    for W, expected in cases:
        what = f"feature_dimensionality(W {W.shape})"
        got = array_of(call(f, W, what=what), what, (W.shape[1],))
        near(got, expected, what)
        if np.isnan(got).any() or not np.all(got[np.array(expected) == 0] == 0.0):
            raise Violation(f"{what}: a column that is exactly 0 must have D = 0 exactly")


@prop("feature_dimensionality")
def feature_dimensionality_leaves_W_unchanged(f: Callable) -> None:
    """W is unchanged."""
    unchanged_for(f, lambda: (np.array([[1.0, 0.0, 2.0], [0.5, 0.0, -1.0]]),),
                  "feature_dimensionality(W)")


def sae(seed: int, m: int, k: int) -> dict:
    rng = gen(seed)
    return {"W_enc": rng.normal(size=(m, k)), "b_enc": rng.normal(size=k),
            "W_dec": rng.normal(size=(k, m)), "b_dec": rng.normal(size=m)}


def sae_cases() -> st.SearchStrategy[tuple[int, int, int, int]]:
    """(seed, n, m, k)."""
    return st.tuples(seeds(), st.integers(1, 6), st.integers(1, 5), st.integers(1, 8))


@prop("sae_encode")
def sae_encode_is_relu_of_centred_encoding(f: Callable) -> None:
    """(n, k) relu((H - b_dec) @ W_enc + b_enc) (1e-9)."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, n, m, k = case
        s, H = sae(seed, m, k), gen(seed + 1).normal(size=(n, m))
        what = f"sae_encode(sae m={m} k={k}, H {H.shape})"
        near(array_of(call(f, s, H, what=what), what, (n, k)), ref().sae_encode(s, H), what, 10.0)
    for_all(sae_cases(), body, [(0, 5, 3, 8), (1, 1, 1, 1)])


@prop("sae_encode")
def sae_encode_is_never_negative(f: Callable) -> None:
    """Latents are >= 0 (the ReLU)."""
    s, H = sae(41, 3, 6), gen(42).normal(size=(10, 3))
    got = array_of(call(f, s, H, what="sae_encode"), "sae_encode(sae, H)", (10, 6))
    if (got < 0).any():
        raise Violation("sae_encode has negative latents: it ends in a ReLU")


@prop("sae_encode")
def sae_encode_leaves_inputs_unchanged(f: Callable) -> None:
    """sae and H are unchanged."""
    unchanged_for(f, lambda: (sae(43, 3, 4), gen(44).normal(size=(5, 3))), "sae_encode(sae, H)")


@prop("sae_decode")
def sae_decode_is_f_w_dec_plus_b_dec(f: Callable) -> None:
    """(n, m) F @ W_dec + b_dec (1e-9)."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, n, m, k = case
        s, F = sae(seed, m, k), gen(seed + 1).normal(size=(n, k))  # any F, negative too
        what = f"sae_decode(sae m={m} k={k}, F {F.shape})"
        expected = ref().sae_decode(s, F)  # (before the call: it may write into F)
        near(array_of(call(f, s, F.copy(), what=what), what, (n, m)), expected, what, 10.0)
    for_all(sae_cases(), body, [(0, 5, 3, 8), (1, 1, 1, 1)])


@prop("sae_decode")
def sae_decode_of_no_latents_is_b_dec(f: Callable) -> None:
    """F = 0 decodes to b_dec in every row."""
    s = sae(45, 4, 3)
    got = array_of(call(f, s, np.zeros((2, 3)), what="sae_decode"), "sae_decode(sae, 0)", (2, 4))
    near(got, np.tile(s["b_dec"], (2, 1)), "sae_decode(sae, zeros)")


@prop("sae_decode")
def sae_decode_leaves_inputs_unchanged(f: Callable) -> None:
    """sae and F are unchanged."""
    unchanged_for(f, lambda: (sae(46, 3, 4), gen(47).normal(size=(5, 4))), "sae_decode(sae, F)")


@prop("sae_loss")
def sae_loss_is_reconstruction_plus_l1(f: Callable) -> None:
    """A float: mean_n sum_m (H - decode(encode(H)))^2 + l1 mean_n sum_k |F| (1e-9)."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, n, m, k = case
        s, H = sae(seed, m, k), gen(seed + 1).normal(size=(n, m))
        for l1 in (0.0, 0.3, 2.0):
            what = f"sae_loss(sae m={m} k={k}, H {H.shape}, {l1})"
            got = expect_float(call(f, s, H, l1, what=what), what)
            near(got, ref().sae_loss(s, H, l1), what, 100.0)
    for_all(sae_cases(), body, [(0, 5, 3, 8), (1, 1, 1, 1)])


@prop("sae_loss")
def sae_loss_leaves_inputs_unchanged(f: Callable) -> None:
    """sae and H are unchanged."""
    unchanged_for(f, lambda: (sae(48, 3, 4), gen(49).normal(size=(5, 3)), 0.5),
                  "sae_loss(sae, H, 0.5)")


@prop("sae_loss")
def sae_loss_grows_with_l1_by_the_mean_latent_sum(f: Callable) -> None:
    """sae_loss(l1) - sae_loss(0) = l1 * mean_n sum_k F."""
    s, H = sae(50, 3, 5), gen(51).normal(size=(8, 3))
    F = ref().sae_encode(s, H)
    base = expect_float(call(f, s, H, 0.0, what="sae_loss"), "sae_loss(sae, H, 0)")
    got = expect_float(call(f, s, H, 1.5, what="sae_loss"), "sae_loss(sae, H, 1.5)")
    near(got - base, 1.5 * F.sum(axis=1).mean(), "sae_loss(sae, H, 1.5) - sae_loss(sae, H, 0)",
         100.0)


@prop("best_cosines")
def best_cosines_takes_each_true_rows_best_match(f: Callable) -> None:
    """(f,) for each row of true its largest (signed) cosine with a row of learned (1e-9)."""
    def body(case: tuple[int, int, int, int]) -> None:
        seed, k, n_true, m = case
        rng = gen(seed)
        learned, true = rng.normal(size=(k, m)), rng.normal(size=(n_true, m))
        what = f"best_cosines(learned {learned.shape}, true {true.shape})"
        got = array_of(call(f, learned, true, what=what), what, (n_true,))
        near(got, ref().best_cosines(learned, true), what)
    for_all(sizes(), body, [(0, 8, 5, 2), (1, 1, 3, 4), (2, 4, 1, 1)])


@prop("best_cosines")
def best_cosines_opposite_is_not_a_match(f: Callable) -> None:
    """An opposite learned row has cosine -1: the doc's example, and a true row met only by -it."""
    got = array_of(call(f, np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.0, 1.0]]),
                        what="best_cosines"), "best_cosines(doc example)", (1,))
    near(got, [1.0], "best_cosines([[1, 0], [0, 2]], [[0, 1]])")
    learned = np.array([[-1.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    true = np.array([[2.0, 0.0, 0.0]])
    got = array_of(call(f, learned, true, what="best_cosines"), "best_cosines", (1,))
    near(got, [0.0], "best_cosines(learned with -true and an orthogonal row, true)")


@prop("best_cosines")
def best_cosines_rejects_zero_rows(f: Callable) -> None:
    """A zero row in learned or in true raises ValueError."""
    ok = np.array([[1.0, 0.0], [0.0, 1.0]])
    raises_value_error(f, np.array([[1.0, 0.0], [0.0, 0.0]]), ok,
                       what="best_cosines(zero learned row)")
    raises_value_error(f, ok, np.array([[0.0, 0.0]]), what="best_cosines(learned, zero true row)")


@prop("best_cosines")
def best_cosines_leaves_inputs_unchanged(f: Callable) -> None:
    """learned and true are unchanged."""
    unchanged_for(f, lambda: (gen(52).normal(size=(4, 3)), gen(53).normal(size=(2, 3))),
                  "best_cosines(learned, true)")
