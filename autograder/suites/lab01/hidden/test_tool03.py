"""TOOL 03 — extract the algorithm: hidden checks (the grade), 10 points.

Ties are built from logits that are exactly equal, so every correct softmax gives
exactly equal probabilities and the order SPEC §2 asks for is well defined.
"""

from __future__ import annotations

import numpy as np

from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import BOUNDARY, TOKENS, VOCAB, index
from mindlab_grader.checks import Fail, check, describe, expect_str
from mindlab_grader.suites.lab01 import inputs
from mindlab_grader.suites.lab01.calls import Args, value, values


def _close(got, expected: float, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """np.isclose for one probability, without numpy's per-call cost (27 per rulebook)."""
    try:
        return abs(float(got) - expected) <= atol + rtol * abs(expected)
    except (TypeError, ValueError):
        return False


W = inputs.trained_W()
RANDOM = inputs.random_W(301)
HUGE = inputs.huge_W(304)


def _near_ties() -> np.ndarray:
    """Rows whose favourites' probabilities rise by 3e-8 from row to row ('.' lowest, 'z'
    highest): more than the 1e-9 within which _same_rules lets two rules swap, far less
    than a rounded sort key or float32 can tell apart."""
    M = np.zeros((VOCAB, VOCAB))
    for i in range(VOCAB):
        p = 0.6 + 3e-8 * (i - 13)
        M[i, (5 * i + 3) % VOCAB] = np.log(26 * p / (1 - p))  # 26 other logits of 0
    return M


NEAR = _near_ties()

Rule = tuple[str, str, float]


def _rules(got: object, what: str) -> list[Rule]:
    """The learner's rules as (str, str, float) triples, or Fail saying what came back."""
    if type(got) not in (list, tuple):
        raise Fail(f"{what} returned {describe(got)}, expected a list of "
                   "(after, next, probability) tuples.")
    rules = []
    for rule in got:
        if type(rule) not in (list, tuple) or len(rule) != 3:
            raise Fail(f"{what} returned a list holding {describe(rule)}, expected "
                       "(after, next, probability) tuples of 3 items.")
        after, nxt, p = rule
        if not (isinstance(after, str) and isinstance(nxt, str)):
            raise Fail(f"{what} gave a rule whose letters are not str: write each rule as "
                       "(after, next, probability) with after and next one-character str.")
        if not isinstance(p, (float, int, np.floating, np.integer)):
            raise Fail(f"{what} gave a rule whose probability is {describe(p)}, expected "
                       "a float.")
        rules.append((str(after), str(nxt), float(p)))
    return rules


def _same_rules(got: list[Rule], expected: list[Rule]) -> bool:
    """Rule for rule equal, except that rules whose probabilities are within 1e-9 of each
    other (1.0 and 0.9999999999999998 after huge logits) may come in either order: which
    comes first there depends on the last bit of a float. Exact ties have their own check."""
    if len(got) != len(expected):
        return False
    start = 0
    for end in range(1, len(expected) + 1):
        if end < len(expected) and expected[end - 1][2] - expected[end][2] <= 1e-9:
            continue
        block = zip(sorted(got[start:end]), sorted(expected[start:end]))
        if not all(g[:2] == e[:2] and _close(g[2], e[2]) for g, e in block):
            return False
        start = end
    return True


def _afters(rules: list[Rule]) -> list[str]:
    return [rule[0] for rule in rules]


def _rank_hint(got: list[Rule], expected: list[Rule]) -> str:
    """What a wrong rulebook most likely got wrong, for a learner."""
    probs = [p for _, _, p in got]
    if len(got) == len(expected) - 1 and "." not in _afters(got):
        return ("it has no rule for the '.' row: all 27 rows count, and '.' (what starts a "
                "word) is row 0")
    if len(got) != len(expected):
        return f"it has {len(got)} rules, but there is one per row, 27 in all"
    if any(not 0.0 <= p <= 1.0 for p in probs) or any(p != p for p in probs):
        return ("some probabilities are outside 0..1: take them from softmax of each row, not "
                "from the logits")
    if _same_rules(sorted(got), sorted(expected)):
        if probs == sorted(probs) and probs != sorted(probs, reverse=True):
            return "it is sorted lowest probability first: sort highest first"
        return "each row's rule is right, but the order is not: sort by probability, highest first"
    return ("some rules are wrong: for each row i, the rule is (TOKENS[i], the token with the "
            "highest probability in softmax(W[i]), that probability)")


def _not_the_rulebook(got: list[Rule], expected: list[Rule]) -> Fail:
    return Fail(f"rank_rules(W) is not the model's rulebook: {_rank_hint(got, expected)}.")


# ---------------------------------------------------------------- rank_rules

RULES = {"trained": ref.rank_rules(W), "random": ref.rank_rules(RANDOM),
         "near": ref.rank_rules(NEAR)}


@check(points=0.5, function="rank_rules")
def test_rank_rules_returns_a_list_of_rules(learner):
    """rank_rules returns a list of (after, next, probability) rules, one for each row"""
    for got in values(learner, "rank_rules", [(W,), (RANDOM,)]):
        rows = sorted(after for after, _, _ in _rules(got, "rank_rules(W)"))
        if rows != sorted(TOKENS):  # (the checks after this one look at rows: all there)
            raise Fail(f"rank_rules(W) gave {len(rows)} rules, not one for each row: a rule "
                       "per row, '.' and 'a' to 'z' once each, 27 in all.")


@check(points=0.5, function="rank_rules")
def test_rank_rules_gives_plain_python_values(learner):
    """rank_rules gives a list of plain (str, str, float) tuples"""
    for got in values(learner, "rank_rules", [(W,), (RANDOM,)]):
        _rules(got, "rank_rules(W)")
        if type(got) is not list or any(type(rule) is not tuple for rule in got):
            inner = type(got[0]).__name__ if got else "nothing"
            raise Fail(f"rank_rules returned a {type(got).__name__} of {inner}s: return a "
                       "list of tuples.")
        for after, nxt, p in got:
            for item, kind in ((after, str), (nxt, str), (p, float)):
                if type(item) is not kind:
                    raise Fail(f"rank_rules gave a rule holding {describe(item)} where a "
                               f"plain {kind.__name__} belongs: convert with "
                               f"{kind.__name__}(...) (numpy values print and compare "
                               "differently).")


@check(points=1, function="rank_rules")
def test_rank_rules_lists_each_rows_top_rule(learner):
    """rank_rules gives each row's most likely next token, most confident first"""
    models = (("trained", W), ("random", RANDOM), ("near", NEAR))
    for (name, _), got in zip(models, values(learner, "rank_rules", [(M,) for _, M in models])):
        got = _rules(got, "rank_rules(W)")
        if not _same_rules(got, RULES[name]):
            raise _not_the_rulebook(got, RULES[name])


TIED = inputs.random_W(302)
for _letter in "bekos":  # five rows that are certain: probability exactly 1.0
    TIED[index(_letter)] = -np.inf
    TIED[index(_letter), (index(_letter) * 7) % VOCAB] = 0.0
for _letter in ".cx":  # three rows split evenly between two tokens: exactly 0.5
    TIED[index(_letter)] = -np.inf
    TIED[index(_letter), [3, 20]] = 1.0
TIE_GROUPS = ("bekos", ".cx")  # rows whose probabilities are exactly equal, in row order


@check(points=1, function="rank_rules", after=("rank_rules_returns_a_list_of_rules",
                                             "rank_rules_lists_each_rows_top_rule"))
def test_rank_rules_keeps_row_order_for_equal_probabilities(learner):
    """rank_rules keeps row order among rules with equal probabilities (a stable sort)"""
    got = _rules(value(learner, "rank_rules", TIED), "rank_rules(W)")
    where = {after: i for i, (after, _, _) in enumerate(got)}
    prob = {after: p for after, _, p in got}
    for group in TIE_GROUPS:
        group = "".join(row for row in group if row in where)  # a missing row: not this claim
        if len({prob[row] for row in group}) != 1:
            raise Fail("rank_rules gave different probabilities to rows whose probabilities "
                       "are exactly equal (rows whose logits are the same): compute each "
                       "row's probabilities the same way, with softmax of that row.")
        if [where[row] for row in group] != sorted(where[row] for row in group):
            raise Fail("rank_rules puts rules with equal probabilities out of row order: "
                       "ties must keep row order ('.' then 'a' to 'z'). Python's sort is "
                       "stable, and so is sorted(..., reverse=True); sorting lowest first and "
                       "then reversing the list flips the ties.")


IN_ROW_TIES = inputs.random_W(303)
for _i in range(VOCAB):  # two or three exactly tied favourites in every row
    _cols = np.random.default_rng(305 + _i).choice(VOCAB, size=2 + _i % 2, replace=False)
    IN_ROW_TIES[_i, _cols] = IN_ROW_TIES[_i].max() + 1.0
IN_ROW_RULES = ref.rank_rules(IN_ROW_TIES)


@check(points=1, function="rank_rules", after="rank_rules_returns_a_list_of_rules")
def test_rank_rules_breaks_ties_in_a_row_by_lowest_index(learner):
    """rank_rules picks the lowest-index token when a row has tied favourites"""
    got = _rules(value(learner, "rank_rules", IN_ROW_TIES), "rank_rules(W)")
    picked = {after: nxt for after, nxt, _ in got}
    expected = {after: nxt for after, nxt, _ in IN_ROW_RULES if after in picked}
    wrong = [after for after in expected if picked[after] != expected[after]]
    if not wrong:
        return
    tied = {TOKENS[i]: {TOKENS[j] for j in np.flatnonzero(row == row.max())}
            for i, row in enumerate(IN_ROW_TIES)}
    if all(picked[a] in tied[a] and index(picked[a]) > index(expected[a]) for a in wrong):
        raise Fail("when a row has several equally likely next tokens, rank_rules picks a "
                   "later one: the lowest index must win (np.argmax already returns the "
                   "first of equal maxima).")
    raise Fail("when a row has several equally likely next tokens, rank_rules does not pick "
               "the lowest-index one of them for some rows; np.argmax of the row's "
               "probabilities does.")


TOPS = (1, 3, 26, 27, 0, 30)


@check(points=1, function="rank_rules", after=("rank_rules_returns_a_list_of_rules",
                                             "rank_rules_lists_each_rows_top_rule"))
def test_rank_rules_top_keeps_the_first_k(learner):
    """rank_rules(W, top=k) returns the first k of its rules (top=0: none; 27 or more: all)"""

    def raised(out) -> str | None:
        if out.raised.is_a(TypeError):
            return ("rank_rules could not be called as rank_rules(W, 3): top must be an "
                    "ordinary parameter after W, rank_rules(W, top=None).")
        return None

    cases = [(RANDOM,), Args(RANDOM, top=None), (RANDOM, 3), *[Args(RANDOM, top=k) for k in TOPS]]
    got_all = [_rules(got, "rank_rules(W, top=k)")
               for got in values(learner, "rank_rules", cases, on_raise=raised)]
    full, with_none, positional, tops = got_all[0], got_all[1], got_all[2], got_all[3:]
    if with_none != full:
        raise Fail("rank_rules(W, top=None) should give all 27 rules, like rank_rules(W).")
    if positional != full[:3]:
        raise Fail("rank_rules(W, 3) is not the first 3 of its rules: top may be passed by "
                   "position too, rank_rules(W, top=None).")
    for k, got in zip(TOPS, tops):
        if got == full[:k]:
            continue
        if k == 0:
            raise Fail(f"rank_rules(W, top=0) gave {len(got)} rules instead of none: 0 is a "
                       "number like any other (test `top is None`, not `if top:`).")
        if len(got) == min(k, 27) + 1 or len(got) == min(k, 27) - 1:
            raise Fail(f"rank_rules(W, top=k) gave one rule too "
                       f"{'many' if len(got) > min(k, 27) else 'few'}: top=k returns exactly "
                       "the first k (the slice rules[:k]).")
        if len(got) != min(k, 27):
            raise Fail("rank_rules(W, top=k) did not give k rules (all 27 when k is 27 or "
                       "more): return the slice rules[:k] of the sorted rules.")
        raise Fail("rank_rules(W, top=k) gave k rules, but not the first k of its own full "
                   "list: sort all 27 first, then keep the first k.")


HUGE_RULES = ref.rank_rules(HUGE)
FAR = inputs.random_W(308)
FAR[5:] -= 2e4  # rows 2e4 below the others: a shift by the whole matrix's max gives 0 / 0
FAR_RULES = ref.rank_rules(FAR)


@check(points=1, function="rank_rules")
def test_rank_rules_handles_huge_logits_and_leaves_W_unchanged(learner):
    """rank_rules works for logits of 1e4 or -inf and rows 2e4 apart, and leaves W unchanged"""
    huge, far = (_rules(got, "rank_rules(W)") for got in values(
        learner, "rank_rules", [(HUGE,), (FAR,)], keep_inputs=True))
    if not _same_rules(huge, HUGE_RULES):
        if any(p != p or p in (np.inf, -np.inf) for _, _, p in huge):
            raise Fail("rank_rules gave nan or inf probabilities for logits of size 1e4: exp "
                       "overflows; use a stable softmax (subtract each row's maximum first).")
        raise Fail("rank_rules(W) is not right for logits of size 1e4: "
                   f"{_rank_hint(huge, HUGE_RULES)}.")
    if _same_rules(far, FAR_RULES):
        return
    if any(p != p for _, _, p in far):
        raise Fail("rank_rules gave nan probabilities for a model whose rows lie 2e4 apart: "
                   "shifting by the largest logit of the whole matrix leaves a low row all "
                   "exp(-2e4) = 0, and 0 / 0 is nan. Subtract each row's own maximum "
                   "(axis=1, keepdims=True).")
    raise Fail("rank_rules(W) is not right for a model whose rows lie 2e4 apart: "
               f"{_rank_hint(far, FAR_RULES)}.")


# ---------------------------------------------------------------- greedy_decode


def _greedy_from(M: np.ndarray, start: int, max_len: int = 50) -> str:
    """The greedy walk from any row (the reference starts at `.`; starting at 'a' is a mistake)."""
    probs = ref.softmax(M)
    letters, row = [], start
    while len(letters) < max_len:
        row = int(probs[row].argmax())
        if row == BOUNDARY:
            break
        letters.append(TOKENS[row])
    return "".join(letters)


def _words(learner, cases: list, what: str, keep_inputs: bool = False, on_raise=None):
    """greedy_decode's word for each case (models, or Args), one round trip; Fail on a '.'."""
    for got in values(learner, "greedy_decode", cases, keep_inputs=keep_inputs,
                      on_raise=on_raise):
        got = expect_str(got, what)
        if got.endswith(".") and inputs.letters_only(got[:-1]):
            raise Fail("greedy_decode returned a word ending in '.': reaching '.' ends the "
                       "word, but the '.' itself is not part of it.")
        yield got


EMPTY_FIRST = inputs.random_W(306)
EMPTY_FIRST[BOUNDARY, BOUNDARY] = EMPTY_FIRST[BOUNDARY].max() + 2.0  # '.' is the favourite
ONE_LETTER = inputs.random_W(307)  # the favourite word is one letter: . -> k -> .
ONE_LETTER[BOUNDARY, index("k")] = ONE_LETTER[BOUNDARY].max() + 2.0
ONE_LETTER[index("k"), BOUNDARY] = ONE_LETTER[index("k")].max() + 2.0
GREEDY = {"trained": ref.greedy_decode(W), "random": ref.greedy_decode(RANDOM),
          "empty": ref.greedy_decode(EMPTY_FIRST), "one letter": ref.greedy_decode(ONE_LETTER),
          "huge": ref.greedy_decode(HUGE)}


@check(points=0.5, function="greedy_decode")
def test_greedy_decode_returns_a_str(learner):
    """greedy_decode returns a str for a model"""
    for got in values(learner, "greedy_decode", [(W,), (RANDOM,)]):
        expect_str(got, "greedy_decode(W)")


@check(points=1, function="greedy_decode")
def test_greedy_decode_writes_the_models_favourite_word(learner):
    """greedy_decode follows the most likely token from '.', logits of 1e4 included"""
    models = (("trained", W), ("random", RANDOM), ("empty", EMPTY_FIRST),
              ("one letter", ONE_LETTER), ("huge", HUGE))
    got_all = list(_words(learner, [(M,) for _, M in models], "greedy_decode(W)"))
    wrong = [name for (name, _), got in zip(models, got_all) if got != GREEDY[name]]
    if not wrong:
        return
    if wrong == ["huge"]:
        raise Fail("greedy_decode(W) is not the greedy walk when the logits are as large as "
                   "1e4, though it is on ordinary models: exp(1e4) overflows to inf, inf / inf "
                   "is nan, and np.argmax of nans is the first of them. Take the argmax of the "
                   "row itself (exp keeps the order) or of a stable softmax.")
    if all(got == _greedy_from(M, index("a")) for (_, M), got in zip(models, got_all)):
        raise Fail("greedy_decode starts its walk at 'a': every word starts after '.', "
                   "so the first step takes the most likely token of row 0.")
    for (name, _), got in zip(models, got_all):
        if got == GREEDY[name]:
            continue
        if GREEDY[name] == "":
            raise Fail(f"greedy_decode gave a {len(got)}-letter word on a model whose most "
                       "likely first token is '.': the greedy word is then '' (look at the "
                       "first token taken before appending it).")
        if len(GREEDY[name]) == 1:
            raise Fail(f"greedy_decode gave a {len(got)}-letter word on a model whose greedy "
                       "word is one letter ('.' is the most likely token after it): '.' can be "
                       "the favourite at every step, the second included.")
        if len(GREEDY[name]) == 50 and len(got) != 50:
            raise Fail(f"greedy_decode gave a {len(got)}-letter word on a model whose greedy "
                       "walk never reaches '.': with the default max_len=50 it should stop at "
                       "exactly 50 letters.")
        if got == "":
            raise Fail("greedy_decode returned an empty word where the model's greedy walk "
                       "writes letters: from '.', take the most likely next token, append it, "
                       "and stop only when that token is '.'.")
        raise Fail(f"greedy_decode(W) gave a {len(got)}-letter word that is not the greedy "
                   "walk: from '.', repeatedly take the most likely next token in the current "
                   "token's row, W[token], until '.' comes up.")


PATH = inputs.path_W("mind")
NEAR_PATH = inputs.path_W("mind", low=-60.0) + 3.0  # shifted: an in-place shift would show


@check(points=1, function="greedy_decode")
def test_greedy_decode_follows_a_path_and_leaves_W_unchanged(learner):
    """greedy_decode writes the only word a model allows and leaves W unchanged"""
    for got in _words(learner, [(PATH,), (NEAR_PATH,)], "greedy_decode(W)", keep_inputs=True):
        if got != "mind":
            raise Fail("greedy_decode gave another word than the only one a model allows: "
                       "start at row 0 ('.'), move to the row of the "
                       "token just taken, and stop when '.' is the most likely.")


CYCLE = inputs.cycle_W("ab")
CAPS = (((), {"max_len": 5}, 5), ((), {"max_len": 1}, 1), ((), {}, 50),
        ((), {"max_len": 0}, 0), ((4,), {}, 4), ((), {"max_len": 260}, 260))


@check(points=1, function="greedy_decode")
def test_greedy_decode_stops_at_max_len_on_a_cycle(learner):
    """greedy_decode stops at max_len letters (by name or by position) when the walk cycles"""

    def raised(out) -> str | None:
        if out.raised.is_a(TypeError):
            return ("greedy_decode could not be called as greedy_decode(W, 4): max_len must "
                    "be an ordinary parameter after W, greedy_decode(W, max_len=50).")
        return None

    cases = [Args(CYCLE, *args, **kwargs) for args, kwargs, _ in CAPS]
    words = _words(learner, cases, "greedy_decode(W)", on_raise=raised)
    for (args, kwargs, cap), got in zip(CAPS, words):
        if got == _greedy_from(CYCLE, BOUNDARY, cap):
            continue
        told = ("max_len=0" if cap == 0 else "max_len given by position" if args else
                "a small max_len" if kwargs.get("max_len", 50) < 50 else
                "the default max_len=50" if not kwargs else "a large max_len")
        if len(got) != cap:
            raise Fail(f"greedy_decode gave a word {abs(len(got) - cap)} letter(s) "
                       f"{'longer' if len(got) > cap else 'shorter'} than {told} on a model "
                       "whose greedy walk cycles forever: stop as soon as the word has "
                       "max_len letters, and compare lengths with < (not `is`).")
        raise Fail(f"greedy_decode gave a word of the right length with {told} on a cycling "
                   "model, but not the greedy walk: take the most likely token at each step.")


TIE_PATH = np.zeros((VOCAB, VOCAB))
TIE_PATH[BOUNDARY, [index("c"), index("f")]] = 2.0  # "." -> c or f, tied: c wins
TIE_PATH[index("c"), [index("a"), index("o")]] = 2.0  # c -> a or o, tied: a wins
TIE_PATH[index("a"), [BOUNDARY, index("z")]] = 2.0  # a -> . or z, tied: . wins
for _letter in "foz":
    TIE_PATH[index(_letter), BOUNDARY] = 2.0
UNTIED_PATH = TIE_PATH.copy()  # the same walk with the lowest-index favourites ahead
for _here, _there in ((".", "c"), ("c", "a"), ("a", ".")):
    UNTIED_PATH[index(_here), index(_there)] += 0.5
OTHER_PATH = np.zeros((VOCAB, VOCAB))  # a model with another walk, no ties: "." -> f -> o -> "."
for _here, _there in ((".", "f"), ("f", "o"), ("o", ".")):
    OTHER_PATH[index(_here), index(_there)] = 2.0


@check(points=0.5, function="greedy_decode", after="greedy_decode_returns_a_str")
def test_greedy_decode_breaks_ties_by_lowest_index(learner):
    """greedy_decode takes the lowest-index token when the most likely ones are tied"""
    tied, untied, other = (expect_str(got, "greedy_decode(W)") for got in values(
        learner, "greedy_decode", [(TIE_PATH,), (UNTIED_PATH,), (OTHER_PATH,)]))
    # a word that ignores W breaks no tie: "" for all three passed (found from outside)
    if untied == other:
        raise Fail("greedy_decode writes the same word for two models whose most likely "
                   "walks differ, so its ties cannot be judged: from '.', take np.argmax "
                   "of the current row's probabilities until '.' comes.")
    if tied == untied:
        return
    if tied == "f" and untied == "ca":  # the walk of a highest-index tie-break
        raise Fail("greedy_decode picks the later of two equally likely tokens: the lowest "
                   "index must win (np.argmax already returns the first of equal maxima).")
    raise Fail("greedy_decode writes another word when the most likely tokens are tied than "
               "when the lowest-index one of them is ahead: on a tie, take the lowest index "
               "(np.argmax of the current row's probabilities).")
