"""TOOL 03 — extract the algorithm: public checks (shipped to learners), 10 points.

The docstrings' own examples, worked out by hand, the shape of the trained model's
rulebook, and small models of their own for ties, top=k, huge logits and max_len; the
hidden suite grades on other matrices. Each function's calls go in one round trip.
"""

from __future__ import annotations

import math

import numpy as np

from mindlab_grader.checks import Fail, check, describe, expect_str
from mindlab_grader.suites.common.calls import Args, judged, outcomes
from mindlab_grader.suites.lab01 import inputs
from mindlab_grader.suites.lab01.calls import changed

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _rules(got: object, what: str) -> list:
    if type(got) not in (list, tuple) or not all(type(r) in (list, tuple) and len(r) == 3
                                                 for r in got):
        raise Fail(f"{what} returned {describe(got)}; expected a list of "
                   "(after, next, probability) tuples.")
    return list(got)


# ---------------------------------------------------------------- rank_rules

Q_TO_U = np.zeros((27, 27))
Q_TO_U[17, 21] = 10.0  # 'q' -> 'u'
# ties worked out on paper: rows a, d, g, ..., y split evenly between two tokens (exactly
# 0.5, the lower index wins), row z a hair more certain (0.5 + 2.5e-7, so first of all),
# every other row all zeros (exactly 1/27 each, '.' wins)
TIES = np.zeros((27, 27))
SPLIT = "adgjmpsvy"
for _row in SPLIT:
    _i = TOKENS.index(_row)
    TIES[_i] = -np.inf
    TIES[_i, [(_i + 3) % 27, (_i + 11) % 27]] = 0.0
TIES[26] = -np.inf
TIES[26, [4, 9]] = [1e-6, 0.0]  # p('d' after 'z') = 1 / (1 + e^-1e-6), about 0.50000025
TIE_RULES = ([("z", "d", 1 / (1 + math.exp(-1e-6)))]
             + [(r, TOKENS[min((TOKENS.index(r) + 3) % 27, (TOKENS.index(r) + 11) % 27)], 0.5)
                for r in SPLIT]
             + [(r, ".", 1 / 27) for r in TOKENS if r not in SPLIT + "z"])
HUGE = np.zeros((27, 27))
HUGE[17] = -1e4
HUGE[17, 21] = 1e4  # 'q' -> 'u' for sure: exp(1e4) overflows without a shift
RULE_CASES = (Args(Q_TO_U, top=1), (inputs.trained_W(),), (TIES,), (HUGE,),
              Args(TIES, top=0), (TIES, 2), Args(TIES, top=30))


def _rank_outcomes(learner):
    """Every rank_rules call of the public checks, once per learner (one round trip)."""
    return learner.shared("public rank_rules", lambda: outcomes(
        learner, "rank_rules", RULE_CASES))


def _rank(learner, case: int, what: str = "rank_rules(W)") -> list:
    return _rules(judged("rank_rules", _rank_outcomes(learner)[case]), what)


def _same(got: list, want: list) -> bool:
    return len(got) == len(want) and all(
        (g[0], g[1]) == (w[0], w[1]) and math.isclose(float(g[2]), w[2], rel_tol=1e-9)
        for g, w in zip(got, want))


@check(points=1.5, function="rank_rules", needs="softmax")
def test_rank_rules_finds_q_then_u(learner):
    """rank_rules(W, top=1) finds the rule q -> u when only that logit stands out"""
    got = _rank(learner, 0, "rank_rules(W, top=1)")
    p = math.exp(10) / (math.exp(10) + 26)  # softmax of the 'q' row at 'u'
    if len(got) != 1:
        raise Fail(f"rank_rules(W, top=1) gave {len(got)} rules; top=1 keeps only the first.")
    after, nxt, prob = got[0]
    if (after, nxt) != ("q", "u") or not np.isclose(float(prob), p):
        raise Fail("rank_rules(W, top=1) should be [('q', 'u', p)] with p = e^10 / (e^10 + "
                   "26): the most confident row first, with its probability from softmax.")


@check(points=1, function="rank_rules", needs="softmax")
def test_rank_rules_lists_27_rules_highest_first(learner):
    """rank_rules gives 27 rules, one per row, highest probability first"""
    got = _rank(learner, 1)
    if sorted(r[0] for r in got) != sorted(TOKENS):
        raise Fail(f"rank_rules(W) gave {len(got)} rules; there should be one for each of the "
                   "27 rows, '.' included.")
    probs = [float(r[2]) for r in got]
    if not all(0.0 <= p <= 1.0 for p in probs):
        raise Fail("rank_rules gave probabilities outside 0..1: use softmax of each row.")
    if any(a < b for a, b in zip(probs, probs[1:])):
        raise Fail("rank_rules should list the highest probability first.")


@check(points=0.5, function="rank_rules", after="rank_rules_lists_27_rules_highest_first",
       needs="softmax")
def test_rank_rules_gives_plain_python_values(learner):
    """rank_rules gives a list of plain (str, str, float) tuples"""
    got = judged("rank_rules", _rank_outcomes(learner)[1])
    if type(got) is not list or any(type(rule) is not tuple for rule in got):
        raise Fail(f"rank_rules returned {describe(got)} of {describe(got[0])}s: return a "
                   "list of tuples.")
    for rule in got:
        for item, kind in zip(rule, (str, str, float)):
            if type(item) is not kind:
                raise Fail(f"rank_rules gave a rule holding {describe(item)} where a plain "
                           f"{kind.__name__} belongs: convert with {kind.__name__}(...) "
                           "(numpy values such as numpy.str_ print and compare differently).")


@check(points=1, function="rank_rules", needs="softmax")
def test_rank_rules_breaks_ties_by_row_order_and_lowest_index(learner):
    """rank_rules keeps row order for equal probabilities and picks the lowest index in a row"""
    got = _rank(learner, 2)
    if _same(got, TIE_RULES):
        return
    if len(got) == 27 and all(r[1] == w[1] for r, w in
                              zip(sorted(got, key=lambda r: r[0]), sorted(TIE_RULES))):
        afters = "".join(r[0] for r in got)
        if afters[1:10] == SPLIT[::-1]:
            raise Fail("rank_rules puts rules with equal probabilities in reverse row order: "
                       "sorted(..., reverse=True) keeps ties in row order; sorting lowest "
                       "first and then reversing the list flips them.")
        if afters[:10] == SPLIT + "z":
            raise Fail("rank_rules puts a rule of probability 0.50000025 after rules of 0.5, "
                       "in row order: sort by the probability itself, not a rounded one.")
        raise Fail("rank_rules puts rules with equal probabilities out of row order: ties "
                   "keep row order ('.' then 'a' to 'z'); use a stable sort (Python's "
                   "sorted, or np.argsort(..., kind='stable')).")
    raise Fail("rank_rules picks the wrong next token in rows with two equally likely "
               "favourites, or gives wrong probabilities: on a tie inside a row the lowest "
               "index wins (np.argmax returns the first of equal maxima).")


@check(points=1, function="rank_rules", needs="softmax")
def test_rank_rules_top_keeps_the_first_k(learner):
    """rank_rules(W, top=0) is [], rank_rules(W, 2) the first 2, top=30 all 27"""
    outs = _rank_outcomes(learner)
    full = _rank(learner, 2)
    none = _rank(learner, 4, "rank_rules(W, top=0)")
    if none:
        raise Fail(f"rank_rules(W, top=0) gave {len(none)} rules instead of none: 0 is a "
                   "number like any other (test `top is None`, not `if top:`).")
    if outs[5].raised is not None and outs[5].raised.is_a(TypeError):
        raise Fail("rank_rules could not be called as rank_rules(W, 2): top must be an "
                   "ordinary parameter after W, rank_rules(W, top=None).")
    if _rank(learner, 5, "rank_rules(W, 2)") != full[:2]:
        raise Fail("rank_rules(W, 2) is not the first 2 of its rules: top=k returns exactly "
                   "the first k (the slice rules[:k]).")
    if _rank(learner, 6, "rank_rules(W, top=30)") != full:
        raise Fail("rank_rules(W, top=30) should give all 27 rules (top of 27 or more).")


@check(points=0.5, function="rank_rules", needs="softmax")
def test_rank_rules_handles_huge_logits(learner):
    """rank_rules gives q -> u with probability 1 when that logit is 1e4 and the others -1e4"""
    got = _rank(learner, 3)
    if any(float(p) != float(p) for _, _, p in got):
        raise Fail("rank_rules gave nan probabilities for logits of size 1e4: exp overflows; "
                   "use a stable softmax (subtract each row's maximum first).")
    if not got or (got[0][0], got[0][1]) != ("q", "u") or not np.isclose(float(got[0][2]), 1):
        raise Fail("rank_rules(W) should start with ('q', 'u', 1.0) when W[q, u] = 1e4 and "
                   "the rest of row q is -1e4.")


@check(points=0.5, function="rank_rules", after="rank_rules_lists_27_rules_highest_first",
       needs="softmax")
def test_rank_rules_leaves_W_unchanged(learner):
    """rank_rules leaves W unchanged"""
    for out in _rank_outcomes(learner):
        judged("rank_rules", out, changed=changed)


# ---------------------------------------------------------------- greedy_decode

AB = np.zeros((27, 27))
AB[0, 1] = AB[1, 2] = AB[2, 0] = 1.0  # favourites . -> a -> b -> .
TIED = np.zeros((27, 27))
TIED[0, [2, 4]] = 1.0  # '.' -> 'b' or 'd', tied: 'b' wins
TIED[[2, 4], 0] = 1.0  # both end the word
DOT_FIRST = np.zeros((27, 27))
DOT_FIRST[0, 0] = 1.0  # '.' is the most likely first token: the greedy word is ''
CYCLE = inputs.cycle_W("ab")
HUGE_AB = np.zeros((27, 27))
HUGE_AB[0, [3, 4]] = [1e4 - 1, 1e4]  # '.' -> 'd' (not 'c'): exp overflows without a shift
HUGE_AB[4, 0] = 1e4  # 'd' -> '.'
GREEDY_CASES = ((AB,), Args(CYCLE, max_len=5), Args(CYCLE, max_len=0), (CYCLE, 3), (TIED,),
                (DOT_FIRST,), (HUGE_AB,))


def _greedy_outcomes(learner):
    """Every greedy_decode call of the public checks, once per learner (one round trip)."""
    return learner.shared("public greedy_decode", lambda: outcomes(
        learner, "greedy_decode", GREEDY_CASES))


def _word(learner, case: int, what: str = "greedy_decode(W)") -> str:
    return expect_str(judged("greedy_decode", _greedy_outcomes(learner)[case]), what)


@check(points=1, function="greedy_decode", needs="softmax")
def test_greedy_decode_of_a_small_example(learner):
    """greedy_decode writes 'ab' for favourites . -> a -> b -> ., and 'd' with 1e4 logits"""
    got = _word(learner, 0)
    if got != "ab":
        hint = " (the final '.' is not part of the word)" if got == "ab." else ""
        raise Fail(f"greedy_decode gave {got[:20]!r}, expected 'ab'{hint}.")
    got = _word(learner, 6)
    if got != "d":
        raise Fail(f"greedy_decode gave {got[:20]!r}, expected 'd', when W['.'] has 1e4 - 1 "
                   "for 'c' and 1e4 for 'd': exp(1e4) overflows to inf and inf / inf is nan. "
                   "Take the argmax of the row itself (exp keeps the order) or of a stable "
                   "softmax.")


@check(points=1, function="greedy_decode", needs="softmax")
def test_greedy_decode_stops_at_max_len(learner):
    """greedy_decode stops at max_len letters on a model that cycles a -> b -> a ..."""
    got = _word(learner, 1, "greedy_decode(W, max_len=5)")
    if got != "ababa":
        raise Fail(f"greedy_decode gave a {len(got)}-letter word with max_len=5 on a model "
                   "that cycles a -> b -> a forever; expected 'ababa'.")
    got = _word(learner, 2, "greedy_decode(W, max_len=0)")
    if got != "":
        raise Fail(f"greedy_decode wrote {len(got)} letter(s) with max_len=0: a word of at "
                   "most 0 letters is '', so test the length before each step.")


@check(points=0.5, function="greedy_decode", needs="softmax")
def test_greedy_decode_takes_max_len_by_position(learner):
    """greedy_decode(W, 3) is greedy_decode(W, max_len=3)"""
    out = _greedy_outcomes(learner)[3]
    if out.raised is not None and out.raised.is_a(TypeError):
        raise Fail("greedy_decode could not be called as greedy_decode(W, 3): max_len must "
                   "be an ordinary parameter after W, greedy_decode(W, max_len=50).")
    got = _word(learner, 3, "greedy_decode(W, 3)")
    if got != "aba":
        raise Fail(f"greedy_decode(W, 3) gave a {len(got)}-letter word on a model that "
                   "cycles a -> b -> a forever; expected 'aba'.")


@check(points=0.5, function="greedy_decode", needs="softmax")
def test_greedy_decode_breaks_ties_by_lowest_index(learner):
    """greedy_decode takes the lowest-index token when the most likely ones are tied"""
    got = _word(learner, 4)
    if got != "b":
        hint = (" The lowest index must win (np.argmax returns the first of equal maxima)."
                if got == "d" else "")
        raise Fail(f"greedy_decode gave {got[:20]!r} where '.' is followed by 'b' or 'd', "
                   f"equally likely, and both end the word: expected 'b'.{hint}")


@check(points=0.5, function="greedy_decode", needs="softmax")
def test_greedy_decode_can_write_an_empty_word(learner):
    """greedy_decode writes '' when '.' is the most likely first token"""
    got = _word(learner, 5)
    if got != "":
        raise Fail(f"greedy_decode gave a {len(got)}-letter word on a model whose most likely "
                   "first token is '.': the greedy word is then '' (look at the first token "
                   "taken before appending it).")


@check(points=0.5, function="greedy_decode", after="greedy_decode_of_a_small_example",
       needs="softmax")
def test_greedy_decode_leaves_W_unchanged(learner):
    """greedy_decode leaves W unchanged"""
    for out in _greedy_outcomes(learner):
        judged("greedy_decode", out, changed=changed)
