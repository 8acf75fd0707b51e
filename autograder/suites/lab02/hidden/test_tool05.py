"""TOOL 05 — the residual stream and the logit lens: hidden checks (the grade), 10 points.

Compared with the reference on the shipped name model and on a small random model of
other sizes (so nothing may be hard-coded); typical mistakes are named by their output.
"""

from __future__ import annotations

import numpy as np

from mindlab_core.lab02 import reference as ref
from mindlab_grader.checks import Fail, check, expect_array, expect_float
from mindlab_grader.checks import describe as describe_value
from mindlab_grader.suites.common.calls import expect_value_errors
from mindlab_grader.suites.common.hints import mistake, near_miss, quietly, same
from mindlab_grader.suites.lab02 import inputs
from mindlab_grader.suites.lab02.calls import value, values

WORDS = ["emma", "jo", "x", "annabelle"]
MODEL = inputs.trained_residual()
SMALL = inputs.random_residual(505)  # k=2, d=5, h=7, L=2
CTX = inputs.contexts(501, 40, 3)
SMALL_CTX = inputs.contexts(502, 12, 2)

# ---------------------------------------------------------------- make_contexts


def _pairs(got, what: str) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise Fail(f"{what} returned {describe_value(got)}: return a pair (X, Y) of arrays.")
    X = expect_array(got[0], f"{what}[0] (X)")
    Y = expect_array(got[1], f"{what}[1] (Y)")
    if got[0].dtype != np.int64 or got[1].dtype != np.int64:
        raise Fail(f"{what} returned arrays of dtype {got[0].dtype} and {got[1].dtype}: "
                   "token indices are int64 (np.array(..., dtype=np.int64)).")
    return X, Y


def _raised_on_no_words(out) -> str | None:
    """The hint for a make_contexts that raised: the last cases have no words at all."""
    return ("make_contexts raised on a list of words: if it was the empty list, it gives no "
            "pairs, X of shape (0, k) and Y of shape (0,) (np.concatenate needs at least one "
            "array: build the empty arrays yourself).")


@check(points=2, function="make_contexts")
def test_make_contexts_reads_every_pair(learner):
    """make_contexts gives every (context, next token) pair, padded with k '.' tokens"""
    # k = 2 pads with one '.' (k - 1), where k ^ 1 pads with three; no words: no pairs
    cases = [(WORDS, 3), (WORDS, 1), (WORDS, 5), (WORDS, 2), ([], 1), ([], 2)]
    for (words, k), got in zip(cases, values(learner, "make_contexts", cases,
                                             on_raise=_raised_on_no_words)):
        what = f"make_contexts({words}, {k})"
        X, Y = _pairs(got, what)
        eX, eY = ref.make_contexts(words, k)
        if X.shape == eX.shape and same(X, eX) and same(Y, eY):
            continue
        if not words:
            raise Fail(f"{what} gave X of shape {X.shape} and Y of shape {Y.shape}: no words "
                       f"give no pairs, X of shape (0, {k}) and Y of shape (0,).")
        n_short = sum(len(w) for w in words)
        if X.shape[0] == n_short:
            ends = np.cumsum([len(w) + 1 for w in words]) - 1  # each word's '.' target
            starts = np.concatenate([[0], ends[:-1] + 1])  # each word's first letter
            if same(Y, np.delete(eY, ends)):
                missing = "the end of each word is a target too (predict '.' after the last letter)"
            elif same(Y, np.delete(eY, starts)):
                missing = ("the first letter of each word is a target too (predict it from "
                           f"the {k} '.' tokens of padding)")
            else:
                missing = "a word of n letters gives n + 1 pairs: each letter, then '.'"
            raise Fail(f"{what} gave {n_short} pairs, one per letter: {missing}.")
        if X.shape[1:] != (k,):
            raise Fail(f"{what} gave contexts of shape {X.shape[1:]}, expected ({k},): each "
                       f"context holds the {k} tokens before the target.")
        if X.shape == eX.shape and same(Y, eY):
            raise Fail(f"{what} has the right targets but wrong contexts: a word is read as "
                       f"{k} '.' tokens, then its letters, then '.'; the context of each "
                       "target is the k tokens just before it.")
        raise Fail(f"{what} is not right: for 'ab' with k=3 the pairs are ... -> a, ..a -> b, "
                   ".ab -> '.' (X [[0,0,0],[0,0,1],[0,1,2]], Y [1,2,0]), words in order.")


@check(points=0.5, function="make_contexts")
def test_make_contexts_rejects_bad_input(learner):
    """make_contexts raises ValueError for k < 1 and for characters outside a..z"""
    expect_value_errors(learner, "make_contexts", [
        ((["ab"], 0), "k = 0", ""),
        (([], 0), "k = 0 and no words", "Check k itself, before reading any word."),
        ((["ab"], -1), "k = -1", ""),
        ((["aB"], 2), "the word 'aB'",
         "mindlab_core.tokens.encode raises it for 'B' for you (but lets '.' through: "
         "check for that one yourself)."),
        ((["a.b"], 2), "the word 'a.b'",
         "'.' marks where a word starts and ends, so it is never inside one, and "
         "encode lets it through: check that every character is a..z.")])


# ---------------------------------------------------------------- run_with_cache


def _stream_mistakes(params: dict, contexts: np.ndarray) -> dict[str, list]:
    E = params["E"]
    x0 = sum(E[p][contexts[:, p]] for p in range(E.shape[0]))

    def run(block, with_embedding=True):
        x, out = x0, [x0] if with_embedding else []
        for layer in range(params["W1"].shape[0]):
            x = block(x, layer)
            out.append(x)
        return out

    def mlp(x, layer, relu=True, b2=True):
        h = x @ params["W1"][layer] + params["b1"][layer]
        h = np.maximum(0, h) if relu else h
        return h @ params["W2"][layer] + (params["b2"][layer] if b2 else 0)

    return {
        "a block replaces the stream instead of adding to it: x = x + mlp(x)":
            run(lambda x, i: mlp(x, i)),
        "the ReLU between W1 and W2 is missing": run(lambda x, i: x + mlp(x, i, relu=False)),
        "b2 is missing from the block's output": run(lambda x, i: x + mlp(x, i, b2=False)),
    }


def _expect_streams(got, what: str, count: int, shape: tuple[int, int]) -> list[np.ndarray]:
    if not isinstance(got, (list, tuple)):
        raise Fail(f"{what} returned {describe_value(got)}: return a list of the streams, "
                   "one (n, d) array per point (the embedding, then after each block).")
    if len(got) == count - 1:
        raise Fail(f"{what} returned {len(got)} streams for a model of {count - 1} blocks: "
                   "the first one is the embedding itself, before any block (L + 1 in all).")
    if len(got) != count:
        raise Fail(f"{what} returned {len(got)} streams, expected {count}: the embedding, "
                   "then the stream after each block.")
    return [expect_array(s, f"{what}[{i}]", shape=shape) for i, s in enumerate(got)]


@check(points=2.5, function="run_with_cache")
def test_run_with_cache_keeps_every_stream(learner):
    """run_with_cache returns the embedding and the stream after every block"""
    cases = ((MODEL, CTX, "the name model"),
             (SMALL, SMALL_CTX, "a random model with k=2, d=5, L=2"))
    got_all = list(values(learner, "run_with_cache",
                          [(params, ctx) for params, ctx, _ in cases]))
    for (params, ctx, what), raw in zip(cases, got_all):
        L, d = params["W1"].shape[0], params["W1"].shape[1]
        name = f"run_with_cache({what}, contexts)"
        got = _expect_streams(raw, name, L + 1, (len(ctx), d))
        expected = ref.run_with_cache(params, ctx)
        for i, (g, e) in enumerate(zip(got, expected)):
            if same(g, e):
                continue
            if i == 0 and all(same(g, expected[-1]) for g in got):
                raise Fail(f"{name} gave the final stream at every point, the embedding "
                           "included: each stream is the same array, updated in place (x += "
                           "...). Append a copy, or make a new array: x = x + ...")
            close = near_miss(raw[i], e)
            if close:
                raise Fail(f"{name}[{i}] is not exact: {close}.")
            if i == 0:
                raise Fail(f"{name}[0], the embedding, is wrong: it is the sum over context "
                           "slots p of E[p][contexts[:, p]] (one table per slot).")
            hint = mistake(got, _stream_mistakes(params, ctx))
            raise Fail(f"{name}[{i}], the stream after block {i}, is wrong" + (
                f": {hint}." if hint else ": x_next = x + relu(x @ W1[l] + b1[l]) @ W2[l] "
                "+ b2[l]."))
    for (_, _, what), got in zip(cases, got_all):
        if type(got) is not list:
            raise Fail(f"run_with_cache({what}, contexts) returned its streams (right ones) "
                       f"as {describe_value(got)}: return a list, as the contract says "
                       "(list(...)).")


# ---------------------------------------------------------------- logit_lens


@check(points=2, function="logit_lens")
def test_logit_lens_reads_every_stream(learner):
    """logit_lens reads each stream through the unembedding: s @ U + bU"""
    cases = [(params, ctx, ref.run_with_cache(params, ctx), what)
             for params, ctx, what in ((MODEL, CTX, "the name model"),
                                       (SMALL, SMALL_CTX, "a random model"))]
    got_all = values(learner, "logit_lens", [(params, streams)
                                             for params, _, streams, _ in cases])
    for (params, ctx, streams, what), raw in zip(cases, got_all):
        name = f"logit_lens({what}, streams)"
        got = expect_array(raw, name, shape=(len(streams), len(ctx), 27))
        expected = ref.logit_lens(params, streams)
        if same(got, expected):
            continue
        close = near_miss(raw, expected)
        if close:
            raise Fail(f"{name} is not exact: {close}.")
        shifted = expected - expected.max(axis=-1, keepdims=True)
        probs = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
        hint = mistake(got, {
            "bU is missing": np.stack([s @ params["U"] for s in streams]),
            "it returns probabilities: the lens gives logits (no softmax)": probs})
        raise Fail(f"{name} is wrong" + (f": {hint}." if hint else
                   ": each entry is that stream @ U + bU, stacked into (L + 1, n, 27)."))


@check(points=1, function="logit_lens")
def test_logit_lens_at_the_last_layer_is_the_output(learner):
    """the lens on the last stream equals the model's own logits exactly"""
    streams = ref.run_with_cache(MODEL, CTX)
    got = expect_array(value(learner, "logit_lens", MODEL, streams[-1:]),
                       "logit_lens(model, [last stream])", shape=(1, len(CTX), 27))
    output = streams[-1] @ MODEL["U"] + MODEL["bU"]
    if not same(got[0], output, rtol=0, atol=1e-12):
        raise Fail("logit_lens on the last stream differs from the model's output "
                   "(last stream @ U + bU): the lens must add nothing at the end.")


# ---------------------------------------------------------------- cross_entropy


@check(points=2, function="cross_entropy")
def test_cross_entropy_is_the_mean_nll(learner):
    """cross_entropy gives the mean negative log-likelihood of the targets, stably"""
    rng = np.random.default_rng(503)
    logits = rng.normal(0, 3, (30, 27))
    targets = rng.integers(0, 27, 30)
    huge = rng.uniform(-1e4, 1e4, (8, 27))
    huge_targets = huge.argmax(axis=1)
    huge_targets[:3] = 5
    cases = ((logits, targets, "random logits"), (huge, huge_targets, "logits of size 1e4"))
    got_all = values(learner, "cross_entropy", [(lg, tg) for lg, tg, _ in cases])
    for (lg, tg, what), got in zip(cases, got_all):
        name = f"cross_entropy({what}, targets)"
        got = expect_float(got, name)
        expected = ref.cross_entropy(lg, tg)
        if np.isclose(got, expected, rtol=1e-9, atol=1e-12):
            continue
        if not np.isfinite(got):
            shifted = lg - lg.max(axis=1, keepdims=True)
            probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
            log_of_probs = quietly(lambda p, t: -np.log(p[np.arange(len(t)), t]).mean(),
                                   probs, tg)
            unshifted = quietly(lambda x, t: (np.log(np.exp(x).sum(axis=1))
                                              - x[np.arange(len(t)), t]).mean(), lg, tg)
            overflow, underflow = got == unshifted, got == log_of_probs
            if underflow and not overflow:
                raise Fail(f"{name} gave {got}: it takes the log of softmax probabilities, and "
                           "a probability that underflows to 0 has log -inf. Work in log space: "
                           "log p = (logits - max) - log(sum(exp(logits - max))).")
            if overflow and not underflow:
                raise Fail(f"{name} gave {got}: exp overflows for large logits; subtract each "
                           "row's largest logit first (log-softmax), as in lab 01's softmax.")
            raise Fail(f"{name} gave {got}: exp(1e4) overflows, and a "
                       "probability that underflows to 0 has log -inf. Work in log space: "
                       "log p = (logits - max) - log(sum(exp(logits - max))).")
        logp = lg - lg.max(axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        picked = logp[np.arange(len(tg)), tg]
        hint = mistake(got, {
            "it sums over the examples: take the mean": -picked.sum(),
            "it is missing the minus sign: a loss is -log p": picked.mean(),
            "it uses log base 2: use the natural log (nats)": -picked.mean() / np.log(2),
            "it averages over every entry of the log-softmax, not just the targets'":
                -logp.mean(),
            "it indexes logits[targets] (whole rows) instead of one entry per row: use "
            "log_probs[np.arange(n), targets]": -logp[tg].mean(),
        })
        raise Fail(f"{name} gave {got:.6g}, not the mean of -log p(target) over the rows"
                   + (f": {hint}." if hint else "."))
