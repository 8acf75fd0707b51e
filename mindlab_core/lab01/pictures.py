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

from ..bigram import _log_probs
from ..tokens import BOUNDARY, TOKENS, VOCAB, index

BELIEF = "#3b6ea8"  # the model
DATA = "#d1495b"  # the world
DIM = "#b8c4d6"


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


def belief_bars(belief, data=None, letter: str = ".") -> Picture:
    """Bars: the model's belief about the token after `letter`; ticks: the data's frequencies.

    belief: (27,) probabilities (read_row's output); data: (27,) frequencies
    (data_row's output) or None. Tokens run `.` a..z along the x axis.
    """
    index(letter)  # a bad letter is a ValueError that says what a token is
    belief = _vector(belief, "belief")
    x = np.arange(VOCAB)
    fig = Picture(figsize=(9, 3.6), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(x, belief, color=BELIEF, width=0.7, label="model's belief")
    if data is not None:
        data = _vector(data, "data")
        # a wide flat marker per token: the data's frequency, drawn over the bar
        ax.scatter(x, data, marker="_", s=260, linewidths=2.5, color=DATA, zorder=3,
                   label="frequency in the names")
    ax.set_xticks(x, list(TOKENS))
    ax.set_xlim(-0.6, VOCAB - 0.4)
    top = max(belief.max(), 0 if data is None else data.max())
    ax.set_ylim(0, min(1.05, top * 1.1 + 0.02))
    ax.set_xlabel("next token  (. = the word ends)" if letter != "." else
                  "first letter of a word")
    ax.set_ylabel("probability")
    where = "at the start of a word" if letter == "." else f"after '{letter}'"
    ax.set_title(f"What the model believes comes next {where}")
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def matrix_heatmap(W, ablated: str | None = None, label: str = "logit") -> Picture:
    """The whole (27, 27) matrix as a heatmap: rows = this token, columns = next token.

    Pass W (logits) or softmax(W) (label="probability"). Entries equal to -inf (an
    ablated column) are masked and drawn black; `ablated` names the ablated token in
    the title.
    """
    W = _matrix(W)
    if ablated is not None:
        index(ablated)
    masked = np.ma.masked_where(np.isneginf(W), W)
    cmap = colormaps["viridis"].with_extremes(bad="black")  # -inf: never emitted
    fig = Picture(figsize=(7.2, 6.2), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(masked, cmap=cmap, aspect="equal")
    fig.colorbar(image, ax=ax, shrink=0.8, label=label)
    ticks = np.arange(VOCAB)
    ax.set_xticks(ticks, list(TOKENS), fontsize=8)
    ax.set_yticks(ticks, list(TOKENS), fontsize=8)
    ax.set_xlabel("next token")
    ax.set_ylabel("this token")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    if ablated is not None:
        title = f"Column '{ablated}' ablated: black = -inf, never emitted"
    elif np.isneginf(W).any():
        title = f"The model's {label}s (black = -inf, never emitted)"
    else:
        title = f"The model's {label}s: row = this token, column = next token"
    ax.set_title(title, pad=12)
    return fig


def rulebook(rules) -> Picture:
    """Horizontal bars, one per rule "q → u", longest (most confident) at the top.

    rules: a list of (after, next, probability) as rank_rules returns them.
    """
    rules = [tuple(rule) for rule in rules]
    for rule in rules:
        if len(rule) != 3:
            raise ValueError(f"each rule must be (after, next, probability); got {rule!r}")
    labels = [f"{after} → {nxt}" for after, nxt, _ in rules]
    probs = [float(p) for _, _, p in rules]
    fig = Picture(figsize=(6.4, 0.8 + 0.28 * max(len(rules), 1)), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(rules))
    ax.barh(y, probs, color=BELIEF, height=0.7)
    for yi, p in zip(y, probs):
        ax.text(p + 0.01, yi, f"{p:.2f}", va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()  # the most confident rule on top
    ax.set_xlim(0, 1.08)
    ax.set_xlabel("probability of the rule's next token")
    ax.set_title("The rulebook: each token's most likely next token")
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
    fig = Picture(figsize=(max(4.0, 0.55 * len(steps) + 1.5), 3.4), layout="constrained")
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
    ax.set_title(f"The greedy path: '{word}'" if word else "The greedy path: the empty word")
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
