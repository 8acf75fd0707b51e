"""TOOL 05 — the residual stream and the logit lens: public checks, 10 points.

Hand-computed examples on a tiny model whose numbers can be followed on paper.
"""

from __future__ import annotations

import numpy as np

from mindlab_grader.checks import Fail, check, describe, expect_array, expect_float
from mindlab_grader.suites.common.calls import expect_value_errors
from mindlab_grader.suites.lab02.calls import value, values


def tiny_model() -> dict:
    """k=1, d=2, h=1, L=1: E[0][t] = [t, 0]; the block adds relu(x0) to x1; U copies x0."""
    E = np.zeros((1, 27, 2))
    E[0, :, 0] = np.arange(27)
    U = np.zeros((2, 27))
    U[0, 1] = 1.0
    return {"E": E, "W1": np.array([[[1.0], [0.0]]]), "b1": np.zeros((1, 1)),
            "W2": np.array([[[0.0, 1.0]]]), "b2": np.zeros((1, 2)), "U": U,
            "bU": np.full(27, 0.5)}


@check(points=2.5, function="make_contexts")
def test_make_contexts_of_ab(learner):
    """make_contexts(["ab"], 3) gives int64 X [[0,0,0],[0,0,1],[0,1,2]] and Y [1,2,0]"""
    got = value(learner, "make_contexts", ["ab"], 3)
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise Fail("make_contexts should return a pair (X, Y).")
    X = expect_array(got[0], "make_contexts(['ab'], 3)[0]", shape=(3, 3))
    Y = expect_array(got[1], "make_contexts(['ab'], 3)[1]", shape=(3,))
    if X.tolist() != [[0, 0, 0], [0, 0, 1], [0, 1, 2]] or Y.tolist() != [1, 2, 0]:
        raise Fail("make_contexts(['ab'], 3) should read '...ab.': contexts ..., ..a, .ab "
                   "and targets a, b, '.'.")
    if got[0].dtype != np.int64 or got[1].dtype != np.int64:
        raise Fail(f"make_contexts returned arrays of dtype {got[0].dtype} and {got[1].dtype}: "
                   "both must be int64 token indices (dtype=np.int64).")


@check(points=0.5, function="make_contexts")
def test_make_contexts_rejects_bad_input(learner):
    """make_contexts raises ValueError for k=0 and for words holding 'A' or '.'"""
    expect_value_errors(learner, "make_contexts", [
        ((["ab"], 0), "k=0 (a context holds at least one token)", "Test k < 1."),
        (([""], 0), "k=0 with the empty word", "Test k < 1 before reading any word."),
        ((["Ab"], 2), "the word 'Ab' (words are letters a..z)", "Do not lower the word."),
        ((["a.b"], 2), "the word 'a.b' ('.' is the boundary, never a letter of a word)", "")])


@check(points=2, function="run_with_cache")
def test_run_with_cache_of_a_tiny_model(learner):
    """run_with_cache on a tiny model gives the embedding [3, 0], then [3, 3]"""
    got = value(learner, "run_with_cache", tiny_model(), np.array([[3]]))
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        raise Fail("run_with_cache should return a list of 2 streams for a 1-block model: "
                   "the embedding, then the stream after the block.")
    first = expect_array(got[0], "run_with_cache(...)[0]", shape=(1, 2))
    second = expect_array(got[1], "run_with_cache(...)[1]", shape=(1, 2))
    if not (np.allclose(first, [[3, 0]]) and np.allclose(second, [[3, 3]])):
        raise Fail("for token 3 the embedding is E[0][3] = [3, 0]; the block adds "
                   "relu([3, 0] @ W1) @ W2 = [0, 3], giving [3, 3].")
    if type(got) is not list:
        raise Fail(f"run_with_cache returned its 2 streams (right ones) as {describe(got)}: "
                   "return a list, as the contract says (streams = [x], then "
                   "streams.append(...), or list(...)).")


@check(points=1, function="run_with_cache")
def test_run_with_cache_applies_the_relu(learner):
    """run_with_cache applies the ReLU: a block whose hidden unit is negative adds nothing"""
    model = tiny_model()
    model["W1"] = -model["W1"]  # the hidden unit of token 3 is now -3
    streams = value(learner, "run_with_cache", model, np.array([[3]]))
    last = expect_array(streams[-1] if isinstance(streams, (list, tuple)) and streams else streams,
                        "run_with_cache(...)[-1]", shape=(1, 2))
    if not np.allclose(last, [[3, 0]]):
        raise Fail("with W1 = [[-1], [0]] the hidden unit is relu([3, 0] @ W1) = relu(-3) = 0, "
                   "so the block adds nothing and the last stream stays [3, 0].")


THIRDS = tiny_model()
THIRDS["U"][:, 2] = [1 / 3, 0.1]  # not exact in float32: a float32 lens shows
THIRD_STREAMS = [np.array([[0.7, 0.3]]), np.array([[1.1, 2.9]])]


def _lens_outcomes(learner):
    return learner.shared("public logit_lens", lambda: list(values(
        learner, "logit_lens", [(tiny_model(), [np.array([[3.0, 0.0]]), np.array([[3.0, 3.0]])]),
                                (THIRDS, THIRD_STREAMS)])))


@check(points=1.5, function="logit_lens")
def test_logit_lens_of_a_tiny_model(learner):
    """logit_lens reads each stream as s @ U + bU"""
    got = expect_array(_lens_outcomes(learner)[0], "logit_lens(model, streams)",
                       shape=(2, 1, 27))
    if not (np.allclose(got[:, 0, 1], 3.5) and np.allclose(got[:, 0, 0], 0.5)):
        raise Fail("logit_lens should give s @ U + bU for each stream: here 3 + 0.5 for "
                   "token 'a' and 0.5 for the others.")


@check(points=0.5, function="logit_lens")
def test_logit_lens_is_exact(learner):
    """logit_lens computes s @ U + bU in float64, to the last digits"""
    got = expect_array(_lens_outcomes(learner)[1], "logit_lens(model, streams)",
                       shape=(2, 1, 27))
    want = np.stack([s @ THIRDS["U"] + THIRDS["bU"] for s in THIRD_STREAMS])
    if np.allclose(got, want, rtol=1e-12, atol=1e-12):
        return
    if np.allclose(got, want, rtol=1e-6):
        raise Fail("logit_lens is close to s @ U + bU but not equal to it in float64 (about "
                   "7 digits agree, as in float32): keep the arrays float64 throughout.")
    raise Fail("logit_lens of the streams [[0.7, 0.3]] and [[1.1, 2.9]] is not s @ U + bU "
               "for each stream.")


@check(points=1.5, function="cross_entropy")
def test_cross_entropy_of_uniform_logits(learner):
    """cross_entropy of all-zero logits over 27 tokens is log(27)"""
    got = expect_float(value(learner, "cross_entropy", np.zeros((4, 27)), np.array([0, 1, 2, 3])),
                       "cross_entropy(zeros, targets)")
    if not np.isclose(got, np.log(27)):
        raise Fail(f"cross_entropy of uniform logits gave {got:.4g}, expected log 27 = 3.296.")


@check(points=0.5, function="cross_entropy")
def test_cross_entropy_is_stable_for_huge_logits(learner):
    """cross_entropy of logits [[1e4, 0], [0, 1e4]] with targets [0, 0] is 5000"""
    got = expect_float(value(learner, "cross_entropy", np.array([[1e4, 0.0], [0.0, 1e4]]),
                             np.array([0, 0])), "cross_entropy(logits, targets)")
    if not np.isclose(got, 5000.0):
        raise Fail(f"cross_entropy gave {got:.4g}, expected (0 + 1e4) / 2 = 5000: the first "
                   "target is certain, the second costs 1e4 nats. exp(1e4) overflows: "
                   "subtract each row's maximum before exp (log-sum-exp).")
