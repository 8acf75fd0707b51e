"""TOOL 03 — extract the algorithm: public checks (shipped to learners), 10 points.

The docstrings' own examples, worked out by hand, and the shape of the trained model's
rulebook; the hidden suite grades ties, top=k and huge logits.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.checks import Fail, check, describe, expect_str
from autograder.suites.lab01 import inputs
from autograder.suites.lab01.calls import value

TOOL = "tool03"


def _rules(got: object, what: str) -> list:
    if type(got) is not list or not all(type(r) in (list, tuple) and len(r) == 3 for r in got):
        raise Fail(f"{what} returned {describe(got)}; expected a list of "
                   "(after, next, probability) tuples.")
    return got


@check(points=3, function="rank_rules")
def test_rank_rules_finds_q_then_u(learner):
    """rank_rules(W, top=1) finds the rule q -> u when only that logit stands out"""
    W = np.zeros((27, 27))
    W[17, 21] = 10.0  # 'q' -> 'u'
    got = _rules(value(learner, "rank_rules", W, top=1), "rank_rules(W, top=1)")
    p = math.exp(10) / (math.exp(10) + 26)  # softmax of the 'q' row at 'u'
    if len(got) != 1:
        raise Fail(f"rank_rules(W, top=1) gave {len(got)} rules; top=1 keeps only the first.")
    after, nxt, prob = got[0]
    if (after, nxt) != ("q", "u") or not np.isclose(float(prob), p):
        raise Fail("rank_rules(W, top=1) should be [('q', 'u', p)] with p = e^10 / (e^10 + "
                   "26): the most confident row first, with its probability from softmax.")


@check(points=3, function="rank_rules")
def test_rank_rules_lists_27_rules_highest_first(learner):
    """rank_rules gives 27 rules, one per row, highest probability first"""
    got = _rules(value(learner, "rank_rules", inputs.trained_W()), "rank_rules(W)")
    if sorted(r[0] for r in got) != sorted(".abcdefghijklmnopqrstuvwxyz"):
        raise Fail(f"rank_rules(W) gave {len(got)} rules; there should be one for each of the "
                   "27 rows, '.' included.")
    probs = [float(r[2]) for r in got]
    if not all(0.0 <= p <= 1.0 for p in probs):
        raise Fail("rank_rules gave probabilities outside 0..1: use softmax of each row.")
    if any(a < b for a, b in zip(probs, probs[1:])):
        raise Fail("rank_rules should list the highest probability first.")


@check(points=2, function="greedy_decode")
def test_greedy_decode_of_a_small_example(learner):
    """greedy_decode writes 'ab' when the favourites are . -> a -> b -> ."""
    W = np.zeros((27, 27))
    W[0, 1] = W[1, 2] = W[2, 0] = 1.0
    got = expect_str(value(learner, "greedy_decode", W), "greedy_decode(W)")
    if got != "ab":
        hint = " (the final '.' is not part of the word)" if got == "ab." else ""
        raise Fail(f"greedy_decode gave {got[:20]!r}, expected 'ab'{hint}.")


@check(points=2, function="greedy_decode")
def test_greedy_decode_stops_at_max_len(learner):
    """greedy_decode stops at max_len letters on a model that cycles a -> b -> a ..."""
    got = expect_str(value(learner, "greedy_decode", inputs.cycle_W("ab"), max_len=5),
                     "greedy_decode(W, max_len=5)")
    if got != "ababa":
        raise Fail(f"greedy_decode gave a {len(got)}-letter word with max_len=5 on a model "
                   "that cycles a -> b -> a forever; expected 'ababa'.")
