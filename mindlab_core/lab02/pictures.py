"""Lab 02's figures. Each function returns a matplotlib Figure (no pyplot state is touched).

In a notebook the Figure shows itself; elsewhere, `fig.savefig("strip.png")`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..tokens import TOKENS


def projection_strip(scores: dict[str, float], threshold: float, vowels: str, consonants: str,
                     held_out: str = "") -> Figure:
    """Every letter as a dot on one line, at its score on the vowel direction.

    Vowels red, consonants blue, others grey; held-out letters are drawn hollow and
    labelled in bold. The dashed line is the threshold between the classes.
    """
    fig = Figure(figsize=(10, 2.4))
    ax = fig.add_subplot()
    for rank, (letter, score) in enumerate(sorted(scores.items(), key=lambda kv: kv[1])):
        color = "tab:red" if letter in vowels else "tab:blue" if letter in consonants else "grey"
        hollow = letter in held_out
        y = 0.3 if rank % 2 else -0.3  # alternate labels so neighbours do not overlap
        ax.scatter([score], [0], s=80, edgecolors=color, linewidths=2,
                   facecolors="white" if hollow else color, zorder=3)
        ax.annotate(letter, (score, 0), xytext=(score, y), ha="center", va="center",
                    fontsize=12, fontweight="bold" if hollow else "normal", color=color)
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1)
    ax.axhline(0, color="lightgrey", linewidth=1, zorder=1)
    ax.set_ylim(-0.6, 0.6)
    ax.set_yticks([])
    ax.set_xlabel("projection on the vowel direction (hollow = held out, never seen)")
    ax.set_title("Vowel-ness is a direction: red vowels, blue consonants, grey neither")
    fig.tight_layout()
    return fig


def lens_table(lens_logits: np.ndarray, contexts: list[str], targets: str,
               losses=None) -> Figure:
    """The logit lens as a table: one row per context, one column per layer.

    lens_logits is (layers + 1, n, 27). Each cell shows the lens's top guess and the
    probability it gives the true next token (the colour). `losses` (layers + 1,), the
    lens's mean loss over all names at each layer, goes under the column names.
    """
    lens = np.asarray(lens_logits, dtype=np.float64)
    shifted = lens - lens.max(axis=-1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)  # (L+1, n, 27)
    truth = np.array([TOKENS.index(t) for t in targets])
    p_true = probs[:, np.arange(len(truth)), truth].T  # (n, L+1)
    top = probs.argmax(axis=-1).T
    fig = Figure(figsize=(1.3 * lens.shape[0] + 2.5, 0.5 * len(contexts) + 1.4))
    ax = fig.add_subplot()
    image = ax.imshow(p_true, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    for i in range(p_true.shape[0]):
        for j in range(p_true.shape[1]):
            ax.text(j, i, f"{TOKENS[top[i, j]]!r} {p_true[i, j]:.2f}", ha="center",
                    va="center", fontsize=9, color="white" if p_true[i, j] > 0.6 else "black")
    columns = ["embed"] + [f"block {i}" for i in range(1, lens.shape[0])]
    if losses is not None:
        columns = [f"{c}\nloss {loss:.2f}" for c, loss in zip(columns, losses)]
    ax.set_xticks(range(lens.shape[0]), columns)
    ax.set_yticks(range(len(contexts)), [f"{c!r} -> {t!r}" for c, t in zip(contexts, targets)])
    ax.set_title("logit lens: top guess, and p(true next token) as colour")
    fig.colorbar(image, ax=ax, label="p(true next)")
    fig.tight_layout()
    return fig


def attention_patterns(patterns: np.ndarray, titles: dict | None = None) -> Figure:
    """A grid of every head's (T, T) pattern, layers as rows; queries down, keys across."""
    patterns = np.asarray(patterns)
    n_layers, n_heads = patterns.shape[:2]
    fig = Figure(figsize=(2.6 * n_heads, 2.8 * n_layers))
    axes = fig.subplots(n_layers, n_heads, squeeze=False)
    for layer in range(n_layers):
        for head in range(n_heads):
            ax = axes[layer, head]
            ax.imshow(patterns[layer, head], cmap="Blues", vmin=0, vmax=1)
            label = f"L{layer}H{head}"
            if titles and (layer, head) in titles:
                label += f"\n{titles[(layer, head)]}"
            ax.set_title(label, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle("attention patterns (row = query, column = key): find the stripes")
    fig.tight_layout()
    return fig


def _arrows(ax, directions: np.ndarray, colors, width: float = 0.015, label=None) -> None:
    for i, (x, y) in enumerate(directions):
        ax.arrow(0, 0, x, y, width=width, length_includes_head=True, color=colors[i],
                 alpha=0.9, label=label if i == 0 else None)


def feature_arrows(W: np.ndarray, sparsities) -> Figure:
    """Each toy model's 5 feature directions (columns of W (I, 2, f)) as arrows, one panel each."""
    W = np.asarray(W)
    colors = [f"C{i}" for i in range(W.shape[-1])]
    fig = Figure(figsize=(2.6 * len(W), 3))
    axes = fig.subplots(1, len(W), squeeze=False)[0]
    for ax, w, s in zip(axes, W, sparsities):
        _arrows(ax, w.T, colors)
        ax.set_xlim(-1.5, 1.5)
        ax.set_ylim(-1.5, 1.5)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"sparsity {s:g}")
    fig.suptitle("5 features in 2 dimensions (colour = importance rank, C0 most important)")
    fig.tight_layout()
    return fig


def sae_vs_true(true: np.ndarray, learned: np.ndarray) -> Figure:
    """True feature directions (rows of true (f, 2), scaled to unit) against SAE decoder rows."""
    true = np.asarray(true, dtype=np.float64)
    true = true / np.linalg.norm(true, axis=1, keepdims=True)
    fig = Figure(figsize=(4, 4))
    ax = fig.add_subplot()
    _arrows(ax, true * 1.1, ["lightgrey"] * len(true), width=0.05, label="true feature")
    _arrows(ax, np.asarray(learned), ["tab:red"] * len(learned), width=0.012,
            label="SAE latent")
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title("an SAE finds the features again", fontsize=11)
    fig.tight_layout()
    return fig
