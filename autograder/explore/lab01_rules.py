"""Lab 01's TOOL 03 data: the whole rulebook in English, and the greedy word, 'forever'."""

from __future__ import annotations

from typing import Any

import numpy as np

from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import TOKENS

from ..learner import LearnerBase
from .source import BadValue, Problems, attempt

REPEATS = 5  # greedy_decode called this many times: a greedy word never changes


def rule_sentence(after: str, nxt: str, p: float) -> str:
    """'after q, the model writes u 94% of the time' (and '.' in words)."""
    start = "at the start of a word" if after == "." else f"after {after}"
    action = "ends the word" if nxt == "." else f"writes {nxt}"
    return f"{start}, the model {action} {p * 100:.0f}% of the time"


def _rules(value: Any) -> list[tuple[str, str, float]]:
    """The learner's rank_rules value as 27 (str, str, float), or BadValue."""
    if type(value) is not list or len(value) != 27:
        n = len(value) if isinstance(value, (list, tuple)) else None
        raise BadValue(f"your rank_rules returned {type(value).__name__}"
                       + (f" of {n} rules" if n is not None else "") + ", not a list of 27 rules")
    for rule in value:
        if (type(rule) is not tuple or len(rule) != 3 or rule[0] not in TOKENS
                or rule[1] not in TOKENS or type(rule[2]) not in (float, int)):
            raise BadValue(f"your rank_rules gave a rule {rule!r}, not (after, next, probability)"
                           " as (str, str, float)")
    return [(str(a), str(b), float(p)) for a, b, p in value]


def _same_rules(got: list, expected: list) -> bool:
    return all(a[:2] == b[:2] and abs(a[2] - b[2]) < 1e-6 for a, b in zip(got, expected))


def greedy_steps(W: np.ndarray, word: str) -> list[list]:
    """[from, to, probability] for each step of the word's greedy path ('.' at both ends)."""
    probs = ref.softmax(np.asarray(W, dtype=np.float64))
    path = "." + word + ("." if len(word) < 50 else "")
    return [[a, b, round(float(probs[TOKENS.index(a), TOKENS.index(b)]), 4)]
            for a, b in zip(path, path[1:]) if a in TOKENS and b in TOKENS]


def tool03(learner: LearnerBase, W: np.ndarray) -> dict:
    """The rulebook (27 sentences) and greedy_decode called REPEATS times on W."""
    problems, notes = Problems(), []
    expected = ref.rank_rules(W)
    rules = attempt(problems, "rank_rules", lambda: _rules(learner.rank_rules(W)))
    if rules is not None and not _same_rules(rules, expected):
        notes.append("your rank_rules differs from the reference (order, letters or "
                     "probabilities)")
    shown = expected if rules is None else rules
    words = attempt(problems, "greedy_decode", lambda: learner.repeat("greedy_decode", REPEATS, W))
    if words is not None and any(type(w) is not str for w in words):
        problems.add("greedy_decode", "your greedy_decode did not return a word (str)")
        words = None
    reference_word = ref.greedy_decode(W)
    if words is not None and len(set(words)) > 1:
        notes.append(f"your greedy_decode gave {len(set(words))} different words in "
                     f"{REPEATS} calls: a greedy word never changes")
    elif words is not None and words[0] != reference_word:
        notes.append(f"your greedy_decode gives '{words[0]}', the reference '{reference_word}'")
    word = reference_word if words is None else words[0]
    return {"rules": [[a, b, round(p, 4), rule_sentence(a, b, p)] for a, b, p in shown],
            "rules_fallback": rules is None, "greedy": word, "greedy_fallback": words is None,
            "greedy_calls": words or [], "steps": greedy_steps(W, word),
            "problems": problems.of("rank_rules", "greedy_decode"), "differs": notes}
