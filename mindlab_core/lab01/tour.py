"""`mindlab tour` (lab01): read the model's mind, cut its '.' column, read its rulebook.

    mindlab tour --letter e --out pictures/

Registered with mindlab_core.tour, which finds it by the lab's name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..tokens import TOKENS
from ..tour import needs_full_install, section, tour

SEED = 0  # every sample in the tour comes from default_rng(SEED): the same words each run
SAMPLES = 6
MAX_LEN = 20  # short enough to print; ablated words always hit it


def _shown(letter: str) -> str:
    return "the start of a word" if letter == "." else f"'{letter}'"


def _file_letter(letter: str) -> str:
    return "dot" if letter == "." else letter  # "belief_..png" would be easy to miss


@tour("lab01")
def tour_lab01(letter: str, out: Path | None) -> list[Path]:
    """Read the model's mind after `letter`, cut its '.' column, read its rulebook."""
    try:
        from . import reference as ref
    except ImportError:  # a student handout ships without the reference answers
        raise needs_full_install() from None
    from ..bigram import trained_model

    model = trained_model()
    W, counts = model.W, model.counts
    print('mindlab tour: lab01 "Reverse-engineer a mind" (reference answers)')
    print(f"  {model.note()}")

    section("TOOL 01  read its mind", f"what comes after {_shown(letter)}?")
    belief, data = ref.read_row(W, letter), ref.data_row(counts, letter)
    print("  next   belief   data")
    for j in np.argsort(-belief, kind="stable")[:5]:
        print(f"  {TOKENS[j]:>4}   {belief[j]:6.3f}   {data[j]:6.3f}")
    gap = ref.belief_gap(W, counts, letter)
    print(f"  belief_gap = {gap:.3f}  (0 = the model believes exactly what the data "
               "does, 1 = they never agree)")

    section("TOOL 02  intervene", "cut the '.' column, so the model can never end a word")
    ablated = ref.ablate_column(W, ".")
    for label, matrix in (("before", W), ("after ", ablated)):
        rng = np.random.default_rng(SEED)
        words = [ref.sample_word(matrix, rng, max_len=MAX_LEN) for _ in range(SAMPLES)]
        print(f"  {label}: {', '.join(words)}")  # `words` ends as the ablated model's
    print(f"  (seed {SEED}; after the cut every word runs on to max_len={MAX_LEN})")

    section("TOOL 03  extract the algorithm", "the rulebook and the greedy word")
    rules = ref.rank_rules(W, top=5)
    for after, nxt, p in rules:
        print(f"  {after} → {nxt}   {p:.2f}")
    word = ref.greedy_decode(W)
    print(f"  greedy word: '{word}'  (always the most likely next token: the same word "
          "every time, forever)")
    print(f"  ({len(rules)} of {len(TOKENS)} rules shown; the picture shows 12)")

    if out is None:
        print("\n  Add --out DIR to save these as pictures.")
        return []
    from . import pictures  # matplotlib: paid only when pictures are asked for

    out.mkdir(parents=True, exist_ok=True)
    figures = {
        f"belief_{_file_letter(letter)}.png": pictures.belief_bars(belief, data, letter),
        "heatmap_ablated_dot.png": pictures.matrix_heatmap(ablated, ablated=".", like=W,
                                                           words=words),
        "rulebook.png": pictures.rulebook(ref.rank_rules(W, top=12)),
        "greedy_path.png": pictures.greedy_path(W, word),
    }
    written = []
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=100)
        written.append(out / name)
    return written
