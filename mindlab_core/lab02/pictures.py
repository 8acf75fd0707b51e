"""Lab 02's figures. Each function returns a matplotlib Figure (no pyplot state is touched).

In a notebook the Figure shows itself; elsewhere, `fig.savefig("strip.png")`. Nothing
here computes a graded function: what a picture needs from one (dimensionalities, how
often each SAE latent fires) is passed in, so a notebook draws the learner's own answers.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ..tokens import TOKENS

VOWEL, CONSONANT, OTHER = "tab:red", "tab:blue", "grey"
LEVELS = (0.3, -0.3, 0.55, -0.55, 0.8, -0.8)  # label heights above/below the line


def label_levels(xs: list[float], gap: float) -> list[float]:
    """A height for each label (xs sorted) so that labels on one height are `gap` apart.

    Each label takes the first height whose last label is at least `gap` to its left;
    when none is free, the height whose last label is farthest away.

    >>> label_levels([0.0, 0.1, 0.2, 5.0], gap=1.0)
    [0.3, -0.3, 0.55, 0.3]
    """
    last = {level: -np.inf for level in LEVELS}
    chosen = []
    for x in xs:
        free = [level for level in LEVELS if x - last[level] >= gap]
        level = free[0] if free else min(LEVELS, key=lambda lv: last[lv])
        last[level] = x
        chosen.append(level)
    return chosen


def projection_strip(scores: dict[str, float], threshold: float, vowels: str, consonants: str,
                     held_out: str = "", highlight: str = "") -> Figure:
    """Every letter as a dot on one line, at its score on the vowel direction.

    Vowels red, consonants blue, others grey; held-out letters are drawn hollow and
    labelled in bold. Labels sit on staggered heights with a thin line to their dot, so
    neighbours never overlap. The dashed line is the threshold between the classes;
    `highlight` (one letter) is ringed and its score written out.
    """
    fig = Figure(figsize=(10, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ranked = sorted(scores.items(), key=lambda kv: kv[1])
    span = ranked[-1][1] - ranked[0][1] or 1.0
    levels = label_levels([score for _, score in ranked], gap=0.03 * span)
    for (letter, score), y in zip(ranked, levels):
        color = VOWEL if letter in vowels else CONSONANT if letter in consonants else OTHER
        hollow = letter in held_out
        ax.plot([score, score], [0, y * 0.8], color=color, linewidth=0.6, alpha=0.6)
        ax.scatter([score], [0], s=80, edgecolors=color, linewidths=2,
                   facecolors="white" if hollow else color, zorder=3)
        ax.annotate(letter, (score, 0), xytext=(score, y), ha="center", va="center",
                    fontsize=12, fontweight="bold" if hollow else "normal", color=color)
    if highlight in scores:
        score = scores[highlight]
        ax.scatter([score], [0], s=420, facecolors="none", edgecolors="black", linewidths=1.5,
                   zorder=4)
        side = "vowel" if score > threshold else "consonant"
        ax.annotate(f"--letter '{highlight}': {score:+.2f}, the {side} side", (score, 0),
                    xytext=(score, -1.05), ha="center", fontsize=9,
                    arrowprops={"arrowstyle": "-", "color": "black", "linewidth": 0.8})
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1)
    ax.text(threshold, 1.02, f"threshold {threshold:+.2f}", ha="center", va="bottom",
            fontsize=9, transform=ax.get_xaxis_transform())
    ax.text(threshold - 0.01 * span, 0.96, "← consonant side ", ha="right", va="top",
            fontsize=8, transform=ax.get_xaxis_transform(), color=CONSONANT)
    ax.text(threshold + 0.01 * span, 0.96, " vowel side →", ha="left", va="top", fontsize=8,
            transform=ax.get_xaxis_transform(), color=VOWEL)
    ax.axhline(0, color="lightgrey", linewidth=1, zorder=1)
    ax.set_ylim(-1.2 if highlight in scores else -0.95, 0.95)
    ax.set_yticks([])
    ax.set_xlabel("projection on the vowel direction (hollow, bold = held out, never seen "
                  "when the direction was built)")
    ax.set_title("Vowel-ness is a direction: red vowels, blue consonants, grey neither",
                 pad=16)
    return fig


def lens_table(lens_logits: np.ndarray, contexts: list[str], targets: str,
               losses=None) -> Figure:
    """The logit lens as a table: one row per context, one column per layer.

    lens_logits is (layers + 1, n, 27). Each cell names the lens's top guess and gives
    p(true next token), the probability the lens puts on the token that really came
    next (also the cell's colour; not the top guess's probability). `losses`
    (layers + 1,), the lens's mean loss over all names at each layer, goes under the
    column names.
    """
    lens = np.asarray(lens_logits, dtype=np.float64)
    shifted = lens - lens.max(axis=-1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)  # (L+1, n, 27)
    truth = np.array([TOKENS.index(t) for t in targets])
    p_true = probs[:, np.arange(len(truth)), truth].T  # (n, L+1)
    top = probs.argmax(axis=-1).T
    fig = Figure(figsize=(1.45 * lens.shape[0] + 3.2, 0.62 * len(contexts) + 1.9),
                 layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(p_true, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    for i in range(p_true.shape[0]):
        for j in range(p_true.shape[1]):
            ax.text(j, i, f"guess {TOKENS[top[i, j]]!r}\np(true) {p_true[i, j]:.2f}",
                    ha="center", va="center", fontsize=8,
                    color="white" if p_true[i, j] > 0.6 else "black")
    columns = ["embed"] + [f"block {i}" for i in range(1, lens.shape[0])]
    if losses is not None:
        columns = [f"{c}\nloss {loss:.2f}" for c, loss in zip(columns, losses)]
    ax.set_xticks(range(lens.shape[0]), columns)
    ax.set_yticks(range(len(contexts)), [f"{c!r} -> {t!r}" for c, t in zip(contexts, targets)])
    ax.set_ylabel("context -> true next token")
    ax.set_title("logit lens: each cell = the lens's top guess, and p(true next token)\n"
                 "(the probability of the token that really came next, also the colour)",
                 fontsize=10)
    fig.colorbar(image, ax=ax, label="p(true next token)")
    return fig


def attention_patterns(patterns: np.ndarray, titles: dict | None = None) -> Figure:
    """A grid of every head's (T, T) pattern, layers as rows; queries down, keys across."""
    patterns = np.asarray(patterns)
    n_layers, n_heads = patterns.shape[:2]
    fig = Figure(figsize=(2.6 * n_heads, 3.0 * n_layers + 0.4), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.12, hspace=0.08)
    axes = fig.subplots(n_layers, n_heads, squeeze=False)
    for layer in range(n_layers):
        for head in range(n_heads):
            ax = axes[layer, head]
            ax.imshow(patterns[layer, head], cmap="Blues", vmin=0, vmax=1)
            label = f"layer {layer}, head {head}"
            if titles and (layer, head) in titles:
                label += f"\n{titles[(layer, head)]}"
            ax.set_title(label, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle("attention patterns (row = query, column = key): find the stripes")
    return fig


def _arrows(ax, directions: np.ndarray, colors, width: float = 0.015, label=None,
            styles=None) -> None:
    for i, (x, y) in enumerate(directions):
        ax.arrow(0, 0, x, y, width=width, length_includes_head=True, color=colors[i],
                 alpha=0.9, label=label if i == 0 else None,
                 linestyle=styles[i] if styles else "-")


def feature_arrows(W: np.ndarray, sparsities, dims=None) -> Figure:
    """Each toy model's feature directions (columns of W (I, 2, f)) as arrows, one panel each.

    Colour = the feature's importance rank (legend: feature 0 matters most). `dims`
    (I, f), each feature's dimensionality (feature_dimensionality's output per model),
    is written under its panel: 1 = a dimension of its own, 0.5 = sharing one, 0 = not
    stored.
    """
    W = np.asarray(W)
    n_features = W.shape[-1]
    ramp = colormaps["plasma"]
    colors = [ramp(0.85 * i / max(n_features - 1, 1)) for i in range(n_features)]
    fig = Figure(figsize=(2.7 * len(W), 3.9), layout="constrained")
    axes = fig.subplots(1, len(W), squeeze=False)[0]
    for k, (ax, w, s) in enumerate(zip(axes, W, sparsities)):
        for i, (x, y) in enumerate(w.T):
            ax.arrow(0, 0, x, y, width=0.015, length_includes_head=True, color=colors[i],
                     alpha=0.9, label=_feature_name(i, n_features) if k == 0 else None)
        ax.set_xlim(-1.5, 1.5)
        ax.set_ylim(-1.5, 1.5)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"sparsity {s:g}")
        if dims is not None:
            ax.set_xlabel("dimensionality\n" + " ".join(f"{d:.2f}" for d in dims[k]),
                          fontsize=8)
    fig.legend(loc="outside lower center", ncols=n_features, frameon=False, fontsize=8)
    fig.suptitle(f"{n_features} features in 2 dimensions: one arrow per feature, where the "
                 "model writes it")
    return fig


def _feature_name(i: int, n: int) -> str:
    """The legend's name of feature i of n.

    >>> _feature_name(0, 5), _feature_name(2, 5), _feature_name(4, 5)
    ('feature 0 (most important)', 'feature 2', 'feature 4 (least)')
    """
    return f"feature {i}" + (" (most important)" if i == 0 else " (least)" if i == n - 1
                             else "")


def sae_vs_true(true: np.ndarray, learned: np.ndarray, activity=None) -> Figure:
    """True feature directions (rows of true (f, 2), scaled to unit) against SAE decoder rows.

    An SAE is given more latents than there are features (8 for 5 here), so there are
    more red arrows than grey ones: where two red arrows lie on one grey arrow, two
    latents share that feature. `activity` (n_latents,), the fraction of inputs on which
    each latent fires ((sae_encode(sae, H) > 0).mean(0)), is written at each arrow's tip;
    a latent that fires on less than a twentieth of the busiest one's inputs is dead
    (dashed grey): it explains nothing.
    """
    true = np.asarray(true, dtype=np.float64)
    true = true / np.linalg.norm(true, axis=1, keepdims=True)
    learned = np.asarray(learned, dtype=np.float64)
    fig = Figure(figsize=(5.4, 5.8), layout="constrained")
    ax = fig.add_subplot()
    _arrows(ax, true * 1.1, ["lightgrey"] * len(true), width=0.05,
            label=f"true feature ({len(true)})")
    rates = None if activity is None else np.asarray(activity, dtype=np.float64)
    alive = np.ones(len(learned), bool) if rates is None else rates >= 0.05 * rates.max()
    if alive.any():
        _arrows(ax, learned[alive], ["tab:red"] * int(alive.sum()), width=0.012,
                label=f"SAE latent ({int(alive.sum())})")
    if not alive.all():
        dead = int((~alive).sum())
        _arrows(ax, learned[~alive], ["#7f7f7f"] * dead, width=0.006,
                label=f"dead latent, never fires ({dead})", styles=["--"] * dead)
    if rates is not None:
        unit = learned / np.maximum(np.linalg.norm(learned, axis=1, keepdims=True), 1e-12)
        for i, ((x, y), rate) in enumerate(zip(unit, rates)):
            twins = int((unit[:i] @ unit[i] > 0.95).sum())  # earlier latents on this ray
            r = 1.2 + 0.14 * twins
            ax.text(x * r, y * r, f"{rate:.1%}", ha="center", va="center", fontsize=7,
                    color="tab:red" if alive[i] else "#7f7f7f")
    ax.set_xlim(-1.55, 1.55)
    ax.set_ylim(-1.55, 1.55)
    ax.set_aspect("equal")
    ax.legend(loc="lower left", fontsize=7, title="at each tip: how often it fires"
              if rates is not None else None, title_fontsize=7)
    ax.set_title(f"an SAE finds the features again\n{len(learned)} latents for {len(true)} "
                 "features: two red arrows on one grey\nare two latents sharing a feature",
                 fontsize=10)
    return fig
