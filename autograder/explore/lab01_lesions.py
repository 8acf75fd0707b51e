"""Lab 01's TOOL 02 and TOOL 03 data: lesions with their sampled words, the rulebook, greedy.

Column lesions are the learner's ablate_column. Rows and single weights are lesions the
lab has no function for, made here (plain numpy on W): a row lesion leaves its letter
only one way on, ending the word; a weight lesion cuts each row's strongest transition.
Sampled and greedy words under every lesion come from the source's sample_word and
greedy_decode, with a fixed seed, so the page shows what those functions produce.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mindlab_core.lab01 import reference as ref
from mindlab_core.tokens import TOKENS

from ..learner import LearnerBase, Rng
from .lab01_data import MAX_LEN, SAMPLES, SEED, TEMPERATURES
from .source import BadValue, Problems, attempt, value_of

Lesion = dict[str, Any]


def shown(token: str) -> str:
    return "'.'" if token == "." else token


def lesion_list(W: np.ndarray) -> list[Lesion]:
    """Every lesion the page offers: 27 columns ('.' first), 27 rows, each row's top weight."""
    out: list[Lesion] = [{"id": f"col{j}", "kind": "column", "i": None, "j": j,
                          "label": f"column {shown(t)}"} for j, t in enumerate(TOKENS)]
    out += [{"id": f"row{i}", "kind": "row", "i": i, "j": None,
             "label": f"row {shown(t)}"} for i, t in enumerate(TOKENS)]
    top = np.asarray(W).argmax(axis=1)
    out += [{"id": f"cell{i}", "kind": "weight", "i": i, "j": int(top[i]),
             "label": f"{shown(t)} → {shown(TOKENS[top[i]])}"} for i, t in enumerate(TOKENS)]
    return out


def lesioned(W: np.ndarray, lesion: Lesion) -> np.ndarray:
    """W under a row or weight lesion (columns are the learner's ablate_column)."""
    M = np.array(W, dtype=np.float64)
    if lesion["kind"] == "row":
        M[lesion["i"], :] = -np.inf
        M[lesion["i"], 0] = 0.0  # the one way on: end the word
    else:
        M[lesion["i"], lesion["j"]] = -np.inf
    return M


def _matrix(value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64) if isinstance(value, np.ndarray) else None
    if arr is None or arr.shape != (27, 27):
        what = f"an array of shape {arr.shape}" if arr is not None else type(value).__name__
        raise BadValue(f"your ablate_column returned {what}, not a (27, 27) array")
    return arr


def columns(learner: LearnerBase, W: np.ndarray, problems: Problems) -> list[tuple]:
    """(matrix, is_fallback) per column, from the learner's ablate_column."""
    outcomes = attempt(problems, "ablate_column", lambda: learner.calls(
        "ablate_column", [((W, t), {}) for t in TOKENS])) or [None] * 27
    out = []
    for t, outcome in zip(TOKENS, outcomes):
        M = None if outcome is None else attempt(
            problems, "ablate_column", lambda o=outcome: _matrix(value_of("ablate_column", o)))
        out.append((ref.ablate_column(W, t), True) if M is None else (M, False))
    return out


def words(learner: LearnerBase, M: np.ndarray, problems: Problems,
          temperature: float = 1.0) -> tuple[list[str], bool]:
    """SAMPLES words from M with a fresh default_rng(SEED); (words, is_fallback)."""
    def draw() -> list[str]:
        got = learner.repeat("sample_word", SAMPLES, M, Rng(SEED), temperature, MAX_LEN)
        bad = [w for w in got if type(w) is not str]
        if bad:
            raise BadValue(f"your sample_word returned {type(bad[0]).__name__}, not a word (str)")
        return got

    got = attempt(problems, "sample_word", draw)
    if got is not None:
        return got, False
    rng = np.random.default_rng(SEED)
    return [ref.sample_word(M, rng, temperature, MAX_LEN) for _ in range(SAMPLES)], True


def greedy_words(learner: LearnerBase, matrices: list[np.ndarray], problems: Problems
                 ) -> list[tuple[str, bool]]:
    """greedy_decode on each matrix, in one round trip; (word, is_fallback) each."""
    outcomes = attempt(problems, "greedy_decode", lambda: learner.calls(
        "greedy_decode", [((M,), {}) for M in matrices])) or [None] * len(matrices)
    out = []
    for M, outcome in zip(matrices, outcomes):
        word = None if outcome is None else attempt(
            problems, "greedy_decode", lambda o=outcome: _word(value_of("greedy_decode", o)))
        out.append((ref.greedy_decode(M), True) if word is None else (word, False))
    return out


def _word(value: Any) -> str:
    if type(value) is not str:
        raise BadValue(f"your greedy_decode returned {type(value).__name__}, not a word (str)")
    return value


def tool02(learner: LearnerBase, W: np.ndarray) -> dict:
    """Every lesion: its dark cells, changed cells, sampled and greedy words after it."""
    problems = Problems()
    before = {str(T): words(learner, W, problems, T) for T in TEMPERATURES}
    lesions = lesion_list(W)
    cols = columns(learner, W, problems)
    matrices = [cols[k][0] if les["kind"] == "column" else lesioned(W, les)
                for k, les in enumerate(lesions)]
    differ = [TOKENS[j] for j, (M, fb) in enumerate(cols)
              if not fb and not np.array_equal(M, ref.ablate_column(W, TOKENS[j]))]
    greedy = greedy_words(learner, matrices, problems)
    for k, (les, M) in enumerate(zip(lesions, matrices)):
        les["dark"] = np.flatnonzero(np.isneginf(M)).tolist()
        les["changed"] = np.flatnonzero((M != W) & ~np.isneginf(M)).tolist()
        les["fallback"] = k < 27 and cols[k][1]
        les["after"], les["after_fallback"] = words(learner, M, problems)
        les["greedy"], les["greedy_fallback"] = greedy[k]
    notes = [f"your ablate_column differs from the reference for {len(differ)} of 27 columns "
             f"({', '.join(map(shown, differ[:6]))})"] if differ else []
    by_t = [tuple(before[str(T)][0]) for T in TEMPERATURES]
    if not before["1.0"][1] and len(set(by_t)) == 1:
        notes.append("your sample_word gives the very same words at temperature 0.5, 1 and 2: "
                     "does it divide the logits by the temperature?")
    return {"lesions": lesions, "before": {T: w for T, (w, _) in before.items()},
            "before_fallback": before["1.0"][1],
            "problems": problems.of("ablate_column", "sample_word", "greedy_decode"),
            "differs": notes}
