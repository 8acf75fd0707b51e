"""The lab's pictures: each function takes arrays (yours or the reference's) and returns a Figure.

Nothing here imports the lab's reference answers, so the pictures work in a student
handout and can draw the learner's own outputs:

>>> fig = belief_bars(np.full(27, 1 / 27), None, "q")
>>> fig.savefig("belief_q.png")                    # doctest: +SKIP

Figures are built with matplotlib's object API (no pyplot, so no global figure list
to leak and no GUI backend needed: PNGs are drawn with Agg). A `Picture` is a Figure
that also knows how to show itself in Jupyter, so a cell ending in `belief_bars(...)`
displays the picture whatever matplotlib backend the kernel uses.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..bigram import _log_probs
from ..tokens import BOUNDARY, TOKENS, VOCAB, index

BELIEF = "#7c3aed"  # the model: the lab's violet
DATA = "black"  # the world: a black tick per token
DIM = "#c4b5fd"  # a pale violet: the runner-up
CUT = "#3f3f46"  # an ablated (-inf) entry: dark grey, hatched
FLOOR = 0.012  # a bar for a probability above 0 is drawn at least this tall (in axis units)


class Picture(Figure):
    """A matplotlib Figure that renders as PNG in Jupyter (`_repr_png_`) and saves with Agg."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        FigureCanvasAgg(self)  # draw with Agg whatever backend is configured

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def _vector(values, what: str) -> np.ndarray:
    """values as a float (27,) array, or a ValueError saying what to pass instead."""
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (VOCAB,):
        raise ValueError(f"{what} must have shape ({VOCAB},), one entry per token; "
                         f"got shape {array.shape}")
    return array


def _matrix(W, what: str = "W") -> np.ndarray:
    """W as a float (27, 27) array, or a ValueError naming the shape it has."""
    array = np.asarray(W, dtype=np.float64)
    if array.shape != (VOCAB, VOCAB):
        raise ValueError(f"{what} must be a ({VOCAB}, {VOCAB}) matrix (one row and one column "
                         f"per token); got shape {array.shape}")
    return array


def belief_bars(belief, data=None, letter: str = ".", log: bool = False) -> Picture:
    """Violet bars: the model's belief about the token after `letter`; black ticks: the data.

    belief: (27,) probabilities (read_row's output); data: (27,) frequencies
    (data_row's output) or None. Tokens run `.` a..z along the x axis; each bar carries its
    value, and a tiny but non-zero belief (q -> b is 0.002) is drawn at a minimum height so
    it stays visible. log=True draws the probabilities on a log scale instead.

    >>> fig = belief_bars(np.full(27, 1 / 27), None, "q")
    >>> fig.axes[0].patches[0].get_facecolor()[:3] == (124 / 255, 58 / 255, 237 / 255)
    True
    """
    index(letter)  # a bad letter is a ValueError that says what a token is
    belief = _vector(belief, "belief")
    data = None if data is None else _vector(data, "data")
    x = np.arange(VOCAB)
    fig = Picture(figsize=(9, 3.8), layout="constrained")
    ax = fig.add_subplot()
    top = max(belief.max(), 0 if data is None else data.max())
    if log:
        ax.set_yscale("log")
        ax.set_ylim(1e-4, 2.0)
        heights = np.maximum(belief, 1e-4)
    else:
        ax.set_ylim(0, min(1.12, top * 1.18 + 0.03))
        floor = FLOOR * ax.get_ylim()[1]
        heights = np.where(belief > 0, np.maximum(belief, floor), 0.0)
    ax.bar(x, heights, color=BELIEF, width=0.7, label="model's belief (bar)")
    above = heights if data is None else np.maximum(heights, data)  # clear of the tick
    for xi, p, h in zip(x, belief, above):
        ax.text(xi, h * 1.3 if log else h + 0.012, _short(p), ha="center", va="bottom",
                fontsize=6.5, rotation=90, color="#4c1d95")
    if data is not None:
        # a wide flat marker per token: the data's frequency, drawn over the bar
        shown = np.maximum(data, 1e-4) if log else data
        ax.scatter(x, shown, marker="_", s=260, linewidths=2.5, color=DATA, zorder=3,
                   label="frequency in the names (tick)")
    ax.set_xticks(x, list(TOKENS))
    ax.set_xlim(-0.6, VOCAB - 0.4)
    ax.set_xlabel("next token  (. = the word ends)" if letter != "." else
                  "first letter of a word")
    ax.set_ylabel("probability (log scale)" if log else "probability")
    where = "at the start of a word" if letter == "." else f"after '{letter}'"
    ax.set_title(f"What the model believes comes next {where}")
    note = "" if log else "  ·  tiny beliefs drawn at a minimum height; the label is the value"
    fig.legend(loc="outside lower center", ncols=2, frameon=False, title=note.strip(" ·"),
               title_fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _short(p: float) -> str:
    """A probability in few characters: 0.936 -> '.94', 0.0021 -> '.002', 0 -> '0'.

    >>> [_short(p) for p in (0.936, 0.0021, 0.0, 1.0)]
    ['.94', '.002', '0', '1']
    """
    if p <= 0:
        return "0"
    if p >= 0.995:
        return "1"
    text = f"{p:.2f}" if p >= 0.01 else f"{p:.3f}" if p >= 0.001 else f"{p:.0e}"
    return text.removeprefix("0")


def _limits(matrix: np.ndarray) -> tuple[float, float]:
    """The colour limits of a heatmap: the smallest and largest finite entry."""
    finite = matrix[np.isfinite(matrix)]
    return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)


def matrix_heatmap(W, ablated: str | None = None, label: str = "logit", like=None,
                   words=None) -> Picture:
    """The whole (27, 27) matrix as a heatmap: rows = this token, columns = next token.

    Pass W (logits) or softmax(W) (label="probability"). Entries equal to -inf (an
    ablated column) are drawn hatched dark grey and named under the picture; `ablated`
    names the ablated token in the title. `like`: a matrix whose colour scale to use,
    e.g. the unablated W, so that before and after read the same. `words`: words the
    model wrote (sample_word's outputs), printed on the figure: the symptom of the cut.

    >>> W = np.zeros((27, 27)); W[1, 2] = 3.0; cut = W.copy(); cut[:, 0] = -np.inf
    >>> matrix_heatmap(cut, ".", like=W).axes[0].get_images()[0].get_clim()
    (0.0, 3.0)
    """
    W = _matrix(W)
    if ablated is not None:
        index(ablated)
    vmin, vmax = _limits(W if like is None else _matrix(like, "like"))
    masked = np.ma.masked_where(np.isneginf(W), W)
    cmap = colormaps["viridis"].with_extremes(bad=CUT)  # -inf: never emitted
    fig = Picture(figsize=(7.2, 6.6 if words else 6.2), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(masked, cmap=cmap, aspect="equal", vmin=vmin, vmax=vmax)
    fig.colorbar(image, ax=ax, shrink=0.8, label=label)
    cut = [j for j in range(VOCAB) if np.isneginf(W[:, j]).all()]
    for j in cut:  # a whole column cut: hatched, inset from the frame, named below
        ax.add_patch(Rectangle((j - 0.36, -0.4), 0.72, VOCAB - 0.2, facecolor=CUT,
                               edgecolor="#d4d4d8", hatch="///", linewidth=0.6, zorder=2))
    if cut:
        below = ax.secondary_xaxis("bottom")
        below.set_xticks(cut, [f"↑ '{TOKENS[j]}' cut: -inf" for j in cut], fontsize=8,
                         color=CUT, fontweight="bold")
    ticks = np.arange(VOCAB)
    ax.set_xticks(ticks, list(TOKENS), fontsize=8)
    ax.set_yticks(ticks, list(TOKENS), fontsize=8)
    ax.set_xlabel("next token")
    ax.set_ylabel("this token")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    if ablated is not None:
        title = f"Column '{ablated}' ablated (hatched grey = -inf): never emitted"
    elif np.isneginf(W).any():
        title = f"The model's {label}s (hatched grey = -inf, never emitted)"
    else:
        title = f"The model's {label}s: row = this token, column = next token"
    ax.set_title(title, pad=12)
    if words:
        fig.supxlabel(_words_note(list(words)), fontsize=8, family="monospace")
    return fig


def _words_note(words: list[str]) -> str:
    """The sampled words as two short lines for the foot of a heatmap.

    >>> print(_words_note(["ab", "cd", "ef", "gh"]))
    words the model writes now (the symptom):
    ab, cd, ef,
    gh
    """
    shown = [", ".join(words[i:i + 3]) for i in range(0, min(len(words), 6), 3)]
    more = ", ..." if len(words) > 6 else ""
    return "words the model writes now (the symptom):\n" + ",\n".join(shown) + more


def _sentence(after: str, nxt: str, p: float) -> str:
    """One rule in English.

    >>> _sentence("q", "u", 0.936)
    "after 'q', the model writes 'u' 94% of the time"
    >>> _sentence(".", "a", 0.14), _sentence("y", ".", 0.46)[-29:]
    ("to start a word, the model writes 'a' 14% of the time", 'ends the word 46% of the time')
    """
    where = "to start a word" if after == "." else f"after '{after}'"
    what = "ends the word" if nxt == "." else f"writes '{nxt}'"
    return f"{where}, the model {what} {p:.0%} of the time"


def rulebook(rules, total: int = VOCAB) -> Picture:
    """The rulebook in sentences, one bar per rule, the most confident at the top.

    rules: a list of (after, next, probability) as rank_rules returns them; `total`,
    how many rules there are in all (one per token: 27), for the title's "12 of 27".
    """
    rules = [tuple(rule) for rule in rules]
    for rule in rules:
        if len(rule) != 3:
            raise ValueError(f"each rule must be (after, next, probability); got {rule!r}")
    labels = [_sentence(after, nxt, float(p)) for after, nxt, p in rules]
    probs = [float(p) for _, _, p in rules]
    fig = Picture(figsize=(8.2, 1.1 + 0.3 * max(len(rules), 1)), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(rules))
    ax.barh(y, probs, color=BELIEF, height=0.7)
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()  # the most confident rule on top
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability of the favourite next token", fontsize=9)
    shown = f"{len(rules)} of {total} rules shown" if len(rules) < total else "all rules"
    ax.set_title(f"The rulebook: each token's favourite next token\n{shown}, "
                 "most confident first", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def greedy_path(W, word: str) -> Picture:
    """The greedy word drawn step by step: each bar is the probability of the step taken.

    The path is `.` -> word's letters -> `.` (the end is drawn only if the model's
    favourite after the last letter is `.`, i.e. the word stopped rather than hit
    max_len). A pale bar behind each step shows the runner-up's probability: how
    close the decision was.
    """
    probs = np.exp(_log_probs(_matrix(W)))
    ids = [BOUNDARY] + [index(ch) for ch in word]
    if probs[ids[-1]].argmax() == BOUNDARY:
        ids.append(BOUNDARY)
    steps = list(zip(ids[:-1], ids[1:]))
    chosen = [probs[a, b] for a, b in steps]
    second = [int(np.argsort(probs[a], kind="stable")[-2]) for a, _ in steps]
    runner_up = [probs[a, j] for (a, _), j in zip(steps, second)]
    fig = Picture(figsize=(max(5.2, 0.55 * len(steps) + 1.5), 3.8), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(steps))
    ax.bar(x, runner_up, width=0.8, color=DIM, label="runner-up")
    ax.bar(x, chosen, width=0.5, color=BELIEF, label="step taken")
    for xi, p in zip(x, chosen):
        ax.text(xi, p + 0.02, f"{p:.2f}", ha="center", fontsize=8)
    ax.set_xticks(x, [f"{TOKENS[a]}→{TOKENS[b]}\n(2nd: {TOKENS[j]})"
                      for (a, b), j in zip(steps, second)], fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    shown = f"'{word}'" if word else "the empty word"
    ax.set_title(f"The greedy path: {shown}\nthe same word every time, forever", fontsize=10)
    ax.set_xlabel("no randomness: the favourite at every step, so this is the only word\n"
                  "greedy decoding can ever write", fontsize=8, color="#4c1d95")
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
