"""TOOL 05 — the residual stream and the logit lens, on a small residual model of our names.

The model reads the last CONTEXT characters (`.`-padded) and predicts the next one:

    x_0     = E[0, c_0] + E[1, c_1] + E[2, c_2]        # (d,) the embedding: one table per slot
    x_{l+1} = x_l + relu(x_l @ W1[l] + b1[l]) @ W2[l] + b2[l]   # a block ADDS to the stream
    logits  = x_L @ U + bU                               # (27,) the unembedding

Every block only adds to the stream, so each partial stream x_l lives in the same space
as the last one, and we can read it with the unembedding: that is the logit lens. At the
last layer the lens *is* the model's output.

params is a plain dict of arrays (see PARAM_SHAPES), so it crosses the grader's channel.

>>> X, Y = make_contexts(["ab"], 3)
>>> X.tolist(), Y.tolist()
([[0, 0, 0], [0, 0, 1], [0, 1, 2]], [1, 2, 0])
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..tokens import VOCAB, encode

CONTEXT = 3  # characters of context
WIDTH = 32  # d: the residual stream's width
HIDDEN = 64  # h: each block's hidden layer
LAYERS = 4  # L: residual blocks
WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "lab02_residual.npz"


def param_shapes(k: int = CONTEXT, d: int = WIDTH, h: int = HIDDEN, L: int = LAYERS) -> dict:
    """The shape of every array of a residual model's params."""
    return {"E": (k, VOCAB, d), "W1": (L, d, h), "b1": (L, h), "W2": (L, h, d), "b2": (L, d),
            "U": (d, VOCAB), "bU": (VOCAB,)}


# ---------------------------------------------------------------- graded (reference)


def make_contexts(words: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (context, next token) pair of the words: X (n, k) int64, Y (n,) int64.

    Each word is read as k boundary tokens `.`, its letters, then one `.`; each position
    after the padding is a target, its k predecessors the context. A word of length m
    gives m + 1 pairs; words are taken in order.
    >>> X, Y = make_contexts(["a"], 2)
    >>> X.tolist(), Y.tolist()
    ([[0, 0], [0, 1]], [1, 0])

    k < 1 raises ValueError, and so does a word with a character outside a..z.
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a whole number of characters >= 1, got {k!r}")
    contexts: list[list[int]] = []
    targets: list[int] = []
    for word in words:
        ids = [0] * (k - 1) + encode(word)  # encode adds one `.` at each end
        for t in range(k, len(ids)):
            contexts.append(ids[t - k:t])
            targets.append(ids[t])
    return (np.array(contexts, dtype=np.int64).reshape(-1, k), np.array(targets, dtype=np.int64))


def run_with_cache(params: dict, contexts: np.ndarray) -> list[np.ndarray]:
    """The residual stream after the embedding and after every block: L + 1 arrays (n, d).

    streams[0] is the embedding x_0 (the sum of one row of E per context slot);
    streams[l + 1] = streams[l] + relu(streams[l] @ W1[l] + b1[l]) @ W2[l] + b2[l].
    contexts is (n, k) token indices. params is not changed.
    """
    E = params["E"]
    contexts = np.asarray(contexts)
    x = sum(E[p][contexts[:, p]] for p in range(E.shape[0]))
    streams = [x]
    for layer in range(params["W1"].shape[0]):
        hidden = np.maximum(0.0, x @ params["W1"][layer] + params["b1"][layer])
        x = x + hidden @ params["W2"][layer] + params["b2"][layer]
        streams.append(x)
    return streams


def logit_lens(params: dict, streams: list[np.ndarray]) -> np.ndarray:
    """(len(streams), n, 27): every partial stream read through the unembedding, s @ U + bU.

    The last entry, on the last stream, is exactly the model's logits: the lens adds
    nothing at the end of the model. params and streams are not changed.
    """
    return np.stack([s @ params["U"] + params["bU"] for s in streams])


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Mean negative log-likelihood (nats) of the targets (n,) under logits (n, V).

    >>> round(cross_entropy(np.zeros((2, 27)), np.array([0, 5])), 4)   # uniform: log 27
    3.2958

    Computed with a stable log-softmax, so logits of any size (1e4) are fine.
    """
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-log_probs[np.arange(len(targets)), targets].mean())


# ---------------------------------------------------------------- the model (not graded)


def forward(params: dict, contexts: np.ndarray) -> np.ndarray:
    """(n, 27) the model's logits for each context."""
    return run_with_cache(params, contexts)[-1] @ params["U"] + params["bU"]


def lens_losses(params: dict, contexts: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """(L + 1,) the cross-entropy of the lens at each layer: the prediction sharpening."""
    lens = logit_lens(params, run_with_cache(params, contexts))
    return np.array([cross_entropy(layer, targets) for layer in lens])


def load_params(path: Path | str = WEIGHTS_FILE) -> dict:
    """A params dict (float64 arrays) from an .npz written by train_residual."""
    with np.load(path) as data:
        return {name: data[name].astype(np.float64) for name in param_shapes()}


@lru_cache(maxsize=1)
def _shipped() -> dict:
    params = load_params()
    for array in params.values():
        array.setflags(write=False)
    return params


def residual_model() -> dict:
    """The shipped trained model (a fresh dict each call; the arrays are read-only)."""
    return dict(_shipped())
